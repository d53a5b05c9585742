/**
 * The messages of the live stream socket, /ws/v1/stream/ (docs/streaming.md).
 * They are WebSocket messages, not REST bodies, so they are written here by
 * hand rather than generated from the OpenAPI schema.
 */
import type { DetectionMessage } from "../types";
import { UNAUTHORIZED_CLOSE_CODE } from "./socket";

/** The first message the client sends; binary pcm_s16le frames follow, then `stop`. */
export interface StartMessage {
  type: "start";
  sample_rate: number;
  encoding: "pcm_s16le";
  channels: 1 | 2;
  /** Shown in the history as the recording's name. */
  label?: string;
}

export interface StopMessage {
  type: "stop";
}

/** The stream is accepted and recorded as a detection. Window and hop in seconds (other fields are not used here). */
export interface StartedMessage {
  type: "started";
  request_id: string;
  window: number;
  hop: number;
}

/**
 * One scored stretch, in seconds of audio received. The first ones are
 * provisional and shorter than a window ([0, 1), [0, 2), [0, 3)): each is
 * superseded by the next, which has the same start.
 */
export interface WindowMessage {
  type: "window";
  start: number;
  end: number;
  score: number;
  speech: boolean;
  provisional: boolean;
}

/** The stream's result after `stop`: the fields of a detections-socket message, as an upload of the same audio gets them. */
export type FinalMessage = { type: "final" } & Omit<DetectionMessage, "type">;

/** What ended the stream, as a sentence; the server closes the socket right after it. */
export interface ErrorMessage {
  type: "error";
  code: string;
  message: string;
}

export type ServerMessage = StartedMessage | WindowMessage | FinalMessage | ErrorMessage;

const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isString = (value: unknown): value is string => typeof value === "string";

const VALIDATORS: Record<ServerMessage["type"], (message: Record<string, unknown>) => boolean> = {
  started: (m) => isString(m.request_id) && isNumber(m.window) && isNumber(m.hop),
  window: (m) =>
    isNumber(m.start) && isNumber(m.end) && isNumber(m.score) && typeof m.speech === "boolean" && typeof m.provisional === "boolean",
  final: (m) => isString(m.request_id) && isString(m.status) && Boolean(m.chunk_predictions) && typeof m.chunk_predictions === "object",
  error: (m) => isString(m.code) && isString(m.message),
};

/** A server message, or null for anything that is not one (binary data, unknown types, missing fields). */
export function parseStreamMessage(data: unknown): ServerMessage | null {
  if (typeof data !== "string") return null;
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return null;
  }
  if (!message || typeof message !== "object") return null;
  const candidate = message as Record<string, unknown>;
  const type = candidate.type;
  if (typeof type !== "string" || !Object.hasOwn(VALIDATORS, type)) return null;
  return VALIDATORS[type as ServerMessage["type"]](candidate) ? (candidate as unknown as ServerMessage) : null;
}

/**
 * Why the server closed, as a sentence. Every refusal in docs/streaming.md comes
 * with an `error` message whose sentence wins; only these closes come without one.
 */
export function closeReason(code: number): string {
  return CLOSE_REASONS[code] ?? "The connection to the server was lost, so the stream ended early.";
}

const CLOSE_REASONS: Record<number, string> = {
  1011: "The server hit an unexpected error and ended the stream.",
  1013: "The server cannot reach its message bus right now. Try again in a minute.",
  [UNAUTHORIZED_CLOSE_CODE]: "Your session has ended. Please log in again.",
};
