import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiClient } from "../api/client";
import { ACCESS_KEY, memoryStorage, REFRESH_KEY } from "../api/tokens";
import { AuthProvider } from "../auth/AuthContext";
import { jsonResponse, makeJwt } from "../test/jwt";
import type { DetectionStatus } from "../types";
import { ReportButtons } from "./ReportButtons";

const ID = "6f1c2d3e-0000-4000-8000-000000000001";

type Call = { url: string; accept: string | null };

/** A signed-in client whose fetch answers the report endpoints with `report`. */
function setup(status: DetectionStatus, report: () => Response) {
  const calls: Call[] = [];
  const storage = memoryStorage();
  storage.setItem(ACCESS_KEY, makeJwt({ exp: Date.now() / 1000 + 3600, iat: Date.now() / 1000, user_id: 1 }));
  storage.setItem(REFRESH_KEY, "refresh-1");
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const url = String(input);
    if (url.endsWith("users/me")) return jsonResponse(200, { id: 1, username: "alice", email: "a@example.com" });
    calls.push({ url, accept: new Headers(init?.headers).get("Accept") });
    return report();
  });
  const client = new ApiClient({ fetch: fetchMock, storage, autoRefresh: false });
  render(
    <AuthProvider client={client}>
      <ReportButtons detection={{ request_id: ID, status }} />
    </AuthProvider>,
  );
  return { calls };
}

const createObjectURL = vi.fn((_blob: Blob) => "blob:report");

beforeEach(() => {
  createObjectURL.mockClear();
  Object.defineProperty(URL, "createObjectURL", { value: createObjectURL, configurable: true });
  Object.defineProperty(URL, "revokeObjectURL", { value: vi.fn(), configurable: true });
});

afterEach(cleanup);

describe("<ReportButtons>", () => {
  it("is absent while the detection is still running", () => {
    setup("processing", () => jsonResponse(409, {}));
    expect(screen.queryByTestId("report-pdf")).toBeNull();
    expect(screen.queryByTestId("report-json")).toBeNull();
  });

  it("downloads the PDF report with the bearer token", async () => {
    const pdf = new Response("%PDF-1.4", { status: 200, headers: { "Content-Type": "application/pdf" } });
    const { calls } = setup("completed", () => pdf);
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    fireEvent.click(screen.getByTestId("report-pdf"));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expect(calls).toEqual([{ url: expect.stringContaining(`audio/status/${ID}/report.pdf`), accept: "application/pdf" }]);
    const blob = createObjectURL.mock.calls[0]?.[0];
    expect(await blob?.text()).toBe("%PDF-1.4");
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toBe(`evidence-report-${ID}.pdf`);
    click.mockRestore();
  });

  it("offers both formats for a failed detection and shows the server's refusal", async () => {
    setup("failed", () => jsonResponse(503, { detail: "Too many reports are being prepared right now; please retry shortly." }));
    expect(screen.getByTestId("report-pdf").textContent).toBe("Report (PDF)");
    fireEvent.click(screen.getByTestId("report-json"));
    expect((await screen.findByTestId("report-error")).textContent).toBe(
      "Too many reports are being prepared right now; please retry shortly.",
    );
    expect((screen.getByTestId("report-json") as HTMLButtonElement).disabled).toBe(false);
  });
});
