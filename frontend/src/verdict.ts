/**
 * The verdict policy, mirroring detector/verdict.py (keep both identical; the
 * shared vectors in detector/verdict_vectors.json are checked by both test suites):
 *
 * 1. Only chunks with `speech: true` and a score count; with none the verdict is
 *    `inconclusive` with confidence 0.
 * 2. The verdict follows the highest speech-chunk score (the peak), never an
 *    average: peak >= fake_threshold is `fake`, peak >= likely_fake_threshold is
 *    `likely_fake`, anything lower is `real`.
 * 3. Confidence is the peak for the fake verdicts and `1 - peak` for `real`,
 *    rounded to four decimals exactly as Python's `round(x, 4)` does.
 */
import type { Assessment, ChunkMap, VerdictPolicy } from "./types";

export const CONFIDENCE_DECIMALS = 4;

export const DEFAULT_POLICY: VerdictPolicy = { likely_fake_threshold: 0.5, fake_threshold: 0.8 };

export interface Verdict {
  assessment: Assessment;
  confidence: number;
}

/** The thresholds a detection was judged by, or the defaults when it carries none. */
export function policyOf(policy: Partial<VerdictPolicy> | null | undefined): VerdictPolicy {
  const likely = policy?.likely_fake_threshold;
  const fake = policy?.fake_threshold;
  if (typeof likely === "number" && typeof fake === "number") {
    return { likely_fake_threshold: likely, fake_threshold: fake };
  }
  return DEFAULT_POLICY;
}

export function decide(chunks: ChunkMap, policy: VerdictPolicy = DEFAULT_POLICY): Verdict {
  let peak: number | null = null;
  for (const chunk of Object.values(chunks)) {
    if (!chunk.speech || chunk.score === null || chunk.score === undefined) continue;
    const score = Number(chunk.score);
    if (peak === null || score > peak) peak = score;
  }
  if (peak === null) return { assessment: "inconclusive", confidence: 0 };
  if (peak >= policy.fake_threshold) return { assessment: "fake", confidence: roundHalfEven(peak, CONFIDENCE_DECIMALS) };
  if (peak >= policy.likely_fake_threshold) {
    return { assessment: "likely_fake", confidence: roundHalfEven(peak, CONFIDENCE_DECIMALS) };
  }
  return { assessment: "real", confidence: roundHalfEven(1 - peak, CONFIDENCE_DECIMALS) };
}

/**
 * Python's `round(x, digits)` for finite floats: the decimal nearest to the exact
 * binary value, ties to even.
 *
 * `toFixed` already rounds the exact binary value correctly but breaks ties away
 * from zero. An exact tie at four decimals is a double equal to (2n + 1) / 20000,
 * which is only representable when it is an odd multiple of 1/32 (0.03125,
 * 0.09375, ...); for those the tie is settled to even by hand.
 */
export function roundHalfEven(x: number, digits: number = CONFIDENCE_DECIMALS): number {
  if (!Number.isFinite(x)) return x;
  const scale = 10 ** digits;
  const scaled = x * scale;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && isExactTie(x, digits)) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return even / scale;
  }
  return Number(x.toFixed(digits));
}

function isExactTie(x: number, digits: number): boolean {
  // x is an exact tie when its exact decimal expansion stops at digit `digits + 1`
  // with a 5. toFixed(digits + 30) shows enough exact digits to tell.
  const text = Math.abs(x).toFixed(Math.min(100, digits + 30));
  const fraction = text.split(".")[1] ?? "";
  return fraction[digits] === "5" && /^0*$/.test(fraction.slice(digits + 1));
}

export const ASSESSMENT_LABELS: Record<Assessment, string> = {
  real: "Real",
  likely_fake: "Likely fake",
  fake: "Fake",
  inconclusive: "Inconclusive",
};
