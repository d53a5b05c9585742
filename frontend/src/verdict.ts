/**
 * The verdict policy, mirroring detector/verdict.py (keep both identical; the
 * shared vectors in detector/verdict_vectors.json are checked by both test suites):
 *
 * 1. Only chunks with `speech: true` and a score count. Their speech time is the sum
 *    of `speech_ratio * (end - start)` (a chunk without a ratio counts whole).
 * 2. With no such chunk, or less speech time than `min_speech_seconds`, the verdict is
 *    `inconclusive` with confidence 0 and a reason: `too_short` when some chunk counts,
 *    `no_speech` when every chunk is `silent` (or there are none), otherwise
 *    `not_speech_like` (sound without speech: music, tones, noise).
 * 3. The verdict follows the highest counted score (the peak), never an average:
 *    peak >= fake_threshold is `fake`, peak >= likely_fake_threshold is `likely_fake`,
 *    anything lower is `real`.
 * 4. Confidence is the peak for the fake verdicts and `1 - peak` for `real`,
 *    rounded to four decimals exactly as Python's `round(x, 4)` does.
 */
import type { Assessment, ChunkMap, InconclusiveReason, VerdictPolicy } from "./types";

export const CONFIDENCE_DECIMALS = 4;

export const DEFAULT_POLICY: VerdictPolicy = { likely_fake_threshold: 0.5, fake_threshold: 0.8, min_speech_seconds: 1 };

export interface Verdict {
  assessment: Assessment;
  confidence: number;
  inconclusive_reason: InconclusiveReason;
}

/** The policy a detection was judged by, or the defaults when it carries none. */
export function policyOf(policy: Partial<VerdictPolicy> | null | undefined): VerdictPolicy {
  const likely = policy?.likely_fake_threshold;
  const fake = policy?.fake_threshold;
  if (typeof likely !== "number" || typeof fake !== "number") return DEFAULT_POLICY;
  const minimum = policy?.min_speech_seconds;
  // A policy recorded before the speech minimum existed had none.
  return typeof minimum === "number"
    ? { likely_fake_threshold: likely, fake_threshold: fake, min_speech_seconds: minimum }
    : { likely_fake_threshold: likely, fake_threshold: fake };
}

export function decide(chunks: ChunkMap, policy: VerdictPolicy = DEFAULT_POLICY): Verdict {
  const all = Object.values(chunks);
  const counted = all.filter((chunk) => chunk.speech && chunk.score !== null && chunk.score !== undefined);
  let speechSeconds = 0;
  for (const chunk of counted) speechSeconds += Number(chunk.speech_ratio ?? 1) * (Number(chunk.end) - Number(chunk.start));
  if (counted.length === 0 || speechSeconds < (policy.min_speech_seconds ?? 0)) {
    const reason: InconclusiveReason =
      counted.length > 0 ? "too_short" : all.every((chunk) => chunk.silent) ? "no_speech" : "not_speech_like";
    return { assessment: "inconclusive", confidence: 0, inconclusive_reason: reason };
  }
  const peak = Math.max(...counted.map((chunk) => Number(chunk.score)));
  if (peak >= policy.fake_threshold) return judged("fake", peak);
  if (peak >= policy.likely_fake_threshold) return judged("likely_fake", peak);
  return judged("real", 1 - peak);
}

function judged(assessment: Assessment, confidence: number): Verdict {
  return { assessment, confidence: roundHalfEven(confidence, CONFIDENCE_DECIMALS), inconclusive_reason: "" };
}

/** The sentence a user reads for an inconclusive reason, as detector/verdict.py words it. */
export function reasonMessage(reason: InconclusiveReason, minSpeechSeconds: number): string {
  switch (reason) {
    case "no_speech":
      return "The recording is silent or nearly silent: there is no speech to judge.";
    case "not_speech_like":
      return "The recording holds sound but no speech (music, tones or noise, for example), so there is nothing to judge.";
    case "too_short":
      return `The recording holds less than ${minSpeechSeconds} s of speech, too little to judge.`;
    default:
      return "";
  }
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
