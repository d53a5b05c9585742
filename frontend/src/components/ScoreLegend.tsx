import { NO_SPEECH_COLOUR, PENDING_COLOUR, VIRIDIS_STOPS } from "../chunks";
import type { VerdictPolicy } from "../types";

/** The colour scale of the chunk strip, with the verdict thresholds marked. */
export function ScoreLegend({ policy }: { policy: VerdictPolicy }) {
  const gradient = `linear-gradient(to right, ${VIRIDIS_STOPS.join(", ")})`;
  return (
    <div className="legend" aria-label="Colour key" role="group">
      <div className="legend__scale">
        <div className="legend__bar" style={{ backgroundImage: gradient }}>
          <span className="legend__mark" style={{ left: `${policy.likely_fake_threshold * 100}%` }} title="Likely fake threshold" />
          <span className="legend__mark" style={{ left: `${policy.fake_threshold * 100}%` }} title="Fake threshold" />
        </div>
        <div className="legend__labels">
          <span>0 · likely real</span>
          <span>1 · likely fake</span>
        </div>
        <p className="legend__thresholds">
          Likely fake from {policy.likely_fake_threshold}, fake from {policy.fake_threshold} (marks on the scale).
        </p>
      </div>
      <ul className="legend__keys">
        <li>
          <span className="legend__swatch chunk--no-speech" style={{ backgroundColor: NO_SPEECH_COLOUR }} aria-hidden="true" />
          No speech (not counted)
        </li>
        <li>
          <span className="legend__swatch chunk--pending" style={{ backgroundColor: PENDING_COLOUR }} aria-hidden="true" />
          Not scored yet
        </li>
      </ul>
    </div>
  );
}
