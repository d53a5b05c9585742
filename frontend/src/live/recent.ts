/**
 * The detections uploaded in this browser session (newest first), for the
 * dashboard. sessionStorage: a reload keeps them, a new tab starts empty.
 */
const KEY = "deepfake.recent";
const LIMIT = 20;

type Listener = () => void;

function read(): string[] {
  try {
    const value: unknown = JSON.parse(window.sessionStorage.getItem(KEY) ?? "[]");
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

let ids: string[] = typeof window === "undefined" ? [] : read();
const listeners = new Set<Listener>();

function write(next: string[]): void {
  ids = next;
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify(ids));
  } catch {
    // Private mode or full storage: keep the list in memory only.
  }
  for (const listener of [...listeners]) listener();
}

export const recentDetections = {
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getSnapshot(): string[] {
    return ids;
  },
  add(requestId: string): void {
    write([requestId, ...ids.filter((id) => id !== requestId)].slice(0, LIMIT));
  },
  /** Forget these detections here (they stay in the history). */
  remove(requestIds: readonly string[]): void {
    const gone = new Set(requestIds);
    write(ids.filter((id) => !gone.has(id)));
  },
  clear(): void {
    write([]);
  },
};
