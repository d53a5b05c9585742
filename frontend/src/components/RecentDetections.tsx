import { Link } from "react-router-dom";
import { useRecentDetections } from "../hooks/useRecentDetections";
import { useLive } from "../live/LiveContext";
import { recentDetections } from "../live/recent";
import { isTerminal } from "../types";
import { DetectionRow } from "./DetectionRow";

/** What was uploaded in this browser session, newest first, with live status; finished ones can be cleared. */
export function RecentDetections() {
  const ids = useRecentDetections();
  const { store } = useLive();
  // One that cannot be loaded at all (deleted elsewhere) counts as finished too.
  const finished = () =>
    ids.filter((id) => {
      const entry = store.get(id);
      return entry?.data ? isTerminal(entry.data.status) : Boolean(entry?.error);
    });
  return (
    <section className="panel" aria-labelledby="recent-heading">
      <div className="recent__head">
        <h2 id="recent-heading" className="section-title">
          This session
        </h2>
        {ids.length ? (
          <button type="button" className="link-button" onClick={() => recentDetections.remove(finished())} data-testid="clear-finished">
            Clear finished
          </button>
        ) : null}
      </div>
      {ids.length ? (
        <ul className="recent">
          {ids.map((id) => (
            <DetectionRow key={id} requestId={id} />
          ))}
        </ul>
      ) : (
        <p className="muted">
          Nothing uploaded yet in this session. Earlier checks are in your <Link to="/history">history</Link>.
        </p>
      )}
    </section>
  );
}
