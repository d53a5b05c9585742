/**
 * The chunk strip's mappings, kept free of React so they are unit-tested:
 * score -> colour on a colour-blind-safe scale (viridis), and chunk -> position
 * and width as percentages of the recording.
 */
import type { ChunkMap, ChunkPrediction } from "./types";

/** viridis sampled at 0, 0.1, ..., 1 (matplotlib / viridisLite). Perceptually uniform, CVD-safe. */
export const VIRIDIS_STOPS: readonly string[] = [
  "#440154", "#482576", "#414487", "#35608d", "#2a788e", "#21908c",
  "#22a884", "#43bf71", "#7ad151", "#bbdf27", "#fde725",
];

/** Chunks without speech (left out of the verdict). */
export const NO_SPEECH_COLOUR = "#b8bcc4";
/** Chunks not scored yet. */
export const PENDING_COLOUR = "#e4e6ea";

export type ChunkKind = "scored" | "pending" | "no-speech";

export interface ChunkView {
  key: string;
  index: number;
  start: number;
  end: number;
  score: number | null;
  speech: boolean;
  kind: ChunkKind;
  colour: string;
  /** Left edge, percent of the recording (0..100). */
  leftPercent: number;
  /** Width, percent of the recording (0..100 - left). */
  widthPercent: number;
}

function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

function rgbToHex(rgb: readonly number[]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** A score in [0, 1] as a viridis colour (`#rrggbb`): 0 (real) dark purple, 1 (fake) yellow. */
export function scoreToColour(score: number): string {
  if (!Number.isFinite(score)) return PENDING_COLOUR;
  const position = clamp(score, 0, 1) * (VIRIDIS_STOPS.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, VIRIDIS_STOPS.length - 1);
  const t = position - low;
  const a = hexToRgb(VIRIDIS_STOPS[low] as string);
  const b = hexToRgb(VIRIDIS_STOPS[high] as string);
  return rgbToHex(a.map((channel, i) => channel + ((b[i] as number) - channel) * t));
}

export function chunkKind(chunk: ChunkPrediction): ChunkKind {
  if (!chunk.speech) return "no-speech";
  return chunk.score === null || chunk.score === undefined ? "pending" : "scored";
}

export function chunkColour(chunk: ChunkPrediction): string {
  const kind = chunkKind(chunk);
  if (kind === "no-speech") return NO_SPEECH_COLOUR;
  if (kind === "pending") return PENDING_COLOUR;
  return scoreToColour(chunk.score as number);
}

/** `chunk_12` -> 12; keys that do not follow the contract sort last. */
export function chunkIndex(key: string): number {
  const match = /^chunk_(\d+)$/.exec(key);
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}

/** The recording's length: the file's duration, else the last chunk's end. */
export function recordingDuration(chunks: ChunkMap, fileDuration?: number | null): number {
  if (typeof fileDuration === "number" && fileDuration > 0) return fileDuration;
  return Object.values(chunks).reduce((longest, chunk) => Math.max(longest, chunk.end), 0);
}

/** Where a chunk sits on a strip as wide as the recording, as percentages clamped to the strip. */
export function chunkPlacement(start: number, end: number, duration: number): { leftPercent: number; widthPercent: number } {
  if (!(duration > 0)) return { leftPercent: 0, widthPercent: 0 };
  const left = clamp((start / duration) * 100, 0, 100);
  const right = clamp((end / duration) * 100, left, 100);
  return { leftPercent: roundPercent(left), widthPercent: roundPercent(right - left) };
}

function roundPercent(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The chunk map as an ordered list ready to draw. */
export function layoutChunks(chunks: ChunkMap, duration: number): ChunkView[] {
  return Object.entries(chunks)
    .map(([key, chunk]) => ({ key, chunk, index: chunkIndex(key) }))
    .sort((a, b) => a.index - b.index || a.chunk.start - b.chunk.start)
    .map(({ key, chunk, index }) => ({
      key,
      index,
      start: chunk.start,
      end: chunk.end,
      score: chunk.score ?? null,
      speech: chunk.speech,
      kind: chunkKind(chunk),
      colour: chunkColour(chunk),
      ...chunkPlacement(chunk.start, chunk.end, duration),
    }));
}

/** Seconds as m:ss.s (or h:mm:ss.s), for time ranges. */
export function formatTime(seconds: number): string {
  const safe = Math.round(Math.max(0, seconds) * 10) / 10;
  const hours = Math.floor(safe / 3600);
  const minutes = Math.floor((safe % 3600) / 60);
  const rest = safe - hours * 3600 - minutes * 60;
  const secondsText = rest.toFixed(1).padStart(4, "0");
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, "0")}:${secondsText}`
    : `${minutes}:${secondsText}`;
}

/** What a chunk says, in words: for the tooltip and the aria-label. */
export function describeChunk(chunk: ChunkView): string {
  const range = `${formatTime(chunk.start)} to ${formatTime(chunk.end)}`;
  if (chunk.kind === "no-speech") {
    const scored = chunk.score === null ? "" : `, score ${chunk.score.toFixed(2)}`;
    return `Chunk ${chunk.index + 1}, ${range}: no speech, not counted${scored}`;
  }
  if (chunk.kind === "pending") return `Chunk ${chunk.index + 1}, ${range}: not scored yet`;
  return `Chunk ${chunk.index + 1}, ${range}: score ${(chunk.score as number).toFixed(2)}`;
}
