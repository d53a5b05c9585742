/**
 * The verdict in words a person can act on. The policy itself is verdict.ts
 * (mirrored from detector/verdict.py); this module only phrases its outputs:
 * probabilities as rounded percentages, never raw floats, and only called
 * probabilities when the model's scores are calibrated.
 */
import { formatTime } from "./chunks";
import type { ChunkMap, ChunkPrediction, VerdictPolicy } from "./types";
import { ASSESSMENT_LABELS, type Verdict } from "./verdict";

/** A probability as whole percent; "over 99 %" / "under 1 %" rather than a certainty it is not. */
export function percentText(probability: number): string {
  const percent = probability * 100;
  if (percent > 99 && percent < 100) return "over 99 %";
  if (percent > 0 && percent < 1) return "under 1 %";
  return `${Math.round(percent)} %`;
}

/** A raw, uncalibrated score on the model's 0-1 scale. */
export function scoreText(score: number): string {
  return score.toFixed(2);
}

/** The counted chunk with the highest score: the stretch the verdict follows. */
export function decidingChunk(chunks: ChunkMap): ChunkPrediction | null {
  let best: ChunkPrediction | null = null;
  for (const chunk of Object.values(chunks)) {
    if (!chunk.speech || chunk.score === null || chunk.score === undefined) continue;
    if (best === null || chunk.score > (best.score as number)) best = chunk;
  }
  return best;
}

export function stretchText(chunk: Pick<ChunkPrediction, "start" | "end">): string {
  return `${formatTime(chunk.start)}–${formatTime(chunk.end)}`;
}

/**
 * The headline: the verdict, then how sure, in words and numbers. `reason` is the
 * sentence for an inconclusive verdict.
 */
export function verdictSentence(verdict: Verdict, policy: VerdictPolicy, calibrated: boolean, reason = ""): string {
  const label = ASSESSMENT_LABELS[verdict.assessment];
  if (verdict.assessment === "inconclusive") return `${label} — ${reason}`;
  const peak = verdict.assessment === "real" ? 1 - verdict.confidence : verdict.confidence;
  if (!calibrated) {
    return (
      `${label} — the most suspicious stretch scores ${scoreText(peak)} on the model's 0 to 1 scale ` +
      `(likely fake from ${scoreText(policy.likely_fake_threshold)}, fake from ${scoreText(policy.fake_threshold)}); ` +
      "this model's scores are not calibrated probabilities."
    );
  }
  if (verdict.assessment === "real") {
    return (
      `${label} — ${percentText(verdict.confidence)} probability that even the most suspicious stretch is genuine. ` +
      "That is the model's view of its most doubtful stretch, not proof that the whole recording is genuine."
    );
  }
  const next = verdict.assessment === "likely_fake" ? ` (fake from ${percentText(policy.fake_threshold)})` : "";
  return `${label} — ${percentText(verdict.confidence)} probability that the most suspicious stretch is synthetic${next}.`;
}

/** The scale's thresholds in words: "Likely fake from 50 %, fake from 71 %". */
export function thresholdsText(policy: VerdictPolicy, calibrated: boolean): string {
  const show = calibrated ? percentText : scoreText;
  return `Likely fake from ${show(policy.likely_fake_threshold)}, fake from ${show(policy.fake_threshold)}`;
}
