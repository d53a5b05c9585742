import { useWebhookDeliveries } from "../hooks/useWebhooks";
import { formatDate } from "../lib/format";
import type { WebhookAttempt } from "../types";

function outcome(attempt: WebhookAttempt): string {
  if (attempt.status_code === null) return attempt.error || "No answer";
  return attempt.error ? `${attempt.status_code} — ${attempt.error}` : String(attempt.status_code);
}

/** The endpoint's recent deliveries, each with every attempt: time, status code, latency, error. */
export function WebhookDeliveries({ endpointId, reloadKey }: { endpointId: string; reloadKey: number }) {
  const { data: deliveries, loading, error } = useWebhookDeliveries(endpointId, reloadKey);
  if (error) {
    return (
      <p className="banner banner--error" role="alert">
        {error}
      </p>
    );
  }
  if (!deliveries) return <p className="muted">{loading ? "Loading…" : ""}</p>;
  if (!deliveries.length) return <p className="muted">No deliveries yet.</p>;
  return (
    <ul className="webhook-deliveries" aria-label="Recent deliveries">
      {deliveries.map((delivery) => (
        <li key={delivery.id} data-testid="webhook-delivery">
          <p>
            <code>{delivery.event_type}</code> <span className={`webhook-status webhook-status--${delivery.status}`}>{delivery.status}</span>{" "}
            <span className="muted">
              {formatDate(delivery.created_at)}
              {delivery.next_attempt_at ? ` · next attempt ${formatDate(delivery.next_attempt_at)}` : ""}
            </span>
          </p>
          {delivery.attempts.length ? (
            <table className="webhook-attempts">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Result</th>
                  <th scope="col">Latency</th>
                </tr>
              </thead>
              <tbody>
                {delivery.attempts.map((attempt) => (
                  <tr key={attempt.attempted_at} data-testid="webhook-attempt">
                    <td>{formatDate(attempt.attempted_at)}</td>
                    <td>{outcome(attempt)}</td>
                    <td>{attempt.latency_ms} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">Not attempted yet.</p>
          )}
        </li>
      ))}
    </ul>
  );
}
