import { describe, expect, it } from "vitest";
import { computeSpectrogram, fft } from "./spectrogram";

describe("fft", () => {
  it("puts a pure cosine in its own bin", () => {
    const n = 16;
    const re = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 3 * i) / n));
    const im = new Float64Array(n);
    fft(re, im);
    const magnitudes = Array.from(re, (value, i) => Math.hypot(value, im[i] as number));
    expect(magnitudes[3]).toBeCloseTo(n / 2, 6);
    expect(magnitudes[5]).toBeCloseTo(0, 6);
  });
});

describe("computeSpectrogram", () => {
  const rate = 8000;
  const tone = Float32Array.from({ length: rate }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / rate));

  it("shows a full-scale 1 kHz tone near 0 dBFS in the 1 kHz bin and far below elsewhere", () => {
    const spectrogram = computeSpectrogram(tone, rate, 4, 256);
    expect(spectrogram.bins).toBe(128);
    expect(spectrogram.maxHz).toBe(4000);
    const bin = Math.round((1000 / 4000) * 128);
    const column = Array.from(spectrogram.levels.slice(128, 256));
    expect(column[bin]).toBeGreaterThan(-1);
    expect(column[bin]).toBeLessThan(1);
    expect(column[100]).toBeLessThan(-60);
  });

  it("keeps silence at the bottom of the scale", () => {
    const spectrogram = computeSpectrogram(new Float32Array(rate), rate, 3, 256);
    expect(Math.max(...spectrogram.levels)).toBeLessThanOrEqual(-100);
  });
});
