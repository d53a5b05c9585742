import type { Detection } from "../types";
import { isTerminal } from "../types";
import { ASSESSMENT_LABELS, decide, policyOf, reasonMessage } from "../verdict";
import { decidingChunk, stretchText, verdictSentence } from "../verdictWords";
import { CoverageNotes } from "./CoverageNotes";
import { VerdictBadge } from "./VerdictBadge";

interface VerdictPanelProps {
  detection: Detection;
  /** The scoring model's scores are calibrated probabilities (from its card). */
  calibrated: boolean;
  /** Play the recording from a time, when the page has a player. */
  onPlayFrom?: (seconds: number) => void;
}

/** The verdict computed here from the chunk map (same policy as the backend), in words, numbers and why. */
export function VerdictPanel({ detection, calibrated, onPlayFrom }: VerdictPanelProps) {
  const policy = policyOf(detection.verdict_policy);
  const chunks = detection.chunk_predictions ?? {};
  const verdict = decide(chunks, policy);
  const running = !isTerminal(detection.status);
  const scored = Object.values(chunks).some((chunk) => chunk.score !== null);
  const peak = decidingChunk(chunks);
  const server = detection.overall_assessment;
  // The server's sentence once it has judged the same way; the shared wording before.
  const reason =
    !running && server === "inconclusive" && detection.inconclusive_message
      ? detection.inconclusive_message
      : reasonMessage(verdict.inconclusive_reason, policy.min_speech_seconds ?? 0);

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
          <VerdictBadge
            assessment={verdict.assessment}
            confidence={verdict.confidence}
            provisional={running}
            size="large"
            withConfidence={false}
          />
          <p className="verdict-panel__sentence" data-testid="verdict-sentence">
            {verdictSentence(verdict, policy, calibrated, reason)}
          </p>
          {verdict.assessment !== "inconclusive" && peak ? (
            <p className="verdict-panel__why" data-testid="verdict-why">
              Decided by the stretch{" "}
              {onPlayFrom ? (
                <button
                  type="button"
                  className="link-button verdict-panel__stretch"
                  data-testid="deciding-stretch"
                  onClick={() => onPlayFrom(peak.start)}
                >
                  {stretchText(peak)}
                  <span className="visually-hidden"> (play from there)</span>
                </button>
              ) : (
                <span data-testid="deciding-stretch">{stretchText(peak)}</span>
              )}
              , the highest-scoring speech; the verdict follows it, never an average, so a short fake inside a long
              genuine recording is not diluted away.
            </p>
          ) : null}
          {!running && server && server !== verdict.assessment ? (
            <p className="banner banner--warning">
              The server recorded “{ASSESSMENT_LABELS[server]}” for this detection; the chunk map above says otherwise.
            </p>
          ) : null}
        </>
      )}
      {detection.status !== "failed" ? <CoverageNotes notes={detection.coverage_notes ?? []} /> : null}
    </section>
  );
}
