import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { layoutChunks, recordingDuration, type ChunkView } from "../chunks";
import type { Recording } from "../hooks/useRecording";
import type { ChunkMap, VerdictPolicy } from "../types";
import { ChunkStrip } from "./ChunkStrip";
import { ScoreLegend } from "./ScoreLegend";
import { Waveform } from "./Waveform";

interface RecordingPlayerProps {
  recording: Recording;
  chunks: ChunkMap;
  fileDuration: number | null;
  policy: VerdictPolicy;
}

/** Waveform, chunk strip and audio controls sharing one timeline; a chunk click plays from there. */
export function RecordingPlayer({ recording, chunks, fileDuration, policy }: RecordingPlayerProps) {
  const audioRef = useRef<HTMLAudioElement>(null);
  const [currentTime, setCurrentTime] = useState(0);
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

  return (
    <section className="panel player" aria-labelledby="recording-heading">
      <h2 id="recording-heading" className="section-title">
        Recording
      </h2>
      <Waveform
        peaks={recording.peaks}
        playedFraction={duration > 0 ? currentTime / duration : 0}
        onSeek={recording.url ? (fraction) => seek(fraction * duration, false) : undefined}
        message={recording.error ? `The recording could not be loaded: ${recording.error}` : recording.decodeError}
      />
      <ChunkStrip chunks={views} playingKey={playing?.key ?? null} onSelect={playFrom} canPlay={Boolean(recording.url)} />
      {recording.url ? (
        <audio ref={audioRef} className="player__audio" controls preload="metadata" src={recording.url}>
          Your browser cannot play this recording.
        </audio>
      ) : null}
      <ScoreLegend policy={policy} />
    </section>
  );
}
