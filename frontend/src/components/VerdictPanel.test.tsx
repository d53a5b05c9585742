import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { ChunkMap, Detection } from "../types";
import { VerdictPanel } from "./VerdictPanel";

afterEach(cleanup);

function completed(chunks: ChunkMap): Detection {
  return {
    status: "completed",
    chunk_predictions: chunks,
    verdict_policy: { likely_fake_threshold: 0.5, fake_threshold: 0.8, min_speech_seconds: 1 },
    overall_assessment: "inconclusive",
  } as unknown as Detection;
}

describe("<VerdictPanel>", () => {
  it("says why a silent recording is inconclusive", () => {
    render(<VerdictPanel detection={completed({ chunk_0: { score: 0.4, start: 0, end: 4, speech: false, speech_ratio: 0, silent: true } })} />);
    expect(screen.getByTestId("verdict-badge").dataset.verdict).toBe("inconclusive");
    expect(screen.getByTestId("verdict-why").textContent).toBe(
      "The recording is silent or nearly silent: there is no speech to judge.",
    );
  });

  it("names the speech minimum when there is too little speech", () => {
    render(<VerdictPanel detection={completed({ chunk_0: { score: 0.9, start: 0, end: 2, speech: true, speech_ratio: 0.3, silent: false } })} />);
    expect(screen.getByTestId("verdict-why").textContent).toBe(
      "The recording holds less than 1 s of speech, too little to judge.",
    );
  });
});
