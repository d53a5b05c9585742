import { formatTime } from "../chunks";
import type { Detection } from "../types";
import { isTerminal } from "../types";
import { ASSESSMENT_LABELS, decide, policyOf, reasonMessage } from "../verdict";
import { VerdictBadge } from "./VerdictBadge";

/** The verdict computed here from the chunk map, by the same policy as the backend. */
export function VerdictPanel({ detection }: { detection: Detection }) {
  const policy = policyOf(detection.verdict_policy);
  const chunks = detection.chunk_predictions ?? {};
  const verdict = decide(chunks, policy);
  const running = !isTerminal(detection.status);
  const scored = Object.values(chunks).some((chunk) => chunk.score !== null);
  const peak = Object.values(chunks)
    .filter((chunk) => chunk.speech && chunk.score !== null)
    .reduce<(typeof chunks)[string] | null>((best, chunk) => (best === null || (chunk.score as number) > (best.score as number) ? chunk : best), null);
  const server = detection.overall_assessment;

  return (
    <section className="verdict-panel" aria-labelledby="verdict-heading">
      <h2 id="verdict-heading" className="section-title">
        Verdict
      </h2>
      {detection.status === "failed" ? (
        <p className="banner banner--error" role="alert">
          The analysis failed{detection.error_message ? `: ${detection.error_message}` : "."}
        </p>
      ) : running && !scored ? (
        <p className="muted">Waiting for the first scores…</p>
      ) : (
        <>
          <VerdictBadge assessment={verdict.assessment} confidence={verdict.confidence} provisional={running} size="large" />
          <p className="verdict-panel__why" data-testid="verdict-why">
            {verdict.assessment === "inconclusive" || !peak
              ? reasonMessage(verdict.inconclusive_reason, policy.min_speech_seconds ?? 0)
              : `Follows the most suspicious speech chunk (${formatTime(peak.start)}–${formatTime(peak.end)}, score ${(peak.score as number).toFixed(2)}), never an average.`}
          </p>
          {!running && server && server !== verdict.assessment ? (
            <p className="banner banner--warning">
              The server recorded “{ASSESSMENT_LABELS[server]}” for this detection; the chunk map above says otherwise.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
