import { formatTime } from "../chunks";
import type { WindowMessage } from "../live/streamMessages";
import { layoutTimeline, TIMELINE_SECONDS } from "../live/timeline";

interface LiveTimelineProps {
  windows: readonly WindowMessage[];
  /** Seconds of audio sent so far: the timeline's right edge keeps up with it. */
  elapsed: number;
  /** The length of a window in seconds (from the server). */
  windowSeconds: number;
}

/**
 * The scores of the last TIMELINE_SECONDS as they arrive, one bar per window:
 * height and colour give the score; provisional bars are hatched and outlined,
 * bars without speech grey and dotted (not counted in the verdict).
 */
export function LiveTimeline({ windows, elapsed, windowSeconds }: LiveTimelineProps) {
  const { from, to, bars } = layoutTimeline(windows, elapsed);
  const latest = windows[windows.length - 1];
  return (
    <section className="live-timeline" aria-labelledby="live-timeline-heading">
      <h2 id="live-timeline-heading" className="section-title">
        Score timeline
      </h2>
      <div className="live-timeline__track" role="img" aria-label={summary(windows.length, latest)} data-testid="live-timeline">
        {bars.map((bar) => (
          <span
            key={bar.key}
            className={`live-bar${bar.window.speech ? "" : " live-bar--no-speech"}${bar.window.provisional ? " live-bar--provisional" : ""}`}
            style={{ left: `${bar.leftPercent}%`, width: `${bar.widthPercent}%`, height: `${bar.heightPercent}%`, backgroundColor: bar.colour }}
            title={describe(bar.window)}
            data-testid="live-window"
            data-score={bar.window.score}
            data-speech={bar.window.speech}
            data-provisional={bar.window.provisional}
          />
        ))}
        {bars.length === 0 ? <span className="live-timeline__empty muted">The first score comes after about a second of speech.</span> : null}
      </div>
      <div className="live-timeline__axis" aria-hidden="true">
        <span>{formatTime(from)}</span>
        <span>{formatTime(to)}</span>
      </div>
      <p className="live-timeline__note muted">
        Each bar is the score of the {windowSeconds} s before its right edge: low is likely real, high likely fake. The last{" "}
        {TIMELINE_SECONDS} s are shown. Hatched bars are provisional; grey ones held no speech and do not count.
      </p>
    </section>
  );
}

function describe(window: WindowMessage): string {
  const range = `${formatTime(window.start)} to ${formatTime(window.end)}`;
  const what = window.speech ? `score ${window.score.toFixed(2)}` : "no speech, not counted";
  return `${range}: ${what}${window.provisional ? " (provisional)" : ""}`;
}

function summary(count: number, latest: WindowMessage | undefined): string {
  if (!latest) return "Score timeline: no scores yet.";
  return `Score timeline, ${count} ${count === 1 ? "window" : "windows"}. Latest ${describe(latest)}.`;
}
