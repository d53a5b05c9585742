import { useEffect, useRef, type MouseEvent } from "react";
import { drawSpectrogram, type Spectrogram } from "../lib/spectrogram";
import { drawWaveform } from "../lib/waveform";

export type RecordingView = "waveform" | "spectrogram";

interface WaveformProps {
  peaks: Float32Array | null;
  spectrogram?: Spectrogram | null;
  view?: RecordingView;
  /** 0..1 of the recording already played. */
  playedFraction: number;
  onSeek?: (fraction: number) => void;
  message?: string | null;
}

function cssColour(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

/** The recording's picture (waveform in dBFS, or spectrogram) on a canvas, redrawn on resize and as playback moves. */
export function Waveform({ peaks, spectrogram = null, view = "waveform", playedFraction, onSeek, message = null }: WaveformProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !peaks) return;
    const playhead = cssColour(canvas, "--accent", "#d9480f");
    const draw = () =>
      view === "spectrogram" && spectrogram
        ? drawSpectrogram(canvas, spectrogram, playedFraction, playhead)
        : drawWaveform(canvas, peaks, playedFraction, {
            wave: cssColour(canvas, "--wave", "#9aa5b8"),
            played: cssColour(canvas, "--wave-played", "#3b4a6b"),
            playhead,
          });
    draw();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(draw);
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [peaks, spectrogram, view, playedFraction]);

  const onClick = (event: MouseEvent<HTMLCanvasElement>) => {
    if (!onSeek) return;
    const box = event.currentTarget.getBoundingClientRect();
    if (box.width > 0) onSeek(Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)));
  };

  return (
    <div className="waveform">
      {peaks ? (
        <canvas
          ref={canvasRef}
          className="waveform__canvas"
          role="img"
          aria-label={view === "spectrogram" ? "Spectrogram of the recording" : "Waveform of the recording"}
          data-view={view}
          onClick={onClick}
        />
      ) : (
        <div className="waveform__placeholder">{message ?? "Loading the waveform…"}</div>
      )}
    </div>
  );
}
