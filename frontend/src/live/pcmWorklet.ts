/**
 * The AudioWorklet that turns the microphone into pcm_s16le frames. It runs on
 * the audio rendering thread, so it only converts and batches; each finished
 * frame's buffer is transferred (not copied) to the page, which sends it.
 *
 * Loaded with `audioWorklet.addModule(url)`; capture.ts imports its URL with
 * `?worker&url` so Vite bundles it (with pcm.ts) into its own static asset.
 */
import { downmix, FrameAssembler, frameSamples, PCM_PROCESSOR, toPcm16 } from "./pcm";

// The AudioWorkletGlobalScope is not in TypeScript's DOM library.
declare const sampleRate: number;
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  abstract process(inputs: Float32Array[][]): boolean;
}

class PcmProcessor extends AudioWorkletProcessor {
  private readonly frames = new FrameAssembler(frameSamples(sampleRate));

  override process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    // No input yet (the source is still starting): keep the node alive.
    if (!channels?.length) return true;
    for (const frame of this.frames.push(toPcm16(downmix(channels)))) {
      this.port.postMessage(frame.buffer, [frame.buffer]);
    }
    return true;
  }
}

registerProcessor(PCM_PROCESSOR, PcmProcessor);
