import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { layoutChunks, NO_SPEECH_COLOUR, PENDING_COLOUR, scoreToColour } from "../chunks";
import { ChunkStrip } from "./ChunkStrip";

const chunks = layoutChunks(
  {
    chunk_0: { score: 0.03, start: 0, end: 4, speech: true },
    chunk_1: { score: 0.91, start: 4, end: 8, speech: true },
    chunk_2: { score: 0.5, start: 8, end: 9.6, speech: false },
    chunk_3: { score: null, start: 9.6, end: 12, speech: true },
  },
  12,
);

afterEach(cleanup);

function hex(rgb: string): string {
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
  return `#${[r, g, b].map((c) => (c ?? 0).toString(16).padStart(2, "0")).join("")}`;
}

describe("<ChunkStrip>", () => {
  it("draws one labelled cell per chunk, placed and coloured by the mapping", () => {
    render(<ChunkStrip chunks={chunks} onSelect={() => undefined} canPlay />);
    const cells = screen.getAllByTestId("chunk-cell");
    expect(cells).toHaveLength(4);
    expect(cells[1]?.style.left).toBe("33.333%");
    expect(cells[1]?.style.width).toBe("33.333%");
    expect(hex(cells[1]!.style.backgroundColor)).toBe(scoreToColour(0.91));
    expect(hex(cells[2]!.style.backgroundColor)).toBe(NO_SPEECH_COLOUR);
    expect(hex(cells[3]!.style.backgroundColor)).toBe(PENDING_COLOUR);
    expect(cells[1]?.getAttribute("aria-label")).toBe("Chunk 2, 0:04.0 to 0:08.0: score 0.91. Press Enter to play from here.");
  });

  it("has one tab stop; arrow keys, Home and End move focus", () => {
    render(<ChunkStrip chunks={chunks} onSelect={() => undefined} canPlay />);
    const cells = screen.getAllByTestId("chunk-cell");
    expect(cells.map((cell) => cell.tabIndex)).toEqual([0, -1, -1, -1]);
    cells[0]!.focus();
    fireEvent.keyDown(cells[0]!, { key: "ArrowRight" });
    expect(document.activeElement).toBe(cells[1]);
    fireEvent.keyDown(cells[1]!, { key: "End" });
    expect(document.activeElement).toBe(cells[3]);
    fireEvent.keyDown(cells[3]!, { key: "ArrowRight" });
    expect(document.activeElement).toBe(cells[3]);
    fireEvent.keyDown(cells[3]!, { key: "Home" });
    expect(document.activeElement).toBe(cells[0]);
  });

  it("shows the time range and score on focus or hover", () => {
    render(<ChunkStrip chunks={chunks} onSelect={() => undefined} canPlay />);
    const cells = screen.getAllByTestId("chunk-cell");
    fireEvent.focus(cells[1]!);
    expect(screen.getByTestId("chunk-tooltip").textContent).toBe("0:04.0–0:08.0Score 0.91");
    fireEvent.mouseEnter(cells[2]!);
    expect(screen.getByTestId("chunk-tooltip").textContent).toBe("0:08.0–0:09.6No speech (not counted)");
  });

  it("plays from the chunk that was clicked", () => {
    const onSelect = vi.fn();
    render(<ChunkStrip chunks={chunks} onSelect={onSelect} canPlay />);
    fireEvent.click(screen.getAllByTestId("chunk-cell")[1]!);
    expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ key: "chunk_1", start: 4 }));
  });
});
