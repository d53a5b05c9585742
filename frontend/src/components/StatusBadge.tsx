import { STATUS_LABELS } from "../live/store";
import type { DetectionStatus } from "../types";

export function StatusBadge({ status }: { status: DetectionStatus }) {
  return (
    <span className={`badge badge--status-${status}`} data-testid="status-badge">
      {STATUS_LABELS[status]}
    </span>
  );
}
