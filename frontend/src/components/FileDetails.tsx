import { formatBytes, formatDate, formatDuration } from "../lib/format";
import type { Detection } from "../types";

/** The file's facts and the detection's timings. */
export function FileDetails({ detection }: { detection: Detection }) {
  const file = detection.file;
  const rows: [string, string][] = [
    ["Duration", formatDuration(file?.duration_seconds)],
    ["Size", formatBytes(file?.file_size_bytes)],
    ["Type", file?.content_type || "–"],
    ["Sample rate", file?.sample_rate ? `${file.sample_rate} Hz` : "–"],
    ["Channels", file?.channels ? String(file.channels) : "–"],
    ["Submitted", formatDate(detection.submitted_at)],
    ["Completed", formatDate(detection.completed_at)],
    ["Processing time", detection.processing_duration_ms != null ? `${(detection.processing_duration_ms / 1000).toFixed(1)} s` : "–"],
  ];
  return (
    <section aria-labelledby="file-heading">
      <h2 id="file-heading" className="section-title">
        File
      </h2>
      <dl className="facts">
        {rows.map(([term, value]) => (
          <div key={term} className="facts__row">
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        <div className="facts__row facts__row--wide">
          <dt>SHA-256</dt>
          <dd className="mono">{file?.sha256 || "–"}</dd>
        </div>
      </dl>
    </section>
  );
}
