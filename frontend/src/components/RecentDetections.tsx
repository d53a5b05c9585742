import { Link } from "react-router-dom";
import { useRecentDetections } from "../hooks/useRecentDetections";
import { DetectionRow } from "./DetectionRow";

/** What was uploaded in this browser session, newest first, with live status. */
export function RecentDetections() {
  const ids = useRecentDetections();
  return (
    <section className="panel" aria-labelledby="recent-heading">
      <h2 id="recent-heading" className="section-title">
        This session
      </h2>
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
