import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChunkMap, Detection } from "../types";
import { VerdictPanel } from "./VerdictPanel";

afterEach(cleanup);

function completed(chunks: ChunkMap, extra: Partial<Detection> = {}): Detection {
  return {
    status: "completed",
    chunk_predictions: chunks,
    verdict_policy: { likely_fake_threshold: 0.5, fake_threshold: 0.707023421784019, min_speech_seconds: 1 },
    overall_assessment: "inconclusive",
    inconclusive_message: "",
    coverage_notes: [],
    ...extra,
  } as unknown as Detection;
}

const SPLICED: ChunkMap = {
  chunk_0: { score: 0.04, start: 0, end: 4, speech: true, speech_ratio: 1, silent: false },
  chunk_1: { score: 0.973, start: 4, end: 8, speech: true, speech_ratio: 1, silent: false },
  chunk_2: { score: 0.1, start: 8, end: 10, speech: true, speech_ratio: 1, silent: false },
};

describe("<VerdictPanel>", () => {
  it("states the verdict as a calibrated probability and names the deciding stretch", () => {
    const onPlayFrom = vi.fn();
    render(<VerdictPanel detection={completed(SPLICED, { overall_assessment: "fake" })} calibrated onPlayFrom={onPlayFrom} />);
    expect(screen.getByTestId("verdict-sentence").textContent).toBe(
      "Fake — 97 % probability that the most suspicious stretch is synthetic.",
    );
    const stretch = screen.getByRole("button", { name: /^0:04\.0–0:08\.0\s*\(play from there\)$/ });
    fireEvent.click(stretch);
    expect(onPlayFrom).toHaveBeenCalledWith(4);
  });

  it("names the stretch as text when there is nothing to play", () => {
    render(<VerdictPanel detection={completed(SPLICED, { overall_assessment: "fake" })} calibrated />);
    expect(screen.getByTestId("deciding-stretch").textContent).toBe("0:04.0–0:08.0");
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("says why a silent recording is inconclusive", () => {
    render(
      <VerdictPanel
        detection={completed({ chunk_0: { score: 0.4, start: 0, end: 4, speech: false, speech_ratio: 0, silent: true } })}
        calibrated
      />,
    );
    expect(screen.getByTestId("verdict-badge").dataset.verdict).toBe("inconclusive");
    expect(screen.getByTestId("verdict-sentence").textContent).toBe(
      "Inconclusive — The recording is silent or nearly silent: there is no speech to judge.",
    );
    expect(screen.queryByTestId("deciding-stretch")).toBeNull();
  });

  it("names the speech minimum when there is too little speech", () => {
    render(
      <VerdictPanel
        detection={completed({ chunk_0: { score: 0.9, start: 0, end: 2, speech: true, speech_ratio: 0.3, silent: false } })}
        calibrated
      />,
    );
    expect(screen.getByTestId("verdict-sentence").textContent).toBe(
      "Inconclusive — The recording holds less than 1 s of speech, too little to judge.",
    );
  });

  it("uses the server's sentence for an inconclusive verdict it recorded", () => {
    const chunks = { chunk_0: { score: 0.4, start: 0, end: 4, speech: false, speech_ratio: 0, silent: false } };
    render(<VerdictPanel detection={completed(chunks, { inconclusive_message: "Music, not speech." })} calibrated />);
    expect(screen.getByTestId("verdict-sentence").textContent).toBe("Inconclusive — Music, not speech.");
  });

  it("lists how the recording falls outside what the model was trained on", () => {
    const notes = ["Recorded at 8000 Hz, telephone bandwidth.", "The recording is 3.0 s long."];
    render(<VerdictPanel detection={completed(SPLICED, { overall_assessment: "fake", coverage_notes: notes })} calibrated />);
    const items = screen.getByTestId("coverage-notes").querySelectorAll("li");
    expect(Array.from(items, (item) => item.textContent)).toEqual(notes);
  });

  it("shows only the failure for a failed detection", () => {
    const failed = completed({}, { status: "failed", error_message: "Not audio.", coverage_notes: ["x"] } as Partial<Detection>);
    render(<VerdictPanel detection={failed} calibrated />);
    expect(screen.getByRole("alert").textContent).toBe("The analysis failed: Not audio.");
    expect(screen.queryByTestId("verdict-badge")).toBeNull();
    expect(screen.queryByTestId("coverage-notes")).toBeNull();
  });
});
