import { Link } from "react-router-dom";
import { formatTime } from "../chunks";
import { LiveControls } from "../components/LiveControls";
import { LiveResult } from "../components/LiveResult";
import { LiveTimeline } from "../components/LiveTimeline";
import { useLiveSession } from "../hooks/useLiveSession";
import { usePageTitle } from "../hooks/usePageTitle";
import { isActive, type LiveState } from "../live/liveState";
import { ASSESSMENT_LABELS } from "../verdict";

export function LivePage() {
  usePageTitle("Live");
  const { state, startMicrophone, startFile, stop } = useLiveSession();
  const showTimeline = state.requestId !== null;
  return (
    <div className="page live">
      <h1 className="page-title">Live detection</h1>
      <p className="lede">
        Score a voice while it speaks: from your microphone, or a recording streamed at real time. Every stream is stored
        in your history like an upload.
      </p>
      <section className="panel live__panel" aria-label="Live stream">
        <LiveControls
          running={isActive(state.phase)}
          stopping={state.phase === "stopping"}
          onMicrophone={startMicrophone}
          onFile={startFile}
          onStop={stop}
        />
        <p className="live-status" data-testid="live-status" data-phase={state.phase}>
          <span className={`connection connection--${connectionTone(state)}`}>
            <span className="connection__dot" aria-hidden="true" />
            <span>{phaseText(state)}</span>
          </span>
          {state.phase === "idle" || state.phase === "preparing" || state.phase === "connecting" ? null : (
            <span className="live-status__clock">
              <span className="visually-hidden">Elapsed time </span>
              {formatTime(state.elapsed)}
            </span>
          )}
        </p>
        {/* Phase changes and the verdict, not the ticking clock. */}
        <p className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
          {announcement(state)}
        </p>
        {state.error ? (
          <div className="banner banner--error" role="alert">
            <p>{state.error}</p>
            {state.requestId ? (
              <p>
                What reached the server may still be stored: <Link to={`/detections/${state.requestId}`}>open the detection</Link>.
              </p>
            ) : null}
          </div>
        ) : null}
        {showTimeline ? <LiveTimeline windows={state.windows} elapsed={state.elapsed} windowSeconds={state.window} /> : null}
        {state.final ? <LiveResult result={state.final} /> : null}
      </section>
    </div>
  );
}

function connectionTone(state: LiveState): "open" | "connecting" | "closed" {
  if (state.phase === "streaming") return "open";
  return isActive(state.phase) ? "connecting" : "closed";
}

function phaseText(state: LiveState): string {
  const microphone = state.source === "microphone";
  switch (state.phase) {
    case "idle":
      return "Not streaming.";
    case "preparing":
      return microphone ? "Waiting for the microphone…" : "Reading the file…";
    case "connecting":
      return "Connecting to the server…";
    case "streaming":
      return microphone ? "Listening" : "Streaming the file";
    case "stopping":
      return "Stopped; waiting for the verdict…";
    case "done":
      return "Stream ended.";
    case "failed":
      return "Stream failed.";
  }
}

function announcement(state: LiveState): string {
  const assessment = state.final?.overall_assessment;
  if (assessment) return `Stream ended. Verdict: ${ASSESSMENT_LABELS[assessment]}.`;
  return state.phase === "failed" ? "" : phaseText(state);
}
