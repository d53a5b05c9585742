import { useId, useState, type ReactNode } from "react";

interface SecretOnceNoticeProps {
  title: ReactNode;
  /** Why this matters, shown under the title. */
  children: ReactNode;
  /** What the secret is called in sentences and for screen readers ("key", "signing secret"). */
  noun: string;
  secret: string;
  onDone: () => void;
  testId: string;
  valueTestId?: string;
}

/** A secret the server shows this once (a new API key, a webhook's signing secret), with a copy button. */
export function SecretOnceNotice({ title, children, noun, secret, onDone, testId, valueTestId }: SecretOnceNoticeProps) {
  const titleId = useId();
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");

  const copySecret = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
    } catch {
      // No clipboard (insecure context, permission refused): the field is selectable.
      setCopy("failed");
    }
  };

  return (
    <section className="banner banner--warning new-key" aria-labelledby={titleId} data-testid={testId}>
      <div>
        <h2 id={titleId} className="new-key__title">
          {title}
        </h2>
        <p>{children}</p>
        <div className="new-key__row">
          <input
            className="new-key__value"
            aria-label={noun.charAt(0).toUpperCase() + noun.slice(1)}
            readOnly
            value={secret}
            onFocus={(event) => event.target.select()}
            data-testid={valueTestId}
          />
          <button type="button" className="button" onClick={() => void copySecret()}>
            Copy
          </button>
        </div>
        <p role="status" className="new-key__status">
          {copy === "copied" ? "Copied to the clipboard." : copy === "failed" ? `Copying failed; select the ${noun} and copy it.` : ""}
        </p>
        <button type="button" className="button button--ghost" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </section>
  );
}
