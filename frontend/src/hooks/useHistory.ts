import { useEffect, useState } from "react";
import { listHistory, type HistoryQuery } from "../api/endpoints";
import { errorMessage } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import type { DetectionSummary, Paginated } from "../types";

export interface HistoryState {
  page: Paginated<DetectionSummary> | null;
  loading: boolean;
  error: string | null;
}

/** One page of the history for a query; `reloadKey` forces a re-read. */
export function useHistory(query: HistoryQuery, reloadKey = 0): HistoryState {
  const { client } = useAuth();
  const [state, setState] = useState<HistoryState>({ page: null, loading: true, error: null });
  const { page, pageSize, status, verdict, search, review } = query;

  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    listHistory(client, { page, pageSize, status, verdict, search, review }, controller.signal)
      .then((result) => setState({ page: result, loading: false, error: null }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ ...s, loading: false, error: errorMessage(error) }));
      });
    return () => controller.abort();
  }, [client, page, pageSize, status, verdict, search, review, reloadKey]);

  return state;
}
