import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { layoutChunks, recordingDuration, type ChunkView } from "../chunks";
import type { Recording } from "../hooks/useRecording";
import type { ChunkMap, VerdictPolicy } from "../types";
import { ChunkStrip } from "./ChunkStrip";
import { ScoreLegend } from "./ScoreLegend";
import { Waveform, type RecordingView } from "./Waveform";

/** Play from `seconds`; a new `id` asks again for the same time. */
export interface SeekRequest {
  seconds: number;
  id: number;
}

interface RecordingPlayerProps {
  recording: Recording;
  chunks: ChunkMap;
  fileDuration: number | null;
  policy: VerdictPolicy;
  /** The model's scores are calibrated probabilities: the legend speaks in percent. */
  calibrated: boolean;
  /** Off for a failed detection: no scores to show. */
  showScores?: boolean;
  seekRequest?: SeekRequest | null;
}

const VIEWS: { view: RecordingView; label: string }[] = [
  { view: "waveform", label: "Waveform" },
  { view: "spectrogram", label: "Spectrogram" },
];

/** Waveform or spectrogram, chunk strip and audio controls sharing one timeline; a chunk click plays from there. */
export function RecordingPlayer({
  recording,
  chunks,
  fileDuration,
  policy,
  calibrated,
  showScores = true,
  seekRequest = null,
}: RecordingPlayerProps) {
  const audioRef = useRef<HTMLAudioElement>(null);
  const [currentTime, setCurrentTime] = useState(0);
  const [view, setView] = useState<RecordingView>("waveform");
  const duration = recordingDuration(chunks, fileDuration ?? recording.decodedDuration);
  const views = useMemo(() => layoutChunks(chunks, duration), [chunks, duration]);
  // Nothing is "playing" before playback first moves off the start.
  const playing = currentTime > 0 ? views.find((chunk) => currentTime >= chunk.start && currentTime < chunk.end) : undefined;

  // Smooth playhead while playing; timeupdate alone fires only a few times a second.
  useEffect(() => {
    const audio = audioRef.current;
    if (!audio) return;
    let frame = 0;
    const tick = () => {
      setCurrentTime(audio.currentTime);
      if (!audio.paused) frame = requestAnimationFrame(tick);
    };
    const onPlay = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(tick);
    };
    const onTime = () => setCurrentTime(audio.currentTime);
    audio.addEventListener("play", onPlay);
    audio.addEventListener("timeupdate", onTime);
    audio.addEventListener("seeked", onTime);
    return () => {
      cancelAnimationFrame(frame);
      audio.removeEventListener("play", onPlay);
      audio.removeEventListener("timeupdate", onTime);
      audio.removeEventListener("seeked", onTime);
    };
  }, [recording.url]);

  const seek = useCallback((seconds: number, play: boolean) => {
    const audio = audioRef.current;
    if (!audio) return;
    audio.currentTime = seconds;
    setCurrentTime(seconds);
    if (play) void audio.play().catch(() => undefined);
  }, []);

  const playFrom = useCallback((chunk: ChunkView) => seek(chunk.start, true), [seek]);

  useEffect(() => {
    if (seekRequest) seek(seekRequest.seconds, true);
  }, [seek, seekRequest]);

  return (
    <section className="panel player" aria-labelledby="recording-heading">
      <div className="player__head">
        <h2 id="recording-heading" className="section-title">
          Recording
        </h2>
        <div className="segmented" role="group" aria-label="Picture of the recording">
          {VIEWS.map(({ view: option, label }) => (
            <button
              key={option}
              type="button"
              className="segmented__option"
              aria-pressed={view === option}
              disabled={option === "spectrogram" && !recording.spectrogram}
              onClick={() => setView(option)}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
      <Waveform
        peaks={recording.peaks}
        spectrogram={recording.spectrogram}
        view={view}
        playedFraction={duration > 0 ? currentTime / duration : 0}
        onSeek={recording.url ? (fraction) => seek(fraction * duration, false) : undefined}
        message={recording.error ? `The recording could not be loaded: ${recording.error}` : recording.decodeError}
      />
      {showScores ? (
        <ChunkStrip chunks={views} playingKey={playing?.key ?? null} onSelect={playFrom} canPlay={Boolean(recording.url)} />
      ) : null}
      {recording.url ? (
        <audio ref={audioRef} className="player__audio" controls preload="metadata" src={recording.url}>
          Your browser cannot play this recording.
        </audio>
      ) : null}
      {showScores ? <ScoreLegend policy={policy} calibrated={calibrated} /> : null}
    </section>
  );
}
