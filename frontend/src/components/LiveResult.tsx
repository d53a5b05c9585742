import { Link } from "react-router-dom";
import type { FinalMessage } from "../live/streamMessages";
import { VerdictBadge } from "./VerdictBadge";

/** The stream's verdict, decided by the server as for an upload, and the way to its stored detection. */
export function LiveResult({ result }: { result: FinalMessage }) {
  const assessment = result.overall_assessment;
  const chunks = Object.keys(result.chunk_predictions ?? {}).length;
  return (
    <section className="live-result" aria-labelledby="live-result-heading" data-testid="live-result">
      <h2 id="live-result-heading" className="section-title">
        Verdict
      </h2>
      {assessment ? (
        <>
          <VerdictBadge assessment={assessment} confidence={result.overall_confidence ?? 0} size="large" />
          <p className="verdict-panel__why">
            {assessment === "inconclusive"
              ? result.inconclusive_message
              : `Judged on the ${chunks} non-overlapping ${chunks === 1 ? "chunk" : "chunks"} of the stream, as an upload of the same audio would be.`}
          </p>
        </>
      ) : (
        <p className="muted">The server stored the stream without a verdict.</p>
      )}
      <p>
        <Link to={`/detections/${result.request_id}`}>Open the stored detection</Link> for its chunk map, playback and
        report.
      </p>
    </section>
  );
}
