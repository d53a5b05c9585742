import { describe, expect, it } from "vitest";
import { columnPeak, computePeaks } from "./waveform";

describe("waveform peaks", () => {
  it("takes the loudest sample of each slice over all channels, scaled to the loudest", () => {
    const left = Float32Array.from([0.1, -0.2, 0.05, 0.0, 0.4, -0.1, 0.0, 0.0]);
    const right = Float32Array.from([0.0, 0.0, 0.0, -0.3, 0.0, 0.0, 0.2, 0.1]);
    expect(Array.from(computePeaks([left, right], 4))).toEqual([0.5, 0.75, 1, 0.5]);
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
