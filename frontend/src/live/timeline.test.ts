import { describe, expect, it } from "vitest";
import { NO_SPEECH_COLOUR, scoreToColour } from "../chunks";
import { windowMessage } from "../test/fakeStreamSocket";
import type { WindowMessage } from "./streamMessages";
import { layoutTimeline, TIMELINE_SECONDS } from "./timeline";

const window = (start: number, end: number, score: number, speech = true) => windowMessage(start, end, score, { speech }) as WindowMessage;

describe("layoutTimeline", () => {
  it("draws each window as a step from the previous window's end, scaled by its score", () => {
    const { from, to, bars } = layoutTimeline([window(0, 4, 0.25), window(1, 5, 0.5), window(2, 6, 1, false)], 6);
    expect([from, to]).toEqual([0, TIMELINE_SECONDS]);
    expect(bars.map((bar) => [bar.leftPercent, bar.widthPercent, bar.heightPercent])).toEqual([
      [0, 13.333, 25],
      [13.333, 3.333, 50],
      [16.667, 3.333, 100],
    ]);
    expect(bars.map((bar) => bar.colour)).toEqual([scoreToColour(0.25), scoreToColour(0.5), NO_SPEECH_COLOUR]);
  });

  it("leaves a gap where the server skipped windows", () => {
    const { bars } = layoutTimeline([window(0, 2, 0.4), window(4, 8, 0.3)], 9);
    expect(bars.map((bar) => [bar.leftPercent, bar.widthPercent])).toEqual([
      [0, 6.667],
      [13.333, 13.333],
    ]);
  });

  it("rolls: the right edge follows the audio sent and old windows scroll out", () => {
    const windows = Array.from({ length: 40 }, (_, index) => window(index, index + 4, 0.1));
    const { from, to, bars } = layoutTimeline(windows, 44.5);
    expect([from, to]).toEqual([14.5, 44.5]);
    // The window ending at 15 is cut at the left edge; those ending before 14.5 are gone.
    expect(bars[0]?.window.end).toBe(15);
    expect(bars[0]?.leftPercent).toBe(0);
    expect(bars).toHaveLength(29);
  });
});
