/**
 * Where live audio comes from: the microphone (getUserMedia + the pcm worklet)
 * or a local file decoded by Web Audio and sent at real time. Both deliver mono
 * pcm_s16le frames of about FRAME_SECONDS.
 */
import { downmix, FRAME_SECONDS, frameSamples, PCM_PROCESSOR, toPcm16 } from "./pcm";
import workletUrl from "./pcmWorklet.ts?worker&url";

export interface AudioSource {
  readonly sampleRate: number;
  /** The stream's name in the history. */
  readonly label: string;
  /** Start delivering frames; `onEnd` runs when the source runs out (a file's end, an unplugged microphone). */
  start(onFrame: (frame: Int16Array) => void, onEnd: () => void): void;
  /** Stop delivering frames and release the device. Safe to call more than once. */
  close(): void;
}

/** A failure to open a source, with a sentence for a person. */
export class CaptureError extends Error {}

/** Files are decoded straight to 16 kHz, the rate the model scores: a quarter of the data of 48 kHz. */
export const FILE_SAMPLE_RATE = 16_000;

/**
 * The raw microphone signal: echo cancellation, noise suppression and gain
 * control would alter the very artefacts the model looks for.
 */
const MICROPHONE_CONSTRAINTS: MediaStreamConstraints = {
  audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
};

/** Why the microphone could not be opened, in words. */
export function microphoneErrorMessage(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Microphone access was denied. Allow this site to use the microphone in the browser's settings, then try again.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No microphone was found. Connect one, or stream a file instead.";
    case "NotReadableError":
    case "AbortError":
      return "The microphone could not be started; another application may be using it.";
    default:
      return "The microphone could not be opened in this browser.";
  }
}

export async function openMicrophone(label: string): Promise<AudioSource> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CaptureError("This browser offers no microphone here; the page must be served over https.");
  }
  let media: MediaStream;
  try {
    media = await navigator.mediaDevices.getUserMedia(MICROPHONE_CONSTRAINTS);
  } catch (error) {
    throw new CaptureError(microphoneErrorMessage(error));
  }
  const context = new AudioContext();
  const release = () => {
    media.getTracks().forEach((track) => track.stop());
    void context.close().catch(() => undefined);
  };
  let node: AudioWorkletNode;
  try {
    await context.audioWorklet.addModule(workletUrl);
    node = new AudioWorkletNode(context, PCM_PROCESSOR, { channelCount: 1, channelCountMode: "explicit" });
  } catch {
    release();
    throw new CaptureError("This browser cannot process live audio (no AudioWorklet support).");
  }
  const input = context.createMediaStreamSource(media);
  let closed = false;
  return {
    sampleRate: context.sampleRate,
    label,
    start(onFrame, onEnd) {
      node.port.onmessage = (event: MessageEvent<ArrayBuffer>) => onFrame(new Int16Array(event.data));
      media.getAudioTracks().forEach((track) => track.addEventListener("ended", onEnd));
      input.connect(node);
      // The node writes silence; connecting it to the output keeps the graph pulling it.
      node.connect(context.destination);
      void context.resume();
    },
    close() {
      if (closed) return;
      closed = true;
      node.port.onmessage = null;
      input.disconnect();
      node.disconnect();
      release();
    },
  };
}

export async function openFile(file: File): Promise<AudioSource> {
  let samples: Int16Array;
  try {
    // An offline context decodes and resamples without touching the audio output.
    const decoder = new OfflineAudioContext(1, 1, FILE_SAMPLE_RATE);
    const audio = await decoder.decodeAudioData(await file.arrayBuffer());
    const channels = Array.from({ length: audio.numberOfChannels }, (_, index) => audio.getChannelData(index));
    samples = toPcm16(downmix(channels));
  } catch {
    throw new CaptureError(`“${file.name}” could not be decoded as audio by this browser.`);
  }
  if (samples.length === 0) throw new CaptureError(`“${file.name}” holds no audio.`);
  let pacer: RealTimePacer | null = null;
  return {
    sampleRate: FILE_SAMPLE_RATE,
    label: file.name,
    start(onFrame, onEnd) {
      pacer = new RealTimePacer(samples, FILE_SAMPLE_RATE, onFrame, onEnd);
      pacer.start();
    },
    close() {
      pacer?.stop();
    },
  };
}

/**
 * Sends samples at 1x real time: on every tick, everything whose time has come
 * by the clock, so timer jitter never accumulates into drift (the server
 * refuses a stream faster than 2x real time).
 */
export class RealTimePacer {
  private sent = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private startedAt = 0;

  constructor(
    private readonly samples: Int16Array,
    private readonly sampleRate: number,
    private readonly onFrame: (frame: Int16Array) => void,
    private readonly onEnd: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.startedAt = this.now();
    this.timer = setInterval(() => this.tick(), FRAME_SECONDS * 1000);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const due = Math.min(this.samples.length, Math.floor(((this.now() - this.startedAt) / 1000) * this.sampleRate));
    // A tick delayed by a busy tab catches up in frame-sized pieces.
    const size = frameSamples(this.sampleRate);
    while (this.sent < due) {
      const end = Math.min(due, this.sent + size);
      this.onFrame(this.samples.subarray(this.sent, end));
      this.sent = end;
    }
    if (this.sent >= this.samples.length) {
      this.stop();
      this.onEnd();
    }
  }
}
