/**
 * The detections on screen, kept live: REST reads fill it, socket pushes patch it.
 * Components read it through useSyncExternalStore (see hooks/useDetection.ts);
 * every change replaces the entry object, so snapshots compare by reference.
 */
import type { ApiClient } from "../api/client";
import { errorMessage } from "../api/errors";
import { getDetection } from "../api/endpoints";
import type { Detection, DetectionMessage, DetectionStatus } from "../types";
import { isTerminal } from "../types";

export interface LiveEntry {
  data: Detection | null;
  error: string | null;
  loading: boolean;
}

export const STATUS_LABELS: Record<DetectionStatus, string> = {
  pending: "Queued",
  processing: "Analysing",
  completed: "Completed",
  failed: "Failed",
};

/** Progress in words: chunks scored, or what happens before there are chunks. */
export function progressText(status: DetectionStatus, progress: { done: number; total: number } | undefined): string {
  if (progress && progress.total > 0) return `${progress.done} of ${progress.total} chunks scored`;
  return status === "pending" ? "Waiting in the queue" : "Preparing the audio";
}

type Loader = (requestId: string, signal?: AbortSignal) => Promise<Detection>;

export class DetectionStore {
  private entries = new Map<string, LiveEntry>();
  private watchers = new Map<string, number>();
  private inFlight = new Map<string, Promise<void>>();
  private listeners = new Set<() => void>();
  private announceListeners = new Set<(text: string) => void>();
  private readonly loader: Loader;

  constructor(clientOrLoader: ApiClient | Loader) {
    this.loader =
      typeof clientOrLoader === "function"
        ? clientOrLoader
        : (requestId, signal) => getDetection(clientOrLoader, requestId, signal);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Status changes in words, for the aria-live announcer. */
  onAnnounce(listener: (text: string) => void): () => void {
    this.announceListeners.add(listener);
    return () => this.announceListeners.delete(listener);
  }

  get(requestId: string): LiveEntry | undefined {
    return this.entries.get(requestId);
  }

  /** Keep a detection live while something shows it. Returns the matching release. */
  watch(requestId: string): () => void {
    this.watchers.set(requestId, (this.watchers.get(requestId) ?? 0) + 1);
    if (!this.entries.get(requestId)?.data) void this.load(requestId);
    return () => {
      const count = (this.watchers.get(requestId) ?? 1) - 1;
      if (count <= 0) this.watchers.delete(requestId);
      else this.watchers.set(requestId, count);
    };
  }

  watchedIds(): string[] {
    return [...this.watchers.keys()];
  }

  /**
   * Read the REST status. Concurrent reads of one detection are shared unless
   * `fresh` is set (after a reconnect a read that started earlier may predate
   * what was missed; `newest()` settles the order the answers land in).
   */
  load(requestId: string, fresh = false): Promise<void> {
    const running = this.inFlight.get(requestId);
    if (running && !fresh) return running;
    const previous = this.entries.get(requestId);
    this.put(requestId, { data: previous?.data ?? null, error: null, loading: true });
    const task = this.loader(requestId)
      .then((detection) => {
        this.accept(requestId, newest(this.entries.get(requestId)?.data ?? null, detection));
      })
      .catch((error: unknown) => {
        const current = this.entries.get(requestId);
        this.put(requestId, { data: current?.data ?? null, error: errorMessage(error), loading: false });
      })
      .finally(() => {
        if (this.inFlight.get(requestId) === task) this.inFlight.delete(requestId);
      });
    this.inFlight.set(requestId, task);
    return task;
  }

  /** On every (re)connect: re-read every detection on screen so nothing pushed while away is lost. */
  resyncWatched(): Promise<void> {
    return Promise.all(this.watchedIds().map((id) => this.load(id, true))).then(() => undefined);
  }

  /** Re-read the watched detections that are still running (the fallback while the socket is down). */
  pollUnfinished(): Promise<void> {
    const ids = this.watchedIds().filter((id) => {
      const data = this.entries.get(id)?.data;
      return !data || !isTerminal(data.status);
    });
    return Promise.all(ids.map((id) => this.load(id))).then(() => undefined);
  }

  /** Patch a detection with a pushed message. Unknown detections are read from REST instead. */
  applyMessage(message: DetectionMessage): void {
    const entry = this.entries.get(message.request_id);
    if (!entry?.data) {
      if (this.watchers.has(message.request_id)) void this.load(message.request_id);
      return;
    }
    const data = entry.data;
    const next: Detection = {
      ...data,
      status: message.status ?? data.status,
      chunk_predictions: message.chunk_predictions ?? data.chunk_predictions,
      progress: message.progress ?? data.progress,
      overall_assessment: message.overall_assessment ?? data.overall_assessment,
      overall_confidence: message.overall_confidence !== undefined ? message.overall_confidence : data.overall_confidence,
      inconclusive_reason: message.inconclusive_reason ?? data.inconclusive_reason,
      inconclusive_message: message.inconclusive_message ?? data.inconclusive_message,
      error_message: message.error_message ?? data.error_message,
    };
    this.accept(message.request_id, next);
    // completed_at, timings and the model come with the REST body: read it once at the end.
    if (message.type !== "detection.progress") void this.load(message.request_id);
  }

  clear(): void {
    this.entries = new Map();
    this.watchers.clear();
    this.inFlight.clear();
    this.emit();
  }

  private accept(requestId: string, detection: Detection): void {
    const before = this.entries.get(requestId)?.data;
    this.put(requestId, { data: detection, error: null, loading: false });
    if (before && before.status !== detection.status) {
      const name = detection.file?.original_filename ?? "Recording";
      const reason = detection.status === "failed" && detection.error_message ? `: ${detection.error_message}` : "";
      this.announce(`${name}: ${STATUS_LABELS[detection.status].toLowerCase()}${reason}`);
    }
  }

  private put(requestId: string, entry: LiveEntry): void {
    this.entries.set(requestId, entry);
    this.emit();
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private announce(text: string): void {
    for (const listener of [...this.announceListeners]) listener(text);
  }
}

const STATUS_RANK: Record<DetectionStatus, number> = { pending: 0, processing: 1, completed: 2, failed: 2 };

/**
 * A REST read that started before a push may land after it: keep whichever state
 * is further along, so the progress shown never goes backwards.
 */
export function newest(current: Detection | null, incoming: Detection): Detection {
  if (!current) return incoming;
  const rankNow = STATUS_RANK[current.status];
  const rankIn = STATUS_RANK[incoming.status];
  if (rankIn < rankNow) return current;
  if (rankIn === rankNow && (incoming.progress?.done ?? 0) < (current.progress?.done ?? 0)) {
    return { ...incoming, chunk_predictions: current.chunk_predictions, progress: current.progress };
  }
  return incoming;
}
