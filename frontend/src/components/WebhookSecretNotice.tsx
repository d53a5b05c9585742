import { SecretOnceNotice } from "./SecretOnceNotice";

/** A signing secret, shown this once (after creation or rotation), with a copy button. */
export function WebhookSecretNotice({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  return (
    <SecretOnceNotice title={title} noun="signing secret" secret={secret} onDone={onDone} testId="webhook-secret">
      <strong>Copy the signing secret now.</strong> Your receiver verifies every delivery with it (see the Standard
      Webhooks libraries).
    </SecretOnceNotice>
  );
}
