import { useState } from "react";
import { errorMessage } from "../api/errors";
import { fetchReport, reportFileName, type ReportFormat } from "../api/report";
import { useAuth } from "../auth/AuthContext";
import { downloadBlob } from "../export";
import { isTerminal, type Detection } from "../types";

const FORMATS: { format: ReportFormat; label: string }[] = [
  { format: "pdf", label: "Report (PDF)" },
  { format: "json", label: "Report (JSON)" },
];

/** The server's evidence report (file facts, model, verdict rule, chunks, custody), once the detection is final. */
export function ReportButtons({ detection }: { detection: Pick<Detection, "request_id" | "status"> }) {
  const { client } = useAuth();
  const [busy, setBusy] = useState<ReportFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!isTerminal(detection.status)) return null;

  const download = async (format: ReportFormat): Promise<void> => {
    setBusy(format);
    setError(null);
    try {
      const blob = await fetchReport(client, detection.request_id, format);
      downloadBlob(blob, reportFileName(detection.request_id, format));
    } catch (caught: unknown) {
      setError(errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="downloads" role="group" aria-label="Evidence report">
      {FORMATS.map(({ format, label }) => (
        <button
          key={format}
          type="button"
          className="button"
          data-testid={`report-${format}`}
          disabled={busy !== null}
          aria-busy={busy === format}
          onClick={() => void download(format)}
        >
          {busy === format ? "Preparing…" : label}
        </button>
      ))}
      {error ? (
        <p className="banner banner--error" role="alert" data-testid="report-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
