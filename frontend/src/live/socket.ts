/**
 * The detections WebSocket: bearer token as subprotocol (never in the URL),
 * reconnection with exponential backoff and jitter, and a token refresh when the
 * server closes with 4401 (missing, expired or revoked token). If the refresh is
 * refused the API client ends the session and the app returns to the login page.
 */
import type { ApiClient } from "../api/client";
import type { DetectionMessage } from "../types";

export const UNAUTHORIZED_CLOSE_CODE = 4401;

export type SocketState = "connecting" | "open" | "closed";

/**
 * A connection counts as healthy (backoff and 4401 counters reset) only after
 * it stayed open this long or delivered a message: the server accepts the
 * handshake before it checks the token, so a refused token still "opens".
 */
export const STABLE_AFTER_MS = 5000;

export type SocketFactory = (url: string, protocols: string[]) => WebSocket;

export interface DetectionSocketOptions {
  url: string;
  client: Pick<ApiClient, "accessToken" | "refresh">;
  onMessage: (message: DetectionMessage) => void;
  /** Runs on every (re)connect: the place to re-read what was pushed while away. */
  onOpen?: () => void;
  onStateChange?: (state: SocketState) => void;
  createSocket?: SocketFactory;
  minDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

/** ws(s)://<this host>/ws/v1/detections/ */
export function detectionsSocketUrl(location: Pick<Location, "protocol" | "host"> = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/v1/detections/`;
}

const MESSAGE_TYPES = new Set(["detection.progress", "detection.completed", "detection.failed"]);

export function parseDetectionMessage(data: unknown): DetectionMessage | null {
  if (typeof data !== "string") return null;
  try {
    const message: unknown = JSON.parse(data);
    if (!message || typeof message !== "object") return null;
    const candidate = message as Partial<DetectionMessage>;
    if (typeof candidate.type !== "string" || !MESSAGE_TYPES.has(candidate.type)) return null;
    if (typeof candidate.request_id !== "string") return null;
    return candidate as DetectionMessage;
  } catch {
    return null;
  }
}

export class DetectionSocket {
  private socket: WebSocket | null = null;
  private stopped = true;
  private attempts = 0;
  private unauthorizedInARow = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stableTimer: ReturnType<typeof setTimeout> | null = null;
  private currentState: SocketState = "closed";
  private readonly options: Required<Omit<DetectionSocketOptions, "onOpen" | "onStateChange">> &
    Pick<DetectionSocketOptions, "onOpen" | "onStateChange">;

  constructor(options: DetectionSocketOptions) {
    this.options = {
      createSocket: (url, protocols) => new WebSocket(url, protocols),
      minDelayMs: 1000,
      maxDelayMs: 30_000,
      random: Math.random,
      ...options,
    };
  }

  get state(): SocketState {
    return this.currentState;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempts = 0;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.clearStableTimer();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "bye");
    this.setState("closed");
  }

  /** Try now instead of waiting out the backoff (e.g. the browser came back online). */
  reconnectNow(): void {
    if (this.stopped || this.socket) return;
    this.clearTimer();
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.socket) return;
    this.setState("connecting");
    let token: string | null;
    try {
      token = await this.options.client.accessToken();
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (this.stopped || this.socket) return;
    if (!token) {
      // Logged out: the client has already told the app.
      this.stop();
      return;
    }
    let socket: WebSocket;
    try {
      socket = this.options.createSocket(this.options.url, ["bearer", token]);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.setState("open");
      this.clearStableTimer();
      this.stableTimer = setTimeout(() => this.markHealthy(), STABLE_AFTER_MS);
      this.options.onOpen?.();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket) return;
      this.markHealthy();
      const message = parseDetectionMessage(event.data);
      if (message) this.options.onMessage(message);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.clearStableTimer();
      this.socket = null;
      this.setState("closed");
      if (this.stopped) return;
      if (event.code === UNAUTHORIZED_CLOSE_CODE) void this.afterUnauthorized();
      else this.scheduleReconnect();
    };
  }

  private async afterUnauthorized(): Promise<void> {
    this.unauthorizedInARow += 1;
    let token: string | null;
    try {
      token = await this.options.client.refresh();
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (!token) {
      this.stop();
      return;
    }
    // A fresh token that is refused again points at the server: back off.
    if (this.unauthorizedInARow > 1) this.scheduleReconnect();
    else void this.connect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.clearTimer();
    const { minDelayMs, maxDelayMs, random } = this.options;
    const base = Math.min(maxDelayMs, minDelayMs * 2 ** this.attempts);
    const delay = base / 2 + (random() * base) / 2;
    this.attempts += 1;
    this.setState("closed");
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }

  private markHealthy(): void {
    this.clearStableTimer();
    this.attempts = 0;
    this.unauthorizedInARow = 0;
  }

  private clearStableTimer(): void {
    if (this.stableTimer !== null) clearTimeout(this.stableTimer);
    this.stableTimer = null;
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private setState(state: SocketState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.options.onStateChange?.(state);
  }
}
