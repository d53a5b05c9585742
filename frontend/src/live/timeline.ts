/**
 * The rolling score timeline's geometry, free of React so it is unit-tested.
 * Windows overlap (4 s long, 1 s apart), so each is drawn as a step from the
 * previous window's end to its own: the bar at time t is the latest score known
 * at t. Only the last TIMELINE_SECONDS are shown; older bars scroll out.
 */
import { chunkPlacement, NO_SPEECH_COLOUR, scoreToColour } from "../chunks";
import type { WindowMessage } from "./streamMessages";

export const TIMELINE_SECONDS = 30;

export interface TimelineBar {
  key: string;
  window: WindowMessage;
  colour: string;
  leftPercent: number;
  widthPercent: number;
  /** The score as a share of the track's height (0..100). */
  heightPercent: number;
}

export interface Timeline {
  /** The visible span in stream seconds. */
  from: number;
  to: number;
  bars: TimelineBar[];
}

export function layoutTimeline(windows: readonly WindowMessage[], elapsed: number, span = TIMELINE_SECONDS): Timeline {
  const last = windows[windows.length - 1];
  const to = Math.max(span, elapsed, last?.end ?? 0);
  const from = to - span;
  const bars: TimelineBar[] = [];
  let previousEnd: number | null = null;
  for (const window of windows) {
    // Clamped to the window's own start: stretches the server skipped (scorers lagging) stay a visible gap.
    const stepStart: number = previousEnd === null ? window.start : Math.max(window.start, Math.min(previousEnd, window.end));
    previousEnd = window.end;
    if (window.end <= from) continue;
    const placement = chunkPlacement(Math.max(stepStart, from) - from, window.end - from, span);
    bars.push({
      key: String(window.start),
      window,
      colour: window.speech ? scoreToColour(window.score) : NO_SPEECH_COLOUR,
      ...placement,
      heightPercent: Math.round(Math.max(0, Math.min(1, window.score)) * 1000) / 10,
    });
  }
  return { from, to, bars };
}
