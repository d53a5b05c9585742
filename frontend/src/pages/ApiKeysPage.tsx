import { useState } from "react";
import { revokeApiKey } from "../api/endpoints";
import { errorMessage } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import { ApiKeyForm } from "../components/ApiKeyForm";
import { ApiKeyTable } from "../components/ApiKeyTable";
import { NewApiKeyNotice } from "../components/NewApiKeyNotice";
import { useApiKeys } from "../hooks/useApiKeys";
import { usePageTitle } from "../hooks/usePageTitle";
import type { ApiKeyCreated } from "../types";

/** Create, list and revoke the keys programs use instead of a password. */
export function ApiKeysPage() {
  usePageTitle("API keys");
  const { client } = useAuth();
  const [reloadKey, setReloadKey] = useState(0);
  const { keys, loading, error } = useApiKeys(reloadKey);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const reload = () => setReloadKey((n) => n + 1);

  const revoke = async (prefix: string) => {
    setActionError(null);
    try {
      await revokeApiKey(client, prefix);
      if (created?.prefix === prefix) setCreated(null);
    } catch (caught) {
      setActionError(errorMessage(caught));
    }
    reload();
  };

  return (
    <div className="page api-keys-page">
      <h1 className="page-title">API keys</h1>
      <p className="lede">
        A program sends a key as <code>Authorization: Api-Key &lt;key&gt;</code> and sees only your detections. A read
        key can only read; a read-and-upload key can also submit recordings.
      </p>
      {created ? <NewApiKeyNotice created={created} onDone={() => setCreated(null)} /> : null}
      <ApiKeyForm
        onCreated={(key) => {
          setCreated(key);
          reload();
        }}
      />
      <section className="panel history-panel api-keys-panel" aria-labelledby="keys-heading">
        <h2 id="keys-heading" className="section-title history-panel__count">
          Your keys
        </h2>
        {actionError ? (
          <p className="banner banner--error" role="alert">
            {actionError}
          </p>
        ) : null}
        {error ? (
          <p className="banner banner--error" role="alert">
            {error}
          </p>
        ) : null}
        {keys && keys.length ? <ApiKeyTable keys={keys} onRevoke={revoke} /> : null}
        {keys && !keys.length ? <p className="muted">You have no API keys yet.</p> : null}
        {loading && !keys ? <p className="muted">Loading…</p> : null}
      </section>
    </div>
  );
}
