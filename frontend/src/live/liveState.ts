/**
 * The Live page's state machine, free of React and Web Audio so every
 * transition is unit-tested:
 *
 *   idle ─start─▶ preparing ─ready─▶ connecting ─started─▶ streaming ─stop─▶ stopping ─final─▶ done
 *                     │                  │ stop ▶ idle          │                  │
 *                     └──────────────────┴──── fail ────────────┴──────────────────┴──▶ failed
 *
 * `preparing` opens the source (microphone permission, file decoding) before a
 * socket exists, so a refused microphone never leaves an empty stream on the server.
 */
import type { FinalMessage, StartedMessage, WindowMessage } from "./streamMessages";

export type LivePhase = "idle" | "preparing" | "connecting" | "streaming" | "stopping" | "done" | "failed";

export type LiveSourceKind = "microphone" | "file";

export interface LiveState {
  phase: LivePhase;
  source: LiveSourceKind | null;
  /** The stored detection, known once the server started the stream. */
  requestId: string | null;
  /** The window length in seconds, from `started`. */
  window: number;
  /** Seconds of audio sent so far. */
  elapsed: number;
  /** The latest windows, oldest first, one per start time. */
  windows: WindowMessage[];
  final: FinalMessage | null;
  error: string | null;
}

export type LiveAction =
  | { type: "prepare"; source: LiveSourceKind }
  | { type: "ready" }
  | { type: "started"; message: StartedMessage }
  | { type: "sent"; seconds: number }
  | { type: "window"; message: WindowMessage }
  | { type: "stop" }
  | { type: "final"; message: FinalMessage }
  | { type: "fail"; reason: string };

/** Enough for several minutes of timeline at a 1 s hop; older windows scroll out. */
export const MAX_WINDOWS = 300;

export const INITIAL_LIVE_STATE: LiveState = {
  phase: "idle",
  source: null,
  requestId: null,
  window: 0,
  elapsed: 0,
  windows: [],
  final: null,
  error: null,
};

const ACTIVE: ReadonlySet<LivePhase> = new Set(["preparing", "connecting", "streaming", "stopping"]);

/** A source is being opened or streamed: the start controls are locked. */
export function isActive(phase: LivePhase): boolean {
  return ACTIVE.has(phase);
}

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case "prepare":
      return isActive(state.phase) ? state : { ...INITIAL_LIVE_STATE, phase: "preparing", source: action.source };
    case "ready":
      return state.phase === "preparing" ? { ...state, phase: "connecting" } : state;
    case "started":
      return state.phase === "connecting"
        ? { ...state, phase: "streaming", requestId: action.message.request_id, window: action.message.window }
        : state;
    case "sent":
      return state.phase === "streaming" ? { ...state, elapsed: state.elapsed + action.seconds } : state;
    case "window":
      return state.phase === "streaming" || state.phase === "stopping"
        ? { ...state, windows: mergeWindow(state.windows, action.message) }
        : state;
    case "stop":
      if (state.phase === "streaming") return { ...state, phase: "stopping" };
      // Nothing reached the server yet: there is no result to wait for.
      if (state.phase === "preparing" || state.phase === "connecting") return INITIAL_LIVE_STATE;
      return state;
    case "final":
      return isActive(state.phase) ? { ...state, phase: "done", final: action.message, requestId: action.message.request_id } : state;
    case "fail":
      return isActive(state.phase) ? { ...state, phase: "failed", error: action.reason } : state;
  }
}

/** Adds a window in time order; one with the same start (a provisional score being settled) is replaced. */
export function mergeWindow(windows: WindowMessage[], window: WindowMessage): WindowMessage[] {
  const kept = windows.filter((existing) => existing.start !== window.start);
  const index = kept.findIndex((existing) => existing.start > window.start);
  if (index === -1) kept.push(window);
  else kept.splice(index, 0, window);
  return kept.length > MAX_WINDOWS ? kept.slice(kept.length - MAX_WINDOWS) : kept;
}
