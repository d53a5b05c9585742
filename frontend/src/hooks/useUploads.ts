import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/errors";
import { uploadFile } from "../api/upload";
import { useAuth } from "../auth/AuthContext";
import { recentDetections } from "../live/recent";

export type UploadState = "queued" | "uploading" | "refused" | "cancelled";

export interface UploadItem {
  key: string;
  name: string;
  size: number;
  loaded: number;
  /** Bytes the browser will send (the multipart body), once known; the file size until then. */
  total: number;
  state: UploadState;
  message: string | null;
}

/** Uploads at a time; the rest wait their turn (the server also throttles uploads). */
const CONCURRENCY = 3;

let counter = 0;

/**
 * A queue of uploads with per-file progress. An accepted file leaves the queue
 * for this session's recent detections, so each file is listed once.
 */
export function useUploads() {
  const { client } = useAuth();
  const [items, setItems] = useState<UploadItem[]>([]);
  const files = useRef(new Map<string, File>());
  const controllers = useRef(new Map<string, AbortController>());

  const update = useCallback((key: string, patch: Partial<UploadItem>) => {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...patch } : item)));
  }, []);

  const add = useCallback((incoming: FileList | File[]) => {
    const added: UploadItem[] = [];
    for (const file of Array.from(incoming)) {
      counter += 1;
      const key = `upload-${counter}`;
      files.current.set(key, file);
      added.push({
        key,
        name: file.name,
        size: file.size,
        loaded: 0,
        total: file.size,
        state: "queued",
        message: null,
      });
    }
    setItems((list) => [...added, ...list]);
  }, []);

  const cancel = useCallback(
    (key: string) => {
      controllers.current.get(key)?.abort();
      files.current.delete(key);
      setItems((list) =>
        list.map((item) => (item.key === key && item.state === "queued" ? { ...item, state: "cancelled", message: "Cancelled." } : item)),
      );
    },
    [],
  );

  const dismiss = useCallback((key: string) => {
    setItems((list) => list.filter((item) => item.key !== key));
  }, []);

  // Start queued uploads while fewer than CONCURRENCY run.
  useEffect(() => {
    const running = items.filter((item) => item.state === "uploading").length;
    const next = items
      .filter((item) => item.state === "queued")
      .reverse()
      .slice(0, Math.max(0, CONCURRENCY - running));
    for (const item of next) {
      const file = files.current.get(item.key);
      if (!file) continue;
      const controller = new AbortController();
      controllers.current.set(item.key, controller);
      update(item.key, { state: "uploading" });
      uploadFile(client, file, ({ loaded, total }) => update(item.key, { loaded, total }), controller.signal)
        .then((accepted) => {
          recentDetections.add(accepted.request_id);
          setItems((list) => list.filter((entry) => entry.key !== item.key));
        })
        .catch((error: unknown) => {
          const cancelled = controller.signal.aborted;
          // A refusal fills the bar (in red): the attempt is over, whatever was sent.
          setItems((list) =>
            list.map((entry) =>
              entry.key === item.key
                ? {
                    ...entry,
                    state: cancelled ? "cancelled" : "refused",
                    loaded: cancelled ? entry.loaded : entry.total,
                    message: errorMessage(error),
                  }
                : entry,
            ),
          );
        })
        .finally(() => {
          controllers.current.delete(item.key);
          files.current.delete(item.key);
        });
    }
  }, [client, items, update]);

  useEffect(() => {
    const active = controllers.current;
    return () => {
      for (const controller of active.values()) controller.abort();
    };
  }, []);

  return { items, add, cancel, dismiss };
}
