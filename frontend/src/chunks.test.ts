import { describe, expect, it } from "vitest";
import {
  chunkColour,
  chunkIndex,
  chunkPlacement,
  describeChunk,
  formatTime,
  layoutChunks,
  NO_SPEECH_COLOUR,
  PENDING_COLOUR,
  recordingDuration,
  scoreToColour,
  VIRIDIS_STOPS,
} from "./chunks";
import type { ChunkMap } from "./types";

function luminance(hex: string): number {
  const value = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(value >> 16) & 255, (value >> 8) & 255, value & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe("scoreToColour", () => {
  it("maps the ends of the scale to the ends of viridis", () => {
    expect(scoreToColour(0)).toBe("#440154");
    expect(scoreToColour(1)).toBe("#fde725");
    expect(scoreToColour(0.5)).toBe(VIRIDIS_STOPS[5]);
  });

  it("interpolates between stops", () => {
    // Halfway between #440154 and #482576.
    expect(scoreToColour(0.05)).toBe("#461365");
  });

  it("clamps scores outside [0, 1]", () => {
    expect(scoreToColour(-0.3)).toBe(scoreToColour(0));
    expect(scoreToColour(1.7)).toBe(scoreToColour(1));
  });

  it("gets lighter as the score rises, so the scale reads without hue", () => {
    const lightness = Array.from({ length: 21 }, (_, i) => luminance(scoreToColour(i / 20)));
    for (let i = 1; i < lightness.length; i += 1) expect(lightness[i]).toBeGreaterThan(lightness[i - 1] as number);
  });

  it("always gives a #rrggbb colour", () => {
    for (let i = 0; i <= 100; i += 1) expect(scoreToColour(i / 100)).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe("chunkColour", () => {
  it("greys out chunks without speech, whatever their score", () => {
    expect(chunkColour({ score: 0.99, start: 0, end: 4, speech: false })).toBe(NO_SPEECH_COLOUR);
    expect(chunkColour({ score: null, start: 0, end: 4, speech: false })).toBe(NO_SPEECH_COLOUR);
  });

  it("shows unscored speech chunks as pending", () => {
    expect(chunkColour({ score: null, start: 0, end: 4, speech: true })).toBe(PENDING_COLOUR);
  });

  it("colours scored speech chunks by score", () => {
    expect(chunkColour({ score: 0.91, start: 0, end: 4, speech: true })).toBe(scoreToColour(0.91));
  });
});

describe("chunkPlacement", () => {
  it("turns times into left and width percentages", () => {
    expect(chunkPlacement(0, 4, 9.6)).toEqual({ leftPercent: 0, widthPercent: 41.667 });
    expect(chunkPlacement(4, 8, 9.6)).toEqual({ leftPercent: 41.667, widthPercent: 41.667 });
    expect(chunkPlacement(8, 9.6, 9.6)).toEqual({ leftPercent: 83.333, widthPercent: 16.667 });
  });

  it("clamps chunks that run past the recording", () => {
    expect(chunkPlacement(8, 12, 10)).toEqual({ leftPercent: 80, widthPercent: 20 });
    expect(chunkPlacement(12, 16, 10)).toEqual({ leftPercent: 100, widthPercent: 0 });
  });

  it("places nothing without a duration", () => {
    expect(chunkPlacement(0, 4, 0)).toEqual({ leftPercent: 0, widthPercent: 0 });
  });
});

describe("layoutChunks", () => {
  const map: ChunkMap = {
    chunk_10: { score: 0.2, start: 40, end: 44, speech: true },
    chunk_2: { score: 0.5, start: 8, end: 9.6, speech: false },
    chunk_0: { score: 0.03, start: 0, end: 4, speech: true },
    chunk_1: { score: null, start: 4, end: 8, speech: true },
  };

  it("orders chunks by index numerically, not as strings", () => {
    expect(layoutChunks(map, 44).map((c) => c.key)).toEqual(["chunk_0", "chunk_1", "chunk_2", "chunk_10"]);
  });

  it("gives each chunk its kind, colour and place", () => {
    const [first, second, third, last] = layoutChunks(map, 44);
    expect(first).toMatchObject({ index: 0, kind: "scored", colour: scoreToColour(0.03), leftPercent: 0, widthPercent: 9.091 });
    expect(second).toMatchObject({ kind: "pending", colour: PENDING_COLOUR, score: null });
    expect(third).toMatchObject({ kind: "no-speech", colour: NO_SPEECH_COLOUR });
    expect(last).toMatchObject({ index: 10, leftPercent: 90.909, widthPercent: 9.091 });
  });

  it("uses the file's duration, else the last chunk's end", () => {
    expect(recordingDuration(map, 50)).toBe(50);
    expect(recordingDuration(map, null)).toBe(44);
    expect(recordingDuration({}, undefined)).toBe(0);
  });

  it("reads chunk indexes from contract keys", () => {
    expect(chunkIndex("chunk_12")).toBe(12);
    expect(chunkIndex("oops")).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe("chunk descriptions", () => {
  it("formats times", () => {
    expect(formatTime(0)).toBe("0:00.0");
    expect(formatTime(9.6)).toBe("0:09.6");
    expect(formatTime(59.96)).toBe("1:00.0");
    expect(formatTime(3725.25)).toBe("1:02:05.3");
  });

  it("says the time range and score", () => {
    const [first, second, third] = layoutChunks(
      {
        chunk_0: { score: 0.912, start: 0, end: 4, speech: true },
        chunk_1: { score: null, start: 4, end: 8, speech: true },
        chunk_2: { score: 0.5, start: 8, end: 9.6, speech: false },
      },
      9.6,
    );
    expect(describeChunk(first!)).toBe("Chunk 1, 0:00.0 to 0:04.0: score 0.91");
    expect(describeChunk(second!)).toBe("Chunk 2, 0:04.0 to 0:08.0: not scored yet");
    expect(describeChunk(third!)).toBe("Chunk 3, 0:08.0 to 0:09.6: no speech, not counted, score 0.50");
  });
});
