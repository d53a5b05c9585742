/**
 * Audio samples as the stream protocol wants them: mono, signed 16-bit
 * little-endian PCM. Shared by the microphone worklet and the file streamer,
 * kept free of Web Audio so it is unit-tested.
 */

/** The name pcmWorklet.ts registers its processor under. */
export const PCM_PROCESSOR = "pcm-s16le";

/** The length of one binary frame sent to the server. */
export const FRAME_SECONDS = 0.1;

/** Samples in one frame at `sampleRate`. */
export function frameSamples(sampleRate: number): number {
  return Math.max(1, Math.round(sampleRate * FRAME_SECONDS));
}

/** The average of the channels (the server scores mono audio anyway). */
export function downmix(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (!first) return new Float32Array(0);
  if (channels.length === 1) return first;
  const mono = new Float32Array(first.length);
  for (const channel of channels) {
    for (let i = 0; i < mono.length; i += 1) mono[i] = (mono[i] as number) + (channel[i] ?? 0) / channels.length;
  }
  return mono;
}

/** Float samples in [-1, 1] (clipped outside) as pcm_s16le. */
export function toPcm16(samples: Float32Array): Int16Array {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i += 1) {
    const clipped = Math.max(-1, Math.min(1, samples[i] as number));
    // Asymmetric scale: -1 reaches -32768 and +1 reaches 32767 without overflow.
    pcm[i] = clipped < 0 ? Math.round(clipped * 0x8000) : Math.round(clipped * 0x7fff);
  }
  return pcm;
}

/**
 * Collects small blocks (the worklet gets 128 samples at a time) into frames of
 * a fixed length, so the socket carries a few messages per second, not hundreds.
 */
export class FrameAssembler {
  private buffer: Int16Array;
  private filled = 0;

  constructor(private readonly size: number) {
    this.buffer = new Int16Array(size);
  }

  /** Adds samples and returns the frames they completed (often none). */
  push(samples: Int16Array): Int16Array[] {
    const frames: Int16Array[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.size - this.filled, samples.length - offset);
      this.buffer.set(samples.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.size) {
        frames.push(this.buffer);
        this.buffer = new Int16Array(this.size);
        this.filled = 0;
      }
    }
    return frames;
  }
}
