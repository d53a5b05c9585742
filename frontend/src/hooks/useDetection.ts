import { useCallback, useEffect, useSyncExternalStore } from "react";
import { useLive } from "../live/LiveContext";
import type { LiveEntry } from "../live/store";

/** A detection kept live (REST + socket) for as long as the calling component is mounted. */
export function useDetection(requestId: string): LiveEntry | undefined {
  const { store } = useLive();
  useEffect(() => store.watch(requestId), [store, requestId]);
  const getSnapshot = useCallback(() => store.get(requestId), [store, requestId]);
  return useSyncExternalStore(store.subscribe, getSnapshot);
}
