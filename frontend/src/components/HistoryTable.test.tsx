import { cleanup, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it } from "vitest";
import type { DetectionSummary } from "../types";
import { HistoryTable } from "./HistoryTable";

afterEach(cleanup);

function row(id: string, review: Partial<Pick<DetectionSummary, "review" | "disagrees_with_model">> = {}): DetectionSummary {
  return {
    request_id: id,
    status: "completed",
    status_url: `/api/v1/audio/status/${id}`,
    source: "upload",
    submitted_at: "2026-01-01T10:00:00Z",
    completed_at: "2026-01-01T10:00:05Z",
    file: { original_filename: `${id}.wav`, file_size_bytes: 1000, duration_seconds: 4 },
    overall_assessment: "fake",
    overall_confidence: 0.97,
    inconclusive_reason: "",
    inconclusive_message: "",
    review: null,
    disagrees_with_model: false,
    ...review,
  } as DetectionSummary;
}

const LABEL = { label: "genuine", reviewer: "ana", comment: "", created_at: "2026-01-02T09:00:00Z" } as const;

describe("<HistoryTable>", () => {
  it("shows each row's reviewer label and whether it disagrees with the model", () => {
    render(
      <MemoryRouter>
        <HistoryTable rows={[row("a", { review: LABEL, disagrees_with_model: true }), row("b", { review: { ...LABEL, label: "synthetic" } }), row("c")]} />
      </MemoryRouter>,
    );
    expect(screen.getByRole("columnheader", { name: "Review" })).toBeTruthy();
    const reviews = screen.getAllByTestId("history-row").map((tr) => within(tr).getAllByRole("cell").at(-1)?.textContent);
    expect(reviews).toEqual(["Genuine disagrees", "Synthetic", "–"]);
  });
});
