import { useState } from "react";
import { deleteWebhook, rotateWebhookSecret, sendWebhookTest, updateWebhook } from "../api/endpoints";
import { errorMessage } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import type { WebhookEndpoint, WebhookSecret } from "../types";
import { WebhookDeliveries } from "./WebhookDeliveries";

interface Props {
  endpoint: WebhookEndpoint;
  /** The endpoint changed or was deleted: re-read the list. */
  onChanged: () => void;
  onRotated: (endpoint: WebhookEndpoint, secret: WebhookSecret) => void;
}

/** One endpoint: its events and state, its actions, and its recent deliveries. */
export function WebhookEndpointCard({ endpoint, onChanged, onRotated }: Props) {
  const { client } = useAuth();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [deliveriesKey, setDeliveriesKey] = useState(0);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice("");
    try {
      await action();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const toggle = () =>
    act(async () => {
      await updateWebhook(client, endpoint.id, { enabled: !endpoint.enabled });
      onChanged();
    });
  const test = () =>
    act(async () => {
      await sendWebhookTest(client, endpoint.id);
      setNotice("Test event queued; its attempt appears below in a few seconds.");
      // The worker sends it within moments; read the deliveries again then.
      setTimeout(() => setDeliveriesKey((n) => n + 1), 2000);
      setDeliveriesKey((n) => n + 1);
    });
  const rotate = () => act(async () => onRotated(endpoint, await rotateWebhookSecret(client, endpoint.id)));
  const remove = () =>
    act(async () => {
      await deleteWebhook(client, endpoint.id);
      onChanged();
    });

  return (
    <article className="panel webhook-endpoint" data-testid="webhook-endpoint" aria-label={endpoint.url}>
      <h3 className="webhook-endpoint__url">
        <code>{endpoint.url}</code>
      </h3>
      <p>
        {endpoint.enabled ? "Enabled" : "Disabled"} · {endpoint.events.join(", ")}
      </p>
      {endpoint.disabled_reason ? <p className="banner banner--warning">{endpoint.disabled_reason}</p> : null}
      {error ? (
        <p className="banner banner--error" role="alert">
          {error}
        </p>
      ) : null}
      <p role="status" className="muted">
        {notice}
      </p>
      <div className="api-keys__confirm">
        <button type="button" className="button button--ghost" disabled={busy} onClick={() => void toggle()}>
          {endpoint.enabled ? "Disable" : "Enable"}
        </button>
        <button type="button" className="button button--ghost" disabled={busy} onClick={() => void test()}>
          Send test event
        </button>
        <button type="button" className="button button--ghost" disabled={busy} onClick={() => void rotate()}>
          Rotate secret
        </button>
        {confirming ? (
          <>
            <span>Delete this endpoint and its delivery log?</span>
            <button type="button" className="button button--danger" disabled={busy} onClick={() => void remove()}>
              Delete
            </button>
            <button type="button" className="button button--ghost" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className="button button--ghost" disabled={busy} onClick={() => setConfirming(true)}>
            Delete…
          </button>
        )}
      </div>
      <h4 className="section-title">Recent deliveries</h4>
      <WebhookDeliveries endpointId={endpoint.id} reloadKey={deliveriesKey} />
    </article>
  );
}
