import { useEffect, useRef, type RefObject } from "react";

/**
 * A modal's behaviour. While it is mounted everything else on the page is
 * `inert` (Tab cannot leave it and screen readers skip the page behind),
 * Escape calls `onClose`, and on unmount focus goes back to `returnFocusTo`.
 * Render the modal into `document.body` (a portal) with `sheet` on its root.
 */
export function useModal(onClose: () => void, returnFocusTo: RefObject<HTMLElement | null>) {
  const sheet = useRef<HTMLDivElement>(null);
  const initialFocus = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const behind = [...document.body.children].filter(
      (element) => element !== sheet.current && !element.hasAttribute("inert"),
    );
    behind.forEach((element) => element.setAttribute("inert", ""));
    initialFocus.current?.focus();
    return () => {
      behind.forEach((element) => element.removeAttribute("inert"));
      returnFocusTo.current?.focus();
    };
  }, [returnFocusTo]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  return { sheet, initialFocus };
}
