import { describe, expect, it } from "vitest";
import { columnPeak, computePeaks, peakHeight } from "./waveform";

describe("waveform peaks", () => {
  it("takes the loudest sample of each slice over all channels, unscaled", () => {
    const left = Float32Array.from([0.125, -0.25, 0.0625, 0.0, 0.5, -0.125, 0.0, 0.0]);
    const right = Float32Array.from([0.0, 0.0, 0.0, -0.375, 0.0, 0.0, 0.25, 0.125]);
    expect(Array.from(computePeaks([left, right], 4))).toEqual([0.25, 0.375, 0.5, 0.25]);
  });

  it("draws heights in absolute dBFS, so a quiet recording looks quiet and silence silent", () => {
    expect(peakHeight(1)).toBe(1);
    expect(peakHeight(0.1)).toBeCloseTo(2 / 3, 6); // -20 dBFS on a 60 dB scale
    expect(peakHeight(0.001)).toBeCloseTo(0, 6); // -60 dBFS: the floor
    expect(peakHeight(0.0001)).toBe(0);
    expect(peakHeight(0)).toBe(0);
    // A whisper at -50 dBFS is not stretched to full height.
    const whisper = computePeaks([Float32Array.from({ length: 64 }, (_, i) => (i % 2 ? 1 : -1) * 10 ** (-50 / 20))], 4);
    expect(peakHeight(whisper[0] as number)).toBeLessThan(0.2);
  });

  it("handles silence and empty input", () => {
    expect(Array.from(computePeaks([new Float32Array(8)], 2))).toEqual([0, 0]);
    expect(computePeaks([], 3)).toHaveLength(3);
  });

  it("never skips a peak when there are more peaks than pixels", () => {
    const peaks = new Float32Array(1000);
    peaks[503] = 1;
    const columns = Array.from({ length: 100 }, (_, x) => columnPeak(peaks, x, 100));
    expect(columns.filter((value) => value === 1)).toHaveLength(1);
    expect(columns[50]).toBe(1);
  });
});
