// Waveform peaks from decoded audio, and drawing them on a canvas.

/** Decode a recording with WebAudio (decodeAudioData) without needing a user gesture. */
export async function decodeRecording(blob: Blob): Promise<AudioBuffer> {
  const bytes = await blob.arrayBuffer();
  // An OfflineAudioContext decodes without a user gesture and holds no audio device.
  if (typeof OfflineAudioContext !== "undefined") {
    return new OfflineAudioContext(1, 1, 44_100).decodeAudioData(bytes);
  }
  const context = new AudioContext();
  try {
    return await context.decodeAudioData(bytes);
  } finally {
    void context.close();
  }
}

/** The bottom of the waveform's dBFS scale: anything quieter is drawn as silence. */
export const WAVEFORM_FLOOR_DBFS = -60;

/**
 * The loudest absolute sample of each of `buckets` equal slices, over all
 * channels, as it is (1 = full scale): never rescaled, so a quiet or silent
 * recording is drawn quiet, not stretched to full height.
 */
export function computePeaks(channels: readonly Float32Array[], buckets: number): Float32Array {
  const length = channels[0]?.length ?? 0;
  const peaks = new Float32Array(Math.max(0, buckets));
  if (length === 0 || buckets <= 0) return peaks;
  const size = length / buckets;
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const from = Math.floor(bucket * size);
    const to = Math.max(from + 1, Math.min(length, Math.floor((bucket + 1) * size)));
    // Long slices are sampled with a stride: a peak display does not need every sample.
    const step = Math.max(1, Math.floor((to - from) / 256));
    let peak = 0;
    for (const channel of channels) {
      for (let i = from; i < to; i += step) {
        const value = Math.abs(channel[i] ?? 0);
        if (value > peak) peak = value;
      }
    }
    peaks[bucket] = peak;
  }
  return peaks;
}

export function peaksOf(buffer: AudioBuffer, buckets: number): Float32Array {
  const channels: Float32Array[] = [];
  for (let c = 0; c < buffer.numberOfChannels; c += 1) channels.push(buffer.getChannelData(c));
  return computePeaks(channels, buckets);
}

export interface WaveformStyle {
  wave: string;
  played: string;
  playhead: string;
}

/** A peak's bar height as a share of the full height, on a dBFS scale from the floor to 0 dBFS. */
export function peakHeight(peak: number, floorDbfs: number = WAVEFORM_FLOOR_DBFS): number {
  if (!(peak > 0)) return 0;
  const dbfs = 20 * Math.log10(Math.min(1, peak));
  return Math.max(0, Math.min(1, 1 - dbfs / floorDbfs));
}

/** Mirrored bars in absolute dBFS, one per CSS pixel column; the part already played in another colour. */
export function drawWaveform(
  canvas: HTMLCanvasElement,
  peaks: Float32Array,
  playedFraction: number,
  style: WaveformStyle,
): void {
  const fitted = fitCanvas(canvas);
  if (!fitted) return;
  const { context, width, height } = fitted;
  const middle = height / 2;
  const playedX = playedFraction * width;
  for (let x = 0; x < width; x += 1) {
    const half = Math.max(0.5, peakHeight(columnPeak(peaks, x, width)) * (middle - 2));
    context.fillStyle = x < playedX ? style.played : style.wave;
    context.fillRect(x, middle - half, 1, half * 2);
  }
  drawPlayhead(context, playedFraction, width, height, style.playhead);
}

/** The canvas's backing store sized to its CSS box at the device's pixel ratio, cleared. */
export function fitCanvas(canvas: HTMLCanvasElement): { context: CanvasRenderingContext2D; width: number; height: number } | null {
  const context = canvas.getContext("2d");
  if (!context) return null;
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return { context, width, height };
}

export function drawPlayhead(context: CanvasRenderingContext2D, playedFraction: number, width: number, height: number, colour: string): void {
  if (playedFraction <= 0 || playedFraction >= 1) return;
  context.fillStyle = colour;
  context.fillRect(Math.round(playedFraction * width) - 1, 0, 2, height);
}

/** The loudest peak among those that fall in pixel column `x` of `width` (never skips a click). */
export function columnPeak(peaks: Float32Array, x: number, width: number): number {
  const from = Math.floor((x / width) * peaks.length);
  const to = Math.max(from + 1, Math.floor(((x + 1) / width) * peaks.length));
  let peak = 0;
  for (let i = from; i < to && i < peaks.length; i += 1) peak = Math.max(peak, peaks[i] as number);
  return peak;
}
