import { useLive } from "../live/LiveContext";

const TEXT = {
  open: "Live",
  connecting: "Connecting…",
  closed: "Offline, retrying",
} as const;

/** Whether live updates are flowing (the socket); when not, the app polls. */
export function ConnectionIndicator() {
  const { socketState } = useLive();
  return (
    <span className={`connection connection--${socketState}`} title="Live updates">
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__text">{TEXT[socketState]}</span>
    </span>
  );
}
