import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { microphoneErrorMessage, RealTimePacer } from "./capture";

describe("RealTimePacer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function pace(seconds: number, rate = 1000) {
    const samples = Int16Array.from({ length: seconds * rate }, (_, index) => index % 1000);
    const frames: Int16Array[] = [];
    const onEnd = vi.fn();
    const pacer = new RealTimePacer(samples, rate, (frame) => frames.push(frame), onEnd, () => Date.now());
    pacer.start();
    const sent = () => frames.reduce((total, frame) => total + frame.length, 0);
    return { pacer, frames, onEnd, sent };
  }

  it("sends the audio at real time, a tenth of a second per frame, then ends", () => {
    const { frames, onEnd, sent } = pace(2);
    vi.advanceTimersByTime(1000);
    expect(sent()).toBe(1000);
    expect(frames.every((frame) => frame.length === 100)).toBe(true);
    expect(onEnd).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(sent()).toBe(2000);
    expect(onEnd).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it("catches up after a stalled timer without running ahead of the clock", () => {
    const { frames, sent } = pace(5);
    // The tab was busy for 1.5 s: the clock moved, no tick ran.
    vi.setSystemTime(Date.now() + 1500);
    vi.advanceTimersByTime(100);
    expect(sent()).toBe(1600);
    expect(Math.max(...frames.map((frame) => frame.length))).toBe(100);
  });

  it("sends nothing more once stopped", () => {
    const { pacer, sent } = pace(5);
    vi.advanceTimersByTime(300);
    pacer.stop();
    vi.advanceTimersByTime(2000);
    expect(sent()).toBe(300);
  });
});

describe("microphoneErrorMessage", () => {
  it.each([
    ["NotAllowedError", /denied/],
    ["SecurityError", /denied/],
    ["NotFoundError", /No microphone was found/],
    ["NotReadableError", /another application/],
    ["TypeError", /could not be opened/],
  ])("explains %s", (name, expected) => {
    expect(microphoneErrorMessage(new DOMException("raw", name))).toMatch(expected);
  });
});
