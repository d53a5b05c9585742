import { Link, useNavigate } from "react-router-dom";
import { formatBytes, formatDate, formatDuration } from "../lib/format";
import { labelText } from "../reviewWords";
import type { DetectionSummary } from "../types";
import { StatusBadge } from "./StatusBadge";
import { VerdictBadge } from "./VerdictBadge";

/** The history as a table (stacked cards on narrow screens); each row opens its detection. */
export function HistoryTable({ rows }: { rows: DetectionSummary[] }) {
  const navigate = useNavigate();
  return (
    <table className="history">
      <caption className="visually-hidden">Your detections, newest first</caption>
      <thead>
        <tr>
          <th scope="col">File</th>
          <th scope="col">Submitted</th>
          <th scope="col">Length</th>
          <th scope="col">Status</th>
          <th scope="col">Verdict</th>
          <th scope="col">Review</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const to = `/detections/${row.request_id}`;
          return (
            <tr
              key={row.request_id}
              className="history__row"
              data-testid="history-row"
              data-request-id={row.request_id}
              onClick={(event) => {
                // The link handles its own clicks (and modified clicks open new tabs).
                if ((event.target as HTMLElement).closest("a")) return;
                navigate(to);
              }}
            >
              <td data-label="File">
                <Link to={to} className="history__name">
                  {row.file?.original_filename ?? row.request_id}
                </Link>
                <span className="history__size">{formatBytes(row.file?.file_size_bytes)}</span>
              </td>
              <td data-label="Submitted">{formatDate(row.submitted_at)}</td>
              <td data-label="Length">{formatDuration(row.file?.duration_seconds)}</td>
              <td data-label="Status">
                <StatusBadge status={row.status} />
              </td>
              <td data-label="Verdict">
                {row.overall_assessment ? (
                  <>
                    <VerdictBadge assessment={row.overall_assessment} confidence={row.overall_confidence ?? 0} />
                    {row.inconclusive_message ? <span className="history__reason">{row.inconclusive_message}</span> : null}
                  </>
                ) : (
                  <span className="muted">–</span>
                )}
              </td>
              <td data-label="Review">
                {row.review ? (
                  <>
                    {labelText(row.review.label)}
                    {row.disagrees_with_model ? (
                      <>
                        {" "}
                        <span className="badge badge--warning">disagrees</span>
                      </>
                    ) : null}
                  </>
                ) : (
                  <span className="muted">–</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
