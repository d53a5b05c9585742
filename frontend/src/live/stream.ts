/**
 * One live stream on /ws/v1/stream/ (docs/streaming.md): the bearer token as a
 * subprotocol (as the detections socket does), a `start` message, binary
 * pcm_s16le frames, `stop`, then the server's `final` and close.
 *
 * A stream is never resumed: the server records what it received, so after a
 * drop the result is whatever it stored. Only a 4401 before the stream started
 * (an access token that expired on the way) is retried, once, with a fresh token.
 */
import type { ApiClient } from "../api/client";
import { type SocketFactory, UNAUTHORIZED_CLOSE_CODE } from "./socket";
import {
  closeReason,
  parseStreamMessage,
  type FinalMessage,
  type StartedMessage,
  type StartMessage,
  type WindowMessage,
} from "./streamMessages";

export interface StreamHandlers {
  onStarted: (message: StartedMessage) => void;
  onWindow: (message: WindowMessage) => void;
  onFinal: (message: FinalMessage) => void;
  /** The stream ended without a result; `reason` is a sentence for a person. Called at most once. */
  onFailed: (reason: string) => void;
}

export interface LiveStreamOptions extends StreamHandlers {
  url: string;
  client: Pick<ApiClient, "accessToken" | "refresh">;
  createSocket?: SocketFactory;
}

/** ws(s)://<this host>/ws/v1/stream/ */
export function streamSocketUrl(location: Pick<Location, "protocol" | "host"> = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/v1/stream/`;
}

export class LiveStream {
  private socket: WebSocket | null = null;
  private started = false;
  private stopping = false;
  /** Set once the outcome (final or failure) is known or the stream was abandoned: nothing is reported after it. */
  private ended = false;
  private readonly createSocket: SocketFactory;

  constructor(private readonly options: LiveStreamOptions) {
    this.createSocket = options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols));
  }

  /** Connect and send `start`; the outcome arrives through the handlers. */
  async open(start: Omit<StartMessage, "type">): Promise<void> {
    await this.connect({ type: "start", ...start }, false);
  }

  /** Send one frame of audio; dropped unless the server has started the stream. */
  send(frame: Int16Array): void {
    if (!this.started || this.stopping || this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(frame);
  }

  /**
   * No more audio: ask the server for the final result (it then closes).
   * Returns whether a result will follow; before the stream started there is
   * none to wait for, and the socket is simply closed.
   */
  stop(): boolean {
    if (this.ended) return false;
    if (this.stopping) return true;
    this.stopping = true;
    if (this.started && this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: "stop" }));
      return true;
    }
    this.abandon();
    return false;
  }

  /** Close without waiting for a result (the page is going away). */
  abandon(): void {
    this.ended = true;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "bye");
  }

  private async connect(start: StartMessage, retried: boolean): Promise<void> {
    let token: string | null;
    try {
      token = retried ? await this.options.client.refresh() : await this.options.client.accessToken();
    } catch {
      this.fail(closeReason(1006));
      return;
    }
    if (this.ended) return;
    if (!token) {
      this.fail(closeReason(UNAUTHORIZED_CLOSE_CODE));
      return;
    }
    let socket: WebSocket;
    try {
      socket = this.createSocket(this.options.url, ["bearer", token]);
    } catch {
      this.fail(closeReason(1006));
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket === socket) socket.send(JSON.stringify(start));
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.ended) return;
      if (event.code === UNAUTHORIZED_CLOSE_CODE && !this.started && !retried && !this.stopping) {
        void this.connect(start, true);
        return;
      }
      this.fail(closeReason(event.code));
    };
  }

  private receive(data: unknown): void {
    const message = parseStreamMessage(data);
    if (!message || this.ended) return;
    switch (message.type) {
      case "started":
        this.started = true;
        this.options.onStarted(message);
        break;
      case "window":
        this.options.onWindow(message);
        break;
      case "final":
        this.ended = true;
        this.options.onFinal(message);
        break;
      case "error":
        this.fail(message.message);
        break;
    }
  }

  private fail(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.options.onFailed(reason);
  }
}
