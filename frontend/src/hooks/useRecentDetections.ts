import { useSyncExternalStore } from "react";
import { recentDetections } from "../live/recent";

export function useRecentDetections(): string[] {
  return useSyncExternalStore(recentDetections.subscribe, recentDetections.getSnapshot);
}
