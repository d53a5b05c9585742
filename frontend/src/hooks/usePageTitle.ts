import { useEffect } from "react";

const APP = "Voice Check";

/** Sets document.title, so screen reader users hear where a navigation landed. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · ${APP}` : APP;
  }, [title]);
}
