import { describe, expect, it } from "vitest";
import type { ChunkMap, VerdictPolicy } from "./types";
import { decide } from "./verdict";
import { decidingChunk, percentText, thresholdsText, verdictSentence } from "./verdictWords";

const POLICY: VerdictPolicy = { likely_fake_threshold: 0.5, fake_threshold: 0.707023421784019, min_speech_seconds: 1 };

function speech(scores: number[]): ChunkMap {
  return Object.fromEntries(
    scores.map((score, index) => [
      `chunk_${index}`,
      { score, start: index * 4, end: index * 4 + 4, speech: true, speech_ratio: 1, silent: false },
    ]),
  );
}

describe("percentText", () => {
  it("rounds to whole percent and never claims a certainty that is not there", () => {
    expect(percentText(0.9734)).toBe("97 %");
    expect(percentText(0.707023421784019)).toBe("71 %");
    expect(percentText(0.9961)).toBe("over 99 %");
    expect(percentText(0.004)).toBe("under 1 %");
    expect(percentText(1)).toBe("100 %");
  });
});

describe("verdictSentence", () => {
  it("states a fake verdict as the probability that the deciding stretch is synthetic", () => {
    const verdict = decide(speech([0.1, 0.97, 0.2]), POLICY);
    expect(verdictSentence(verdict, POLICY, true)).toBe(
      "Fake — 97 % probability that the most suspicious stretch is synthetic.",
    );
  });

  it("names the fake threshold for a likely-fake verdict", () => {
    const verdict = decide(speech([0.62]), POLICY);
    expect(verdictSentence(verdict, POLICY, true)).toBe(
      "Likely fake — 62 % probability that the most suspicious stretch is synthetic (fake from 71 %).",
    );
  });

  it("states a real verdict as the chance that even the worst stretch is genuine, with its limit", () => {
    const verdict = decide(speech([0.05, 0.12]), POLICY);
    const sentence = verdictSentence(verdict, POLICY, true);
    expect(sentence).toMatch(/^Real — 88 % probability that even the most suspicious stretch is genuine\./);
    expect(sentence).toContain("not proof that the whole recording is genuine");
  });

  it("calls an uncalibrated model's output a score, not a probability", () => {
    const verdict = decide(speech([0.91]), POLICY);
    const sentence = verdictSentence(verdict, POLICY, false);
    expect(sentence).toContain("scores 0.91 on the model's 0 to 1 scale");
    expect(sentence).toContain("not calibrated probabilities");
    expect(sentence).not.toContain("%");
  });

  it("gives the reason for an inconclusive verdict", () => {
    const verdict = decide({}, POLICY);
    expect(verdictSentence(verdict, POLICY, true, "Nothing to judge.")).toBe("Inconclusive — Nothing to judge.");
  });
});

describe("decidingChunk", () => {
  it("is the counted chunk with the highest score, never a chunk without speech", () => {
    const chunks: ChunkMap = {
      ...speech([0.3, 0.6]),
      chunk_2: { score: 0.99, start: 8, end: 12, speech: false, speech_ratio: 0, silent: true },
    };
    expect(decidingChunk(chunks)).toMatchObject({ start: 4, end: 8, score: 0.6 });
    expect(decidingChunk({})).toBeNull();
  });
});

describe("thresholdsText", () => {
  it("shows thresholds as rounded percentages, never raw floats", () => {
    expect(thresholdsText(POLICY, true)).toBe("Likely fake from 50 %, fake from 71 %");
    expect(thresholdsText(POLICY, false)).toBe("Likely fake from 0.50, fake from 0.71");
  });
});
