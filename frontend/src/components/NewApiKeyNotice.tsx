import type { ApiKeyCreated } from "../types";
import { SecretOnceNotice } from "./SecretOnceNotice";

/** The new key's secret, shown this once, with a copy button. */
export function NewApiKeyNotice({ created, onDone }: { created: ApiKeyCreated; onDone: () => void }) {
  return (
    <SecretOnceNotice
      title={`Your new key “${created.name}”`}
      noun="new API key"
      secret={created.key}
      onDone={onDone}
      testId="new-key"
      valueTestId="new-key-value"
    >
      <strong>Copy it now: you will not see it again.</strong> Only a hash of it is kept; if you lose it, revoke it and
      create another.
    </SecretOnceNotice>
  );
}
