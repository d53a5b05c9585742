/**
 * One run of the Live page: opens the audio source, then the stream, pumps
 * frames from one to the other, and reports every step as a LiveAction.
 * The source is opened first so that a refused microphone or an undecodable
 * file never leaves an empty stream (a failed detection) on the server.
 */
import type { ApiClient } from "../api/client";
import { CaptureError, type AudioSource } from "./capture";
import type { LiveAction, LiveSourceKind } from "./liveState";
import { LiveStream, streamSocketUrl } from "./stream";

export interface LiveSessionOptions {
  client: Pick<ApiClient, "accessToken" | "refresh">;
  dispatch: (action: LiveAction) => void;
}

export class LiveSession {
  private source: AudioSource | null = null;
  private stream: LiveStream | null = null;
  /** The outcome is known, or the run was stopped before it reached the server: nothing more is reported. */
  private finished = false;

  constructor(private readonly options: LiveSessionOptions) {}

  async start(kind: LiveSourceKind, open: () => Promise<AudioSource>): Promise<void> {
    const { dispatch } = this.options;
    dispatch({ type: "prepare", source: kind });
    let source: AudioSource;
    try {
      source = await open();
    } catch (error) {
      if (this.finished) return;
      this.finished = true;
      dispatch({ type: "fail", reason: error instanceof CaptureError ? error.message : "The audio could not be opened." });
      return;
    }
    if (this.finished) {
      source.close();
      return;
    }
    this.source = source;
    dispatch({ type: "ready" });
    const stream = new LiveStream({
      url: streamSocketUrl(),
      client: this.options.client,
      onStarted: (message) => {
        dispatch({ type: "started", message });
        source.start(
          (frame) => {
            stream.send(frame);
            dispatch({ type: "sent", seconds: frame.length / source.sampleRate });
          },
          () => this.stop(),
        );
      },
      onWindow: (message) => dispatch({ type: "window", message }),
      onFinal: (message) => {
        this.end();
        dispatch({ type: "final", message });
      },
      onFailed: (reason) => {
        this.end();
        dispatch({ type: "fail", reason });
      },
    });
    this.stream = stream;
    await stream.open({ sample_rate: source.sampleRate, encoding: "pcm_s16le", channels: 1, label: source.label });
  }

  /** No more audio: wait for the result, or, before the server started the stream, just end. */
  stop(): void {
    if (this.finished) return;
    this.source?.close();
    const awaitingResult = this.stream?.stop() ?? false;
    if (!awaitingResult) this.finished = true;
    this.options.dispatch({ type: "stop" });
  }

  /** End without waiting for a result (the page is going away). */
  dispose(): void {
    this.end();
    this.stream?.abandon();
  }

  private end(): void {
    this.finished = true;
    this.source?.close();
  }
}
