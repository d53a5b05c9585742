import type { UploadItem } from "../hooks/useUploads";
import { formatBytes } from "../lib/format";
import { ProgressBar } from "./ProgressBar";

interface UploadListProps {
  items: UploadItem[];
  onCancel: (key: string) => void;
  onDismiss: (key: string) => void;
}

const STATE_TEXT = {
  queued: "Waiting",
  uploading: "Uploading",
  refused: "Refused",
  cancelled: "Cancelled",
} as const;

/** One row per upload still to send or refused: name, size, progress bar, and the server's answer in words. */
export function UploadList({ items, onCancel, onDismiss }: UploadListProps) {
  if (!items.length) return null;
  return (
    <ul className="uploads" aria-label="Uploads">
      {items.map((item) => {
        const finished = item.state === "refused" || item.state === "cancelled";
        return (
          <li key={item.key} className={`uploads__item uploads__item--${item.state}`} data-testid="upload-item">
            <div className="uploads__head">
              <span className="uploads__name" title={item.name}>
                {item.name}
              </span>
              <span className="uploads__size">{formatBytes(item.size)}</span>
            </div>
            <ProgressBar
              value={item.loaded}
              max={item.total}
              label={`Upload of ${item.name}`}
              text={STATE_TEXT[item.state]}
              tone={item.state === "refused" ? "error" : "normal"}
            />
            <div className="uploads__foot" role={item.state === "refused" ? "alert" : undefined}>
              {finished ? <p className="uploads__message">{item.message}</p> : null}
              {finished ? (
                <button type="button" className="link-button" onClick={() => onDismiss(item.key)}>
                  Dismiss<span className="visually-hidden"> {item.name}</span>
                </button>
              ) : (
                <button type="button" className="link-button" onClick={() => onCancel(item.key)}>
                  Cancel<span className="visually-hidden"> upload of {item.name}</span>
                </button>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
