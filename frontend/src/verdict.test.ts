import { describe, expect, it } from "vitest";
// The vectors shared with the Python tests (detector/tests): both implementations must agree on every case.
import vectors from "../../detector/verdict_vectors.json";
import type { ChunkMap, InconclusiveReason, VerdictPolicy } from "./types";
import { DEFAULT_POLICY, decide, policyOf, reasonMessage, roundHalfEven } from "./verdict";

interface VectorCase {
  name: string;
  policy: VerdictPolicy;
  chunk_predictions: ChunkMap;
  expected: { assessment: string; confidence: number; inconclusive_reason: InconclusiveReason };
}

const cases = (vectors as { cases: VectorCase[] }).cases;

describe("verdict policy (shared vectors)", () => {
  it("has vectors to check", () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, vector) => {
    const verdict = decide(vector.chunk_predictions, vector.policy);
    expect(verdict.assessment).toBe(vector.expected.assessment);
    // Exact equality, as the Python side rounds to four decimals.
    expect(verdict.confidence).toBe(vector.expected.confidence);
    expect(verdict.inconclusive_reason).toBe(vector.expected.inconclusive_reason);
  });

  it("covers every inconclusive reason", () => {
    const reasons = new Set(cases.map((c) => c.expected.inconclusive_reason));
    for (const reason of ["no_speech", "not_speech_like", "too_short"]) expect(reasons).toContain(reason);
  });
});

describe("verdict policy details", () => {
  it("falls back to 0.5 / 0.8 and 1 s of speech when a detection carries no policy", () => {
    expect(policyOf(undefined)).toEqual({ likely_fake_threshold: 0.5, fake_threshold: 0.8, min_speech_seconds: 1 });
    expect(policyOf(null)).toBe(DEFAULT_POLICY);
    expect(policyOf({ likely_fake_threshold: 0.7, fake_threshold: 0.9, min_speech_seconds: 2 })).toEqual({
      likely_fake_threshold: 0.7,
      fake_threshold: 0.9,
      min_speech_seconds: 2,
    });
  });

  it("keeps no speech minimum for a policy recorded without one", () => {
    const policy = policyOf({ likely_fake_threshold: 0.7, fake_threshold: 0.9 });
    expect(policy.min_speech_seconds).toBeUndefined();
    expect(decide({ chunk_0: { score: 0.1, start: 0, end: 1, speech: true, speech_ratio: 0.2 } }, policy).assessment).toBe("real");
  });

  it("uses the default policy when none is given", () => {
    expect(decide({ chunk_0: { score: 0.6, start: 0, end: 4, speech: true } })).toEqual({
      assessment: "likely_fake",
      confidence: 0.6,
      inconclusive_reason: "",
    });
  });

  it("words every reason as detector/verdict.py does (the shared sentences)", () => {
    const shared = (vectors as unknown as { reason_messages: { min_speech_seconds: number; messages: Record<string, string> } })
      .reason_messages;
    for (const [reason, sentence] of Object.entries(shared.messages)) {
      expect(reasonMessage(reason as InconclusiveReason, shared.min_speech_seconds)).toBe(sentence);
    }
  });
});

describe("roundHalfEven matches Python's round(x, 4)", () => {
  // Values printed by CPython: round(x, 4).
  it.each([
    [0.03125, 0.0312],
    [0.09375, 0.0938],
    [0.15625, 0.1562],
    [0.21875, 0.2188],
    [0.00015, 0.0001],
    [0.123456, 0.1235],
    [1 - 0.123456, 0.8765],
    [0.99995, 1.0],
    [0.56785, 0.5678],
    [0.5, 0.5],
    [0, 0],
  ])("round(%s, 4) = %s", (x, expected) => {
    expect(roundHalfEven(x, 4)).toBe(expected);
  });
});
