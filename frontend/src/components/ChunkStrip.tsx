import { useEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from "react";
import { describeChunk, formatTime, type ChunkView } from "../chunks";

interface ChunkStripProps {
  chunks: ChunkView[];
  /** The chunk under the playhead, highlighted. */
  playingKey?: string | null;
  /** Click or Enter on a chunk: play the recording from its start. */
  onSelect: (chunk: ChunkView) => void;
  canPlay: boolean;
}

/** Where a tooltip sits: the cell's centre in px from the strip's left edge, and which way it leans. */
interface Shown {
  key: string;
  centre: number;
  align: "start" | "middle" | "end";
}

/**
 * One cell per chunk, placed by its time range and coloured by its score.
 * Cells are at least 24 px wide (a touch target): a long recording's strip
 * scrolls sideways inside its own box and follows the playhead.
 * Keyboard: a single tab stop; arrow keys, Home and End move between chunks,
 * Enter or Space plays from the chunk. Hover or focus shows a tooltip.
 */
export function ChunkStrip({ chunks, playingKey = null, onSelect, canPlay }: ChunkStripProps) {
  const [focusIndex, setFocusIndex] = useState(0);
  const [shown, setShown] = useState<Shown | null>(null);
  const strip = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const cells = useRef<(HTMLButtonElement | null)[]>([]);
  const tabIndex = Math.min(focusIndex, Math.max(0, chunks.length - 1));
  const shownChunk = chunks.find((chunk) => chunk.key === shown?.key) ?? null;

  const show = (chunk: ChunkView, cell: HTMLElement) => {
    const box = strip.current?.getBoundingClientRect();
    const rect = cell.getBoundingClientRect();
    const width = box?.width ?? 0;
    const centre = Math.min(width, Math.max(0, rect.left + rect.width / 2 - (box?.left ?? 0)));
    // Keep the bubble inside the strip near its edges.
    const align = centre < width * 0.15 ? "start" : centre > width * 0.85 ? "end" : "middle";
    setShown({ key: chunk.key, centre, align });
  };

  // Keep the chunk under the playhead in view; sideways only, never moving the page.
  const playingIndex = chunks.findIndex((chunk) => chunk.key === playingKey);
  useEffect(() => {
    const box = scroller.current;
    const cell = cells.current[playingIndex];
    if (!box || !cell) return;
    const outside = cell.offsetLeft < box.scrollLeft || cell.offsetLeft + cell.offsetWidth > box.scrollLeft + box.clientWidth;
    if (outside) box.scrollLeft = Math.max(0, cell.offsetLeft - box.clientWidth / 3);
  }, [playingIndex]);

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
    <div className="chunk-strip" ref={strip}>
      <div className="chunk-strip__scroll" ref={scroller} onScroll={() => setShown(null)} data-testid="chunk-strip-scroll">
        <div
          className="chunk-strip__track"
          style={{ "--chunk-count": chunks.length } as CSSProperties}
          role="toolbar"
          aria-label={`Chunk scores, ${chunks.length} chunks. Arrow keys move between chunks${canPlay ? ", Enter plays from the chunk" : ""}.`}
          aria-orientation="horizontal"
          onKeyDown={onKeyDown}
          onMouseLeave={() => setShown(null)}
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
              onFocus={(event) => {
                setFocusIndex(index);
                show(chunk, event.currentTarget);
              }}
              onBlur={() => setShown((current) => (current?.key === chunk.key ? null : current))}
              onMouseEnter={(event) => show(chunk, event.currentTarget)}
            />
          ))}
        </div>
        <div className="chunk-strip__axis" aria-hidden="true">
          <span>{formatTime(0)}</span>
          <span>{formatTime(chunks[chunks.length - 1]?.end ?? 0)}</span>
        </div>
      </div>
      {shownChunk && shown ? <ChunkTooltip chunk={shownChunk} centre={shown.centre} align={shown.align} /> : null}
    </div>
  );
}

function ChunkTooltip({ chunk, centre, align }: { chunk: ChunkView; centre: number; align: Shown["align"] }) {
  const status =
    chunk.kind === "pending"
      ? "Not scored yet"
      : chunk.kind === "no-speech"
        ? "No speech (not counted)"
        : `Score ${(chunk.score as number).toFixed(2)}`;
  return (
    <div className={`chunk-tooltip chunk-tooltip--${align}`} style={{ left: `${centre}px` }} aria-hidden="true" data-testid="chunk-tooltip">
      <strong>
        {formatTime(chunk.start)}–{formatTime(chunk.end)}
      </strong>
      <span>{status}</span>
    </div>
  );
}
