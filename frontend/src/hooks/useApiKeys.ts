import { useEffect, useState } from "react";
import { listApiKeys } from "../api/endpoints";
import { errorMessage } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import type { ApiKey } from "../types";

export interface ApiKeysState {
  keys: ApiKey[] | null;
  loading: boolean;
  error: string | null;
}

/** The user's API keys; `reloadKey` forces a re-read after a change. */
export function useApiKeys(reloadKey = 0): ApiKeysState {
  const { client } = useAuth();
  const [state, setState] = useState<ApiKeysState>({ keys: null, loading: true, error: null });

  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    listApiKeys(client, controller.signal)
      .then((keys) => setState({ keys, loading: false, error: null }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ ...s, loading: false, error: errorMessage(error) }));
      });
    return () => controller.abort();
  }, [client, reloadKey]);

  return state;
}
