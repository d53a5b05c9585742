import { formatPercent } from "../lib/format";
import type { Assessment } from "../types";
import { ASSESSMENT_LABELS } from "../verdict";

interface VerdictBadgeProps {
  assessment: Assessment;
  confidence: number;
  /** The detection is still running: the verdict may change. */
  provisional?: boolean;
  size?: "small" | "large";
  /** Off where a sentence beside the badge already says how sure. */
  withConfidence?: boolean;
}

/** The verdict in words and its confidence; the icon and text carry it, not the colour alone. */
export function VerdictBadge({
  assessment,
  confidence,
  provisional = false,
  size = "small",
  withConfidence = true,
}: VerdictBadgeProps) {
  const label = ASSESSMENT_LABELS[assessment];
  const showConfidence = withConfidence && assessment !== "inconclusive";
  return (
    <span
      className={`verdict verdict--${assessment} verdict--${size}`}
      data-testid="verdict-badge"
      data-verdict={assessment}
      data-confidence={confidence}
    >
      <span className="verdict__icon" aria-hidden="true">
        {VERDICT_ICONS[assessment]}
      </span>
      <span className="verdict__label">{label}</span>
      {showConfidence ? <span className="verdict__confidence">{formatPercent(confidence)} confidence</span> : null}
      {provisional ? <span className="verdict__provisional">(so far)</span> : null}
    </span>
  );
}

const VERDICT_ICONS: Record<Assessment, string> = {
  real: "✓",
  likely_fake: "!",
  fake: "✕",
  inconclusive: "?",
};
