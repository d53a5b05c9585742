import { useState } from "react";

/** A signing secret, shown this once (after creation or rotation), with a copy button. */
export function WebhookSecretNotice({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");

  const copySecret = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
    } catch {
      // No clipboard (insecure context, permission refused): the secret is selectable.
      setCopy("failed");
    }
  };

  return (
    <section className="banner banner--warning new-key" aria-labelledby="webhook-secret-title" data-testid="webhook-secret">
      <div>
        <h2 id="webhook-secret-title" className="new-key__title">
          {title}
        </h2>
        <p>
          <strong>Copy the signing secret now.</strong> Your receiver verifies every delivery with it (see the
          Standard Webhooks libraries).
        </p>
        <div className="new-key__row">
          <input
            className="new-key__value"
            aria-label="Signing secret"
            readOnly
            value={secret}
            onFocus={(event) => event.target.select()}
          />
          <button type="button" className="button" onClick={() => void copySecret()}>
            Copy
          </button>
        </div>
        <p role="status" className="new-key__status">
          {copy === "copied" ? "Copied to the clipboard." : copy === "failed" ? "Copying failed; select the secret and copy it." : ""}
        </p>
        <button type="button" className="button button--ghost" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </section>
  );
}
