import { useState } from "react";
import { WebhookEndpointCard } from "../components/WebhookEndpointCard";
import { WebhookForm } from "../components/WebhookForm";
import { WebhookSecretNotice } from "../components/WebhookSecretNotice";
import { usePageTitle } from "../hooks/usePageTitle";
import { useWebhooks } from "../hooks/useWebhooks";

interface ShownSecret {
  title: string;
  secret: string;
}

/** Register endpoints that receive signed detection and batch events; test, rotate, delete them. */
export function WebhooksPage() {
  usePageTitle("Webhooks");
  const [reloadKey, setReloadKey] = useState(0);
  const { data: endpoints, loading, error } = useWebhooks(reloadKey);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const reload = () => setReloadKey((n) => n + 1);

  return (
    <div className="page webhooks-page">
      <h1 className="page-title">Webhooks</h1>
      <p className="lede">
        Each endpoint receives a signed <code>POST</code> (Standard Webhooks) when a detection completes or fails, or
        a batch finishes, with the same JSON as the status endpoint. Failed deliveries are retried for about a day.
      </p>
      {shown ? <WebhookSecretNotice title={shown.title} secret={shown.secret} onDone={() => setShown(null)} /> : null}
      <WebhookForm
        onCreated={(created) => {
          setShown({ title: `Endpoint added: ${created.url}`, secret: created.secret });
          reload();
        }}
      />
      <section className="history-panel" aria-labelledby="webhooks-heading">
        <h2 id="webhooks-heading" className="section-title">
          Your endpoints
        </h2>
        {error ? (
          <p className="banner banner--error" role="alert">
            {error}
          </p>
        ) : null}
        {endpoints?.map((endpoint) => (
          <WebhookEndpointCard
            key={endpoint.id}
            endpoint={endpoint}
            onChanged={reload}
            onRotated={(rotated, secret) =>
              setShown({
                title: `New secret for ${rotated.url} (the old one also signs until ${new Date(
                  secret.previous_secret_expires_at ?? Date.now(),
                ).toLocaleString()})`,
                secret: secret.secret,
              })
            }
          />
        ))}
        {endpoints && !endpoints.length ? <p className="muted">You have no webhook endpoints yet.</p> : null}
        {loading && !endpoints ? <p className="muted">Loading…</p> : null}
      </section>
    </div>
  );
}
