import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelCard, ModelInfo as ModelInfoData } from "../types";
import { ModelInfo } from "./ModelInfo";

afterEach(cleanup);

const MODEL: ModelInfoData = { name: "wavlm-small-deepfake", version: "2.0.0", trained: true, warning: "" };

const CARD = {
  name: "wavlm-small-deepfake",
  version: "2.0.0",
  trained: true,
  calibrated: true,
  description: "A small WavLM model. Its chunk score is a calibrated probability.",
  trained_on: [],
  limits: ["Languages: nearly all material is English read speech."],
  coverage: {
    languages: ["English"],
    other_languages: ["Japanese"],
    synthesis: ["neural text-to-speech (Tacotron 2, VITS)", "voice conversion"],
    systems: ["VITS", "FREEVC"],
    sample_rates_hz: [8000, 16000],
    telephone_band: "simulated",
    codecs: ["mp3", "pcm"],
    channels: 1,
    conditions: ["levels from -38 to -14 dBFS"],
  },
  evaluation: [
    { held_out: "systems", eer: 0.458, auc: 0.54 },
    { held_out: "speakers", eer: 0.15, auc: 0.92 },
  ],
  thresholds: { likely_fake_threshold: 0.5, fake_threshold: 0.707 },
} as ModelCard;

describe("<ModelInfo>", () => {
  it("names the model with a human description from its card", () => {
    render(<ModelInfo model={MODEL} card={{ card: CARD, error: null }} />);
    expect(screen.getByTestId("model-name").textContent).toBe("wavlm-small-deepfake · version 2.0.0");
    expect(screen.getByTestId("model-summary").textContent).toBe(
      "Detects synthetic English speech. Trained on neural text-to-speech and voice conversion (2 systems).",
    );
  });

  it("calls an untrained model what it is", () => {
    render(<ModelInfo model={{ ...MODEL, trained: false }} card={{ card: null, error: null }} />);
    expect(screen.getByTestId("model-summary").textContent).toContain("untrained demonstration model");
  });

  it("opens what the model knows in a modal dialog that Escape closes, returning focus", () => {
    render(<ModelInfo model={MODEL} card={{ card: CARD, error: null }} />);
    const trigger = screen.getByRole("button", { name: "What this model knows" });
    fireEvent.click(trigger);
    const dialog = screen.getByRole("dialog", { name: "What this model knows" });
    expect(within(dialog).getByText("English")).toBeTruthy();
    expect(within(dialog).getByText("A few files only, so not covered: Japanese")).toBeTruthy();
    expect(within(dialog).getByText("Telephone-band speech: only through simulated telephone lines, never real phone calls.")).toBeTruthy();
    expect(within(dialog).getByRole("row", { name: "Synthesis systems it never heard 46 %" })).toBeTruthy();
    expect(within(dialog).getByText("Languages: nearly all material is English read speech.")).toBeTruthy();
    expect(within(dialog).getByText(/Likely fake from 50 %, fake from 71 %/)).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Close" }));
    // The page behind is inert, so Tab stays in the dialog.
    expect(trigger.closest("[inert]")).not.toBeNull();
    expect(dialog.closest("[inert]")).toBeNull();

    fireEvent.keyDown(document, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.querySelector("[inert]")).toBeNull();
    expect(document.activeElement).toBe(trigger);
  });

  it("says when the result came from another model than the card's", () => {
    render(<ModelInfo model={{ ...MODEL, version: "1.0.0" }} card={{ card: CARD, error: null }} />);
    expect(screen.queryByTestId("model-summary")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "What this model knows" }));
    expect(screen.getByRole("dialog").textContent).toContain("This result was scored by another model");
  });
});
