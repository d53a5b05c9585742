import { useEffect, useRef, type MouseEvent } from "react";
import { drawWaveform } from "../lib/waveform";

interface WaveformProps {
  peaks: Float32Array | null;
  /** 0..1 of the recording already played. */
  playedFraction: number;
  onSeek?: (fraction: number) => void;
  message?: string | null;
}

function cssColour(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

/** The recording's peaks on a canvas, redrawn on resize and as playback moves. */
export function Waveform({ peaks, playedFraction, onSeek, message = null }: WaveformProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !peaks) return;
    const draw = () =>
      drawWaveform(canvas, peaks, playedFraction, {
        wave: cssColour(canvas, "--wave", "#9aa5b8"),
        played: cssColour(canvas, "--wave-played", "#3b4a6b"),
        playhead: cssColour(canvas, "--accent", "#d9480f"),
      });
    draw();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(draw);
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [peaks, playedFraction]);

  const onClick = (event: MouseEvent<HTMLCanvasElement>) => {
    if (!onSeek) return;
    const box = event.currentTarget.getBoundingClientRect();
    if (box.width > 0) onSeek(Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)));
  };

  return (
    <div className="waveform">
      {peaks ? (
        <canvas ref={canvasRef} className="waveform__canvas" role="img" aria-label="Waveform of the recording" onClick={onClick} />
      ) : (
        <div className="waveform__placeholder">{message ?? "Loading the waveform…"}</div>
      )}
    </div>
  );
}
