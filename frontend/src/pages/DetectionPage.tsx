import { Link, useParams } from "react-router-dom";
import { AudioGoneNote } from "../components/AudioGoneNote";
import { DeleteDetectionButton } from "../components/DeleteDetectionButton";
import { DownloadButtons } from "../components/DownloadButtons";
import { FileDetails } from "../components/FileDetails";
import { ModelInfo, ModelWarning } from "../components/ModelInfo";
import { ProgressBar } from "../components/ProgressBar";
import { RecordingPlayer } from "../components/RecordingPlayer";
import { ReviewerLabelBox } from "../components/ReviewerLabel";
import { ReportButtons } from "../components/ReportButtons";
import { StatusBadge } from "../components/StatusBadge";
import { VerdictPanel } from "../components/VerdictPanel";
import { useDetection } from "../hooks/useDetection";
import { usePageTitle } from "../hooks/usePageTitle";
import { useRecording } from "../hooks/useRecording";
import { progressText } from "../live/store";
import { isTerminal } from "../types";
import { policyOf } from "../verdict";

export function DetectionPage() {
  const { requestId = "" } = useParams();
  return <DetectionView key={requestId} requestId={requestId} />;
}

function DetectionView({ requestId }: { requestId: string }) {
  const entry = useDetection(requestId);
  const recording = useRecording(requestId);
  const detection = entry?.data ?? null;
  usePageTitle(detection?.file?.original_filename ?? "Detection");

  if (!detection) {
    return (
      <div className="page">
        {entry?.error ? (
          <div className="panel" role="alert">
            <h1 className="page-title">Detection not available</h1>
            <p>{entry.error}</p>
            <p>
              <Link to="/history">Back to your history</Link>
            </p>
          </div>
        ) : (
          <p className="muted" role="status">
            Loading the detection…
          </p>
        )}
      </div>
    );
  }

  const running = !isTerminal(detection.status);
  const progress = detection.progress ?? { done: 0, total: 0 };
  return (
    <div className="page detection">
      <header className="detection__header">
        <p className="breadcrumb">
          <Link to="/history">History</Link> <span aria-hidden="true">/</span>
        </p>
        <h1 className="page-title detection__title">{detection.file?.original_filename ?? "Recording"}</h1>
        <div className="detection__status">
          <StatusBadge status={detection.status} />
          {running ? (
            <ProgressBar
              value={progress.done}
              max={progress.total}
              label="Analysis progress"
              text={progressText(detection.status, progress)}
            />
          ) : null}
        </div>
      </header>
      {detection.model ? <ModelWarning model={detection.model} /> : null}
      <div className="detection__grid">
        <div className="detection__main">
          {detection.file?.audio_deleted_at ? (
            <AudioGoneNote deletedAt={detection.file.audio_deleted_at} />
          ) : (
            <RecordingPlayer
              recording={recording}
              chunks={detection.chunk_predictions ?? {}}
              fileDuration={detection.file?.duration_seconds ?? null}
              policy={policyOf(detection.verdict_policy)}
            />
          )}
        </div>
        <aside className="detection__side panel" aria-label="Verdict and details">
          <VerdictPanel detection={detection} />
          {detection.model ? <ModelInfo model={detection.model} /> : null}
          <FileDetails detection={detection} />
          <DownloadButtons detection={detection} />
          <ReportButtons detection={detection} />
          <ReviewerLabelBox detection={detection} />
          <DeleteDetectionButton requestId={requestId} fileName={detection.file?.original_filename ?? "this recording"} />
        </aside>
      </div>
    </div>
  );
}
