import { NO_SPEECH_COLOUR, PENDING_COLOUR, VIRIDIS_STOPS } from "../chunks";
import type { VerdictPolicy } from "../types";
import { percentText, scoreText, thresholdsText } from "../verdictWords";

/** The colour scale of the chunk strip, with the verdict thresholds marked (rounded, in words). */
export function ScoreLegend({ policy, calibrated }: { policy: VerdictPolicy; calibrated: boolean }) {
  const show = calibrated ? percentText : scoreText;
  const gradient = `linear-gradient(to right, ${VIRIDIS_STOPS.join(", ")})`;
  return (
    <div className="legend" aria-label="Colour key" role="group">
      <div className="legend__scale">
        <div className="legend__bar" style={{ backgroundImage: gradient }}>
          <span className="legend__mark" style={{ left: `${policy.likely_fake_threshold * 100}%` }} title={`Likely fake from ${show(policy.likely_fake_threshold)}`} />
          <span className="legend__mark" style={{ left: `${policy.fake_threshold * 100}%` }} title={`Fake from ${show(policy.fake_threshold)}`} />
        </div>
        <div className="legend__labels">
          <span>{calibrated ? "0 % · genuine" : "0 · likely real"}</span>
          <span>{calibrated ? "100 % · synthetic" : "1 · likely fake"}</span>
        </div>
        <p className="legend__thresholds" data-testid="legend-thresholds">
          {thresholdsText(policy, calibrated)} (
          {calibrated ? "probability that a stretch is synthetic" : "the model's raw score"}; marks on the scale).
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
