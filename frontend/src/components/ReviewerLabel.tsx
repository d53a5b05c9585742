import { useEffect, useState, type FormEvent } from "react";
import { listLabels, setLabel } from "../api/endpoints";
import { errorMessage } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import { formatDate } from "../lib/format";
import { labelText, REVIEW_LABELS } from "../reviewWords";
import type { Detection, ReviewerLabel, ReviewLabel } from "../types";

type ReviewedDetection = Pick<Detection, "request_id" | "status" | "review" | "disagrees_with_model">;

/** "Your review": the owner's label beside the model's verdict (it never changes the verdict), with its history. */
export function ReviewerLabelBox({ detection }: { detection: ReviewedDetection }) {
  const { client } = useAuth();
  const [review, setReview] = useState(detection.review);
  const [disagrees, setDisagrees] = useState(detection.disagrees_with_model);
  const [history, setHistory] = useState<ReviewerLabel[] | null>(null);
  const [choice, setChoice] = useState<ReviewLabel | "">(detection.review?.label ?? "");
  const [comment, setComment] = useState("");
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const completed = detection.status === "completed";

  useEffect(() => {
    if (!completed) return;
    const controller = new AbortController();
    listLabels(client, detection.request_id, controller.signal)
      .then(setHistory)
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(caught));
      });
    return () => controller.abort();
  }, [client, detection.request_id, completed]);

  if (!completed) return null;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!choice) return;
    setSaving(true);
    setError(null);
    try {
      const result = await setLabel(client, detection.request_id, choice, comment.trim());
      setReview(result.review);
      setDisagrees(result.disagrees_with_model);
      const current = result.review;
      if (current) setHistory((rows) => [current, ...(rows ?? [])]);
      setComment("");
    } catch (caught: unknown) {
      setError(errorMessage(caught));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="review" aria-labelledby="review-title" data-testid="review">
      <h2 id="review-title" className="review__title">
        Your review
      </h2>
      {review ? (
        <p data-testid="review-current">
          Current label: <strong>{labelText(review.label)}</strong> by {review.reviewer}, {formatDate(review.created_at)}
          {review.comment ? ` — “${review.comment}”` : ""}
        </p>
      ) : (
        <p className="muted">Not labelled yet. Your label is kept beside the model's verdict and never changes it.</p>
      )}
      {disagrees ? (
        <p>
          <span className="badge badge--warning" data-testid="review-disagrees">
            Disagrees with the model
          </span>
        </p>
      ) : null}
      <form onSubmit={(event) => void save(event)}>
        <fieldset className="review__choices">
          <legend>Is this recording genuine or synthetic?</legend>
          {REVIEW_LABELS.map(({ value, text }) => (
            <label key={value} className="review__choice">
              <input
                type="radio"
                name="review-label"
                value={value}
                checked={choice === value}
                onChange={() => setChoice(value)}
                data-testid={`review-${value}`}
              />{" "}
              {text}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="review-comment">Comment (optional)</label>
          <textarea
            id="review-comment"
            value={comment}
            maxLength={2000}
            rows={2}
            onChange={(event) => setComment(event.target.value)}
            data-testid="review-comment"
          />
        </div>
        <button type="submit" className="button" disabled={!choice || saving} aria-busy={saving} data-testid="review-save">
          {saving ? "Saving…" : "Save label"}
        </button>
      </form>
      {error ? (
        <p className="banner banner--error" role="alert" data-testid="review-error">
          {error}
        </p>
      ) : null}
      {history && history.length ? (
        <details className="review__history">
          <summary>History ({history.length})</summary>
          <ol data-testid="review-history">
            {history.map((row) => (
              <li key={`${row.created_at}-${row.label}-${row.reviewer}`}>
                {labelText(row.label)} by {row.reviewer}, {formatDate(row.created_at)}
                {row.comment ? ` — “${row.comment}”` : ""}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}
