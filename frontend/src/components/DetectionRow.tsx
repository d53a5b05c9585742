import { Link } from "react-router-dom";
import { useDetection } from "../hooks/useDetection";
import { progressText } from "../live/store";
import { isTerminal } from "../types";
import { decide, policyOf, reasonMessage } from "../verdict";
import { ProgressBar } from "./ProgressBar";
import { StatusBadge } from "./StatusBadge";
import { VerdictBadge } from "./VerdictBadge";

/** A detection of this session, kept live: name, status, progress, verdict. */
export function DetectionRow({ requestId }: { requestId: string }) {
  const entry = useDetection(requestId);
  const data = entry?.data;
  if (!data) {
    return (
      <li className="recent__item">
        <Link to={`/detections/${requestId}`} className="recent__name">
          {entry?.error ? `Detection ${requestId.slice(0, 8)}` : "Loading…"}
        </Link>
        {entry?.error ? <span className="recent__error">{entry.error}</span> : null}
      </li>
    );
  }
  const policy = policyOf(data.verdict_policy);
  const verdict = decide(data.chunk_predictions ?? {}, policy);
  const running = !isTerminal(data.status);
  const progress = data.progress ?? { done: 0, total: 0 };
  return (
    <li className="recent__item" data-testid="recent-detection">
      <Link to={`/detections/${requestId}`} className="recent__name">
        {data.file?.original_filename ?? requestId}
      </Link>
      <StatusBadge status={data.status} />
      {running ? (
        <ProgressBar
          value={progress.done}
          max={progress.total}
          label={`Analysis of ${data.file?.original_filename ?? "recording"}`}
          text={progressText(data.status, progress)}
        />
      ) : null}
      {data.status === "completed" || (running && progress.done > 0) ? (
        <VerdictBadge assessment={verdict.assessment} confidence={verdict.confidence} provisional={running} />
      ) : null}
      {data.status === "completed" && verdict.inconclusive_reason ? (
        <span className="recent__reason" data-testid="inconclusive-reason">
          {reasonMessage(verdict.inconclusive_reason, policy.min_speech_seconds ?? 0)}
        </span>
      ) : null}
      {data.status === "failed" ? <span className="recent__error">{data.error_message || "The analysis failed."}</span> : null}
    </li>
  );
}
