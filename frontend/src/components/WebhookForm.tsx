import { useState } from "react";
import { createWebhook } from "../api/endpoints";
import { useAuth } from "../auth/AuthContext";
import { useFormSubmission } from "../hooks/useFormSubmission";
import type { WebhookEndpointWithSecret, WebhookEventType } from "../types";
import { FormField } from "./FormField";

export const EVENT_LABELS: [WebhookEventType, string][] = [
  ["detection.completed", "A detection completed"],
  ["detection.failed", "A detection failed"],
  ["batch.completed", "A batch finished"],
];

/** URL and events of a new endpoint; reports the created endpoint (with its secret) once. */
export function WebhookForm({ onCreated }: { onCreated: (created: WebhookEndpointWithSecret) => void }) {
  const { client } = useAuth();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEventType[]>(["detection.completed", "detection.failed"]);

  const toggle = (event: WebhookEventType, on: boolean) =>
    setEvents((current) => (on ? [...current, event] : current.filter((item) => item !== event)));

  const { busy, error, fieldErrors, onSubmit } = useFormSubmission(async () => {
    const created = await createWebhook(client, { url: url.trim(), events });
    setUrl("");
    onCreated(created);
  });

  return (
    <form className="panel api-key-form" onSubmit={(event) => void onSubmit(event)} aria-labelledby="new-webhook-heading" noValidate>
      <h2 id="new-webhook-heading" className="section-title">
        Add an endpoint
      </h2>
      {error ? (
        <p className="banner banner--error" role="alert">
          {error}
        </p>
      ) : null}
      <FormField
        label="URL"
        name="url"
        type="url"
        required
        placeholder="https://example.com/webhooks/deepfake"
        value={url}
        hint="An https address your server answers with 2xx."
        errors={fieldErrors.url}
        onChange={(event) => setUrl(event.target.value)}
      />
      <fieldset className="field">
        <legend>Events</legend>
        {EVENT_LABELS.map(([value, label]) => (
          <label key={value} className="checkbox">
            <input type="checkbox" checked={events.includes(value)} onChange={(event) => toggle(value, event.target.checked)} />{" "}
            {label} <code>{value}</code>
          </label>
        ))}
        {fieldErrors.events ? <p className="field__errors">{fieldErrors.events.join(" ")}</p> : null}
      </fieldset>
      <button type="submit" className="button" disabled={busy || !url.trim() || !events.length}>
        {busy ? "Adding…" : "Add endpoint"}
      </button>
    </form>
  );
}
