import { useState, type FormEvent } from "react";
import { ApiError, errorMessage } from "../api/errors";

export interface FormSubmission {
  busy: boolean;
  /** A sentence for the whole form; null when the last try succeeded or failed on fields. */
  error: string | null;
  /** A 400's errors by field name, shown beside their inputs. */
  fieldErrors: Record<string, string[]>;
  onSubmit: (event: FormEvent) => Promise<void>;
}

/** A form's submit state: busy while `send` runs, then its failure put where a person will read it. */
export function useFormSubmission(send: () => Promise<void>): FormSubmission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await send();
    } catch (caught) {
      if (caught instanceof ApiError && Object.keys(caught.fieldErrors).length) setFieldErrors(caught.fieldErrors);
      else setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return { busy, error, fieldErrors, onSubmit };
}
