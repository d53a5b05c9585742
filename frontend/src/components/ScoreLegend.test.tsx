import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ScoreLegend } from "./ScoreLegend";

afterEach(cleanup);

const POLICY = { likely_fake_threshold: 0.5, fake_threshold: 0.8967873454093933 };

describe("<ScoreLegend>", () => {
  it("shows calibrated thresholds as rounded probabilities, never raw floats", () => {
    render(<ScoreLegend policy={POLICY} calibrated />);
    const text = screen.getByTestId("legend-thresholds").textContent ?? "";
    expect(text).toContain("Likely fake from 50 %, fake from 90 %");
    expect(text).not.toContain("0.896");
    expect(screen.getByTitle("Fake from 90 %")).toBeTruthy();
  });

  it("keeps an uncalibrated model's thresholds as two-decimal scores", () => {
    render(<ScoreLegend policy={POLICY} calibrated={false} />);
    expect(screen.getByTestId("legend-thresholds").textContent).toContain("Likely fake from 0.50, fake from 0.90");
  });
});
