import { useRef, useState, type KeyboardEvent } from "react";
import { describeChunk, formatTime, type ChunkView } from "../chunks";

interface ChunkStripProps {
  chunks: ChunkView[];
  /** The chunk under the playhead, highlighted. */
  playingKey?: string | null;
  /** Click or Enter on a chunk: play the recording from its start. */
  onSelect: (chunk: ChunkView) => void;
  canPlay: boolean;
}

/**
 * One cell per chunk, placed by its time range and coloured by its score.
 * Keyboard: a single tab stop; arrow keys, Home and End move between chunks,
 * Enter or Space plays from the chunk. Hover or focus shows a tooltip.
 */
export function ChunkStrip({ chunks, playingKey = null, onSelect, canPlay }: ChunkStripProps) {
  const [focusIndex, setFocusIndex] = useState(0);
  const [shownKey, setShownKey] = useState<string | null>(null);
  const cells = useRef<(HTMLButtonElement | null)[]>([]);
  const tabIndex = Math.min(focusIndex, Math.max(0, chunks.length - 1));
  const shown = chunks.find((chunk) => chunk.key === shownKey) ?? null;

  const moveTo = (index: number) => {
    const bounded = Math.max(0, Math.min(chunks.length - 1, index));
    setFocusIndex(bounded);
    cells.current[bounded]?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = {
      ArrowRight: tabIndex + 1,
      ArrowDown: tabIndex + 1,
      ArrowLeft: tabIndex - 1,
      ArrowUp: tabIndex - 1,
      Home: 0,
      End: chunks.length - 1,
      PageDown: tabIndex + 10,
      PageUp: tabIndex - 10,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    moveTo(target);
  };

  if (!chunks.length) return <p className="muted chunk-strip__empty">No chunks yet.</p>;

  return (
    <div className="chunk-strip">
      <div
        className="chunk-strip__track"
        role="toolbar"
        aria-label={`Chunk scores, ${chunks.length} chunks. Arrow keys move between chunks${canPlay ? ", Enter plays from the chunk" : ""}.`}
        aria-orientation="horizontal"
        onKeyDown={onKeyDown}
        onMouseLeave={() => setShownKey(null)}
      >
        {chunks.map((chunk, index) => (
          <button
            key={chunk.key}
            ref={(element) => {
              cells.current[index] = element;
            }}
            type="button"
            className={`chunk chunk--${chunk.kind}${chunk.key === playingKey ? " chunk--playing" : ""}`}
            style={{ left: `${chunk.leftPercent}%`, width: `${chunk.widthPercent}%`, backgroundColor: chunk.colour }}
            tabIndex={index === tabIndex ? 0 : -1}
            aria-label={describeChunk(chunk) + (canPlay ? ". Press Enter to play from here." : "")}
            aria-current={chunk.key === playingKey ? "time" : undefined}
            data-testid="chunk-cell"
            data-chunk={chunk.key}
            data-kind={chunk.kind}
            data-score={chunk.score ?? ""}
            onClick={() => {
              setFocusIndex(index);
              onSelect(chunk);
            }}
            onFocus={() => {
              setFocusIndex(index);
              setShownKey(chunk.key);
            }}
            onBlur={() => setShownKey((key) => (key === chunk.key ? null : key))}
            onMouseEnter={() => setShownKey(chunk.key)}
          />
        ))}
      </div>
      {shown ? <ChunkTooltip chunk={shown} /> : null}
      <div className="chunk-strip__axis" aria-hidden="true">
        <span>{formatTime(0)}</span>
        <span>{formatTime(chunks[chunks.length - 1]?.end ?? 0)}</span>
      </div>
    </div>
  );
}

function ChunkTooltip({ chunk }: { chunk: ChunkView }) {
  const centre = chunk.leftPercent + chunk.widthPercent / 2;
  // Keep the bubble inside the strip near its edges.
  const align = centre < 15 ? "start" : centre > 85 ? "end" : "middle";
  const status =
    chunk.kind === "pending"
      ? "Not scored yet"
      : chunk.kind === "no-speech"
        ? "No speech (not counted)"
        : `Score ${(chunk.score as number).toFixed(2)}`;
  return (
    <div className={`chunk-tooltip chunk-tooltip--${align}`} style={{ left: `${centre}%` }} aria-hidden="true" data-testid="chunk-tooltip">
      <strong>
        {formatTime(chunk.start)}–{formatTime(chunk.end)}
      </strong>
      <span>{status}</span>
    </div>
  );
}
