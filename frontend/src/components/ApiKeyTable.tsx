import { useState } from "react";
import { formatDate } from "../lib/format";
import type { ApiKey } from "../types";

const SCOPE_LABELS: Record<ApiKey["scope"], string> = { read: "Read", "read+upload": "Read and upload" };

interface ApiKeyTableProps {
  keys: ApiKey[];
  /** Revoke the key with this prefix; the caller shows any error, so this never rejects. */
  onRevoke: (prefix: string) => Promise<void>;
}

/** The user's keys; revoking asks for confirmation in the row. */
export function ApiKeyTable({ keys, onRevoke }: ApiKeyTableProps) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const revoke = async (prefix: string) => {
    setBusy(true);
    try {
      await onRevoke(prefix);
      setConfirming(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <table className="history api-keys">
      <caption className="visually-hidden">Your API keys, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Prefix</th>
          <th scope="col">Scope</th>
          <th scope="col">Expires</th>
          <th scope="col">Last used</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => (
          <tr key={key.prefix} data-testid="api-key-row" data-prefix={key.prefix}>
            <td data-label="Name" className="history__name">
              {key.name}
            </td>
            <td data-label="Prefix">
              <code>{key.prefix}…</code>
            </td>
            <td data-label="Scope">{SCOPE_LABELS[key.scope]}</td>
            <td data-label="Expires">
              {key.expiry_date ? formatDate(key.expiry_date) : "Never"}
              {key.expired ? <span className="badge badge--warning">expired</span> : null}
            </td>
            <td data-label="Last used">{key.last_used_at ? formatDate(key.last_used_at) : "Never"}</td>
            <td data-label="Actions">
              {confirming === key.prefix ? (
                <span role="group" aria-label={`Confirm revoking ${key.name}`} className="api-keys__confirm">
                  <span>Programs using it stop working at once.</span>
                  <button type="button" className="button button--danger" disabled={busy} onClick={() => void revoke(key.prefix)}>
                    Revoke
                  </button>
                  <button type="button" className="button button--ghost" onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </span>
              ) : (
                <button type="button" className="button" onClick={() => setConfirming(key.prefix)}>
                  Revoke…
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
