import { useState } from "react";
import type { ApiKeyCreated } from "../types";

/** The new key's secret, shown this once, with a copy button. */
export function NewApiKeyNotice({ created, onDone }: { created: ApiKeyCreated; onDone: () => void }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");

  const copyKey = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopy("copied");
    } catch {
      // No clipboard (insecure context, permission refused): the key is selectable.
      setCopy("failed");
    }
  };

  return (
    <section className="banner banner--warning new-key" aria-labelledby="new-key-title" data-testid="new-key">
      <div>
        <h2 id="new-key-title" className="new-key__title">
          Your new key “{created.name}”
        </h2>
        <p>
          <strong>Copy it now: you will not see it again.</strong> Only a hash of it is kept; if you lose it, revoke it
          and create another.
        </p>
        <div className="new-key__row">
          <input
            className="new-key__value"
            aria-label="New API key"
            readOnly
            value={created.key}
            onFocus={(event) => event.target.select()}
            data-testid="new-key-value"
          />
          <button type="button" className="button" onClick={() => void copyKey()}>
            Copy
          </button>
        </div>
        <p role="status" className="new-key__status">
          {copy === "copied" ? "Copied to the clipboard." : copy === "failed" ? "Copying failed; select the key and copy it." : ""}
        </p>
        <button type="button" className="button button--ghost" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </section>
  );
}
