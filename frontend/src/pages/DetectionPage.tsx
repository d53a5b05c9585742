import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { AudioGoneNote } from "../components/AudioGoneNote";
import { DeleteDetectionButton } from "../components/DeleteDetectionButton";
import { DownloadButtons } from "../components/DownloadButtons";
import { FileDetails } from "../components/FileDetails";
import { ModelInfo, ModelWarning } from "../components/ModelInfo";
import { ProgressBar } from "../components/ProgressBar";
import { RecordingPlayer, type SeekRequest } from "../components/RecordingPlayer";
import { ReviewerLabelBox } from "../components/ReviewerLabel";
import { ReportButtons } from "../components/ReportButtons";
import { StatusBadge } from "../components/StatusBadge";
import { VerdictPanel } from "../components/VerdictPanel";
import { useDetection } from "../hooks/useDetection";
import { useModelCard } from "../hooks/useModelCard";
import { usePageTitle } from "../hooks/usePageTitle";
import { useRecording } from "../hooks/useRecording";
import { progressText } from "../live/store";
import { cardMatches } from "../modelWords";
import { isTerminal } from "../types";
import { policyOf } from "../verdict";

export function DetectionPage() {
  const { requestId = "" } = useParams();
  return <DetectionView key={requestId} requestId={requestId} />;
}

function DetectionView({ requestId }: { requestId: string }) {
  const entry = useDetection(requestId);
  const recording = useRecording(requestId);
  const modelCard = useModelCard();
  const [seekRequest, setSeekRequest] = useState<SeekRequest | null>(null);
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
  const failed = detection.status === "failed";
  const progress = detection.progress ?? { done: 0, total: 0 };
  const calibrated = cardMatches(modelCard.card, detection.model) && modelCard.card.calibrated;
  const playable = Boolean(recording.url) && !detection.file?.audio_deleted_at;
  const playFrom = (seconds: number) => setSeekRequest((last) => ({ seconds, id: (last?.id ?? 0) + 1 }));
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
        {/* First in the page order: on a phone the verdict is read before scrolling. */}
        <div className="detection__verdict panel">
          <VerdictPanel detection={detection} calibrated={calibrated} onPlayFrom={playable ? playFrom : undefined} />
        </div>
        <div className="detection__main">
          {detection.file?.audio_deleted_at ? (
            <AudioGoneNote deletedAt={detection.file.audio_deleted_at} />
          ) : (
            <RecordingPlayer
              recording={recording}
              chunks={detection.chunk_predictions ?? {}}
              fileDuration={detection.file?.duration_seconds ?? null}
              policy={policyOf(detection.verdict_policy)}
              calibrated={calibrated}
              showScores={!failed}
              seekRequest={seekRequest}
            />
          )}
        </div>
        <aside className="detection__side panel" aria-label="Model and details">
          {detection.model?.name ? <ModelInfo model={detection.model} card={modelCard} /> : null}
          <FileDetails detection={detection} />
          {failed ? null : <DownloadButtons detection={detection} />}
          <ReportButtons detection={detection} />
          <ReviewerLabelBox detection={detection} />
          <DeleteDetectionButton requestId={requestId} fileName={detection.file?.original_filename ?? "this recording"} />
        </aside>
      </div>
    </div>
  );
}
