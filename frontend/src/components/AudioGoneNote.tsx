import { formatDate } from "../lib/format";

/** Shown instead of the player once the recording's bytes are deleted; the result stays. */
export function AudioGoneNote({ deletedAt }: { deletedAt: string }) {
  return (
    <p className="panel audio-gone" role="note" data-testid="audio-gone">
      The recording itself was deleted on {formatDate(deletedAt)} (the upload asked not to keep it, or the retention
      period ended). The result and the file’s SHA-256 remain.
    </p>
  );
}
