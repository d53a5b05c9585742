import { useEffect, useState } from "react";
import { useLive } from "../live/LiveContext";

/** One polite live region for status changes of the detections on screen. */
export function Announcer() {
  const { store } = useLive();
  const [text, setText] = useState("");
  useEffect(() => store.onAnnounce(setText), [store]);
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" role="status">
      {text}
    </div>
  );
}
