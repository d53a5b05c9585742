/** A WebSocket double for the detections and live-stream sockets: records what the client sent, and plays the server's part. */
export class FakeStreamSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static instances: FakeStreamSocket[] = [];

  readyState = FakeStreamSocket.CONNECTING;
  binaryType = "blob";
  /** Text frames, parsed. */
  readonly json: unknown[] = [];
  /** Binary frames, as the samples they carried. */
  readonly frames: number[][] = [];
  closedWith: number | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeStreamSocket.instances.push(this);
  }

  static last(): FakeStreamSocket {
    const socket = FakeStreamSocket.instances[FakeStreamSocket.instances.length - 1];
    if (!socket) throw new Error("no socket was opened");
    return socket;
  }

  send(data: string | Int16Array): void {
    if (typeof data === "string") this.json.push(JSON.parse(data));
    else this.frames.push(Array.from(data));
  }

  close(code = 1000): void {
    this.readyState = FakeStreamSocket.CLOSED;
    this.closedWith = code;
  }

  open(): void {
    this.readyState = FakeStreamSocket.OPEN;
    this.onopen?.();
  }

  receive(message: unknown): void {
    this.onmessage?.({ data: typeof message === "string" ? message : JSON.stringify(message) });
  }

  serverClose(code: number): void {
    this.readyState = FakeStreamSocket.CLOSED;
    this.onclose?.({ code });
  }
}

export const STARTED = { type: "started", request_id: "0b5e7c1e-6a0c-4c57-9d1f-3f6c2a8e9b11", window: 4, hop: 1 } as const;

export function windowMessage(start: number, end: number, score: number, extra: { speech?: boolean; provisional?: boolean } = {}) {
  return { type: "window", start, end, score, speech: extra.speech ?? true, speech_ratio: 0.9, provisional: extra.provisional ?? false };
}

export const FINAL = {
  type: "final",
  request_id: STARTED.request_id,
  status: "completed",
  chunk_predictions: {
    chunk_0: { score: 0.03, start: 0, end: 4, speech: true, speech_ratio: 0.92, silent: false },
    chunk_1: { score: 0.05, start: 4, end: 6.5, speech: true, speech_ratio: 0.88, silent: false },
  },
  progress: { done: 2, total: 2 },
  overall_assessment: "real",
  overall_confidence: 0.95,
  inconclusive_reason: "",
  inconclusive_message: "",
  error_message: "",
} as const;
