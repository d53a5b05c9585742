// A spectrogram computed in the browser from the decoded recording (a small
// radix-2 FFT over Hann windows), and drawn on a canvas in the strip's colours.
import { scoreToColour } from "../chunks";
import { drawPlayhead, fitCanvas } from "./waveform";

export interface Spectrogram {
  /** Frames in time order, each `bins` levels in dBFS from 0 Hz up to `maxHz`. */
  levels: Float32Array;
  columns: number;
  bins: number;
  maxHz: number;
}

/** The quietest and loudest levels the colour scale spans. */
export const SPECTROGRAM_RANGE_DBFS: readonly [number, number] = [-100, -20];

/** In-place iterative radix-2 FFT; `re.length` must be a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i += 1) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j] as number, re[i] as number];
      [im[i], im[j]] = [im[j] as number, im[i] as number];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const step = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k += 1) {
        const cos = Math.cos(step * k);
        const sin = Math.sin(step * k);
        const a = start + k;
        const b = a + size / 2;
        const tre = (re[b] as number) * cos - (im[b] as number) * sin;
        const tim = (re[b] as number) * sin + (im[b] as number) * cos;
        re[b] = (re[a] as number) - tre;
        im[b] = (im[a] as number) - tim;
        re[a] = (re[a] as number) + tre;
        im[a] = (im[a] as number) + tim;
      }
    }
  }
}

/**
 * `columns` evenly spaced frames of `fftSize` samples (mono), as dBFS per
 * frequency bin: a full-scale sine reads 0 dBFS in its bin.
 */
export function computeSpectrogram(samples: Float32Array, sampleRate: number, columns: number, fftSize = 1024): Spectrogram {
  const bins = fftSize / 2;
  const levels = new Float32Array(columns * bins).fill(SPECTROGRAM_RANGE_DBFS[0]);
  const window = Float64Array.from({ length: fftSize }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / fftSize));
  const gain = window.reduce((sum, value) => sum + value, 0) / 2;
  const re = new Float64Array(fftSize);
  const im = new Float64Array(fftSize);
  const span = Math.max(0, samples.length - fftSize);
  for (let column = 0; column < columns && samples.length > 0; column += 1) {
    const from = columns > 1 ? Math.round((column * span) / (columns - 1)) : 0;
    for (let i = 0; i < fftSize; i += 1) {
      re[i] = (samples[from + i] ?? 0) * (window[i] as number);
      im[i] = 0;
    }
    fft(re, im);
    for (let bin = 0; bin < bins; bin += 1) {
      const magnitude = Math.hypot(re[bin] as number, im[bin] as number) / gain;
      levels[column * bins + bin] = magnitude > 0 ? Math.max(-200, 20 * Math.log10(magnitude)) : -200;
    }
  }
  return { levels, columns, bins, maxHz: sampleRate / 2 };
}

/** The buffer's channels averaged to one. */
export function monoOf(buffer: AudioBuffer): Float32Array {
  const mono = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c += 1) {
    const channel = buffer.getChannelData(c);
    for (let i = 0; i < mono.length; i += 1) mono[i] = (mono[i] as number) + (channel[i] as number) / buffer.numberOfChannels;
  }
  return mono;
}

const PALETTE: readonly [number, number, number][] = Array.from({ length: 256 }, (_, i) => {
  const value = Number.parseInt(scoreToColour(i / 255).slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
});

/** Each spectrogram's picture at one pixel per frame and bin, made once: playback redraws every frame. */
const pictures = new WeakMap<Spectrogram, HTMLCanvasElement>();

function pictureOf(spectrogram: Spectrogram): HTMLCanvasElement {
  const cached = pictures.get(spectrogram);
  if (cached) return cached;
  const { columns, bins, levels } = spectrogram;
  const [low, high] = SPECTROGRAM_RANGE_DBFS;
  const image = new ImageData(columns, bins);
  for (let column = 0; column < columns; column += 1) {
    for (let bin = 0; bin < bins; bin += 1) {
      const share = ((levels[column * bins + bin] as number) - low) / (high - low);
      const colour = PALETTE[Math.round(Math.max(0, Math.min(1, share)) * 255)] as [number, number, number];
      image.data.set([...colour, 255], ((bins - 1 - bin) * columns + column) * 4);
    }
  }
  const picture = document.createElement("canvas");
  picture.width = columns;
  picture.height = bins;
  picture.getContext("2d")?.putImageData(image, 0, 0);
  pictures.set(spectrogram, picture);
  return picture;
}

/** Time left to right, frequency bottom to top, level as colour; the playhead on top. */
export function drawSpectrogram(canvas: HTMLCanvasElement, spectrogram: Spectrogram, playedFraction: number, playhead: string): void {
  const fitted = fitCanvas(canvas);
  if (!fitted || spectrogram.columns === 0) return;
  const { context, width, height } = fitted;
  context.imageSmoothingEnabled = true;
  context.drawImage(pictureOf(spectrogram), 0, 0, width, height);
  drawPlayhead(context, playedFraction, width, height, playhead);
}
