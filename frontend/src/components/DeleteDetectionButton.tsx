import { useId, useState } from "react";
import { useNavigate } from "react-router-dom";
import { deleteDetection } from "../api/endpoints";
import { ApiError, errorMessage } from "../api/errors";
import { useAuth } from "../auth/AuthContext";

interface DeleteDetectionButtonProps {
  requestId: string;
  fileName: string;
}

/** Deletes the detection and its recording after an explicit confirmation, then shows the history. */
export function DeleteDetectionButton({ requestId, fileName }: DeleteDetectionButtonProps) {
  const { client } = useAuth();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await deleteDetection(client, requestId);
    } catch (caught) {
      // Already gone (deleted in another tab) is what was asked for.
      if (!(caught instanceof ApiError && caught.status === 404)) {
        setError(errorMessage(caught));
        setBusy(false);
        return;
      }
    }
    navigate("/history", { replace: true });
  }

  if (!confirming) {
    return (
      <button type="button" className="button" onClick={() => setConfirming(true)}>
        Delete…
      </button>
    );
  }
  return (
    <div role="alertdialog" aria-labelledby={titleId} className="delete-confirm">
      <p id={titleId}>
        Delete “{fileName}”? The recording, its result and its chunks are removed for good; processing stops if it
        is still running.
      </p>
      <div className="delete-confirm__actions">
        <button type="button" className="button button--danger" disabled={busy} onClick={() => void remove()}>
          {busy ? "Deleting…" : "Delete"}
        </button>
        <button type="button" className="button button--ghost" disabled={busy} onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
      {error ? <p role="alert">{error}</p> : null}
    </div>
  );
}
