import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HistoryFilters, type HistoryFilterValues } from "./HistoryFilters";

afterEach(cleanup);

describe("<HistoryFilters>", () => {
  it("filters by review at once, keeping the other filters", () => {
    const onChange = vi.fn<(values: HistoryFilterValues) => void>();
    const values: HistoryFilterValues = { status: "completed", verdict: "", search: "call", review: "" };
    render(<HistoryFilters values={values} onChange={onChange} />);
    fireEvent.change(screen.getByTestId("history-review"), { target: { value: "disagrees" } });
    expect(onChange).toHaveBeenCalledWith({ status: "completed", verdict: "", search: "call", review: "disagrees" });
    expect(screen.getByRole("option", { name: "Disagrees with the model" })).toBeTruthy();
  });
});
