import { useEffect, useState } from "react";
import { listWebhookDeliveries, listWebhooks } from "../api/endpoints";
import { errorMessage } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import type { WebhookDelivery, WebhookEndpoint } from "../types";

interface Loaded<T> {
  data: T | null;
  loading: boolean;
  error: string | null;
}

/** Runs `load` whenever its inputs change; aborts the previous read. */
function useLoaded<T>(load: (signal: AbortSignal) => Promise<T>, inputs: unknown[]): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, loading: true, error: null });
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    load(controller.signal)
      .then((data) => setState({ data, loading: false, error: null }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ ...s, loading: false, error: errorMessage(error) }));
      });
    return () => controller.abort();
  }, inputs);
  return state;
}

/** The user's webhook endpoints; `reloadKey` forces a re-read after a change. */
export function useWebhooks(reloadKey = 0): Loaded<WebhookEndpoint[]> {
  const { client } = useAuth();
  return useLoaded((signal) => listWebhooks(client, signal), [client, reloadKey]);
}

/** An endpoint's most recent deliveries, with their attempts. */
export function useWebhookDeliveries(endpointId: string, reloadKey = 0): Loaded<WebhookDelivery[]> {
  const { client } = useAuth();
  return useLoaded(
    async (signal) => (await listWebhookDeliveries(client, endpointId, signal)).results,
    [client, endpointId, reloadKey],
  );
}
