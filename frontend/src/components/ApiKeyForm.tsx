import { useState } from "react";
import { createApiKey } from "../api/endpoints";
import { useAuth } from "../auth/AuthContext";
import { useFormSubmission } from "../hooks/useFormSubmission";
import type { ApiKeyCreated, ApiKeyScope } from "../types";
import { FormField } from "./FormField";

const SCOPE_OPTIONS: [ApiKeyScope, string][] = [
  ["read", "Read: history and results"],
  ["read+upload", "Read and upload recordings"],
];

/** A date input's day (YYYY-MM-DD) as the end of that day, local time, in ISO form. */
export function endOfDay(day: string): string {
  return new Date(`${day}T23:59:59`).toISOString();
}

/** Name, scope and optional expiry of a new key; reports the created key (with its secret) once. */
export function ApiKeyForm({ onCreated }: { onCreated: (created: ApiKeyCreated) => void }) {
  const { client } = useAuth();
  const [name, setName] = useState("");
  const [scope, setScope] = useState<ApiKeyScope>("read");
  const [expiry, setExpiry] = useState("");
  const { busy, error, fieldErrors, onSubmit } = useFormSubmission(async () => {
    const created = await createApiKey(client, {
      name: name.trim(),
      scope,
      expiry_date: expiry ? endOfDay(expiry) : null,
    });
    setName("");
    setExpiry("");
    onCreated(created);
  });

  return (
    <form className="panel api-key-form" onSubmit={(event) => void onSubmit(event)} aria-labelledby="new-key-heading" noValidate>
      <h2 id="new-key-heading" className="section-title">
        Create a key
      </h2>
      {error ? (
        <p className="banner banner--error" role="alert">
          {error}
        </p>
      ) : null}
      <FormField
        label="Name"
        name="name"
        required
        maxLength={50}
        value={name}
        hint="Where the key is used, e.g. “ingest server”."
        errors={fieldErrors.name}
        onChange={(event) => setName(event.target.value)}
      />
      <div className="field">
        <label htmlFor="new-key-scope">Scope</label>
        <select id="new-key-scope" value={scope} onChange={(event) => setScope(event.target.value as ApiKeyScope)}>
          {SCOPE_OPTIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <FormField
        label="Expires (optional)"
        name="expiry"
        type="date"
        value={expiry}
        hint="The key stops working at the end of this day. Leave empty for no expiry."
        errors={fieldErrors.expiry_date}
        onChange={(event) => setExpiry(event.target.value)}
      />
      <button type="submit" className="button button--primary" disabled={busy || !name.trim()}>
        {busy ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}
