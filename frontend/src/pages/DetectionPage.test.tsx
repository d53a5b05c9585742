import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiClient } from "../api/client";
import { ACCESS_KEY, memoryStorage, REFRESH_KEY } from "../api/tokens";
import { AuthProvider } from "../auth/AuthContext";
import { LiveProvider } from "../live/LiveContext";
import { jsonResponse, makeJwt } from "../test/jwt";
import type { Detection } from "../types";
import { DetectionPage } from "./DetectionPage";

const ID = "8f0c2a8e-4b9d-4f6e-9a51-3f1c2d4e5a60";

function detection(file: Partial<Detection["file"]> = {}): Detection {
  return {
    request_id: ID,
    status: "completed",
    status_url: `/api/v1/audio/status/${ID}`,
    submitted_at: "2026-01-01T10:00:00Z",
    started_at: "2026-01-01T10:00:01Z",
    completed_at: "2026-01-01T10:00:05Z",
    file: {
      original_filename: "call.wav",
      file_size_bytes: 1000,
      content_type: "audio/wav",
      sha256: "a".repeat(64),
      duration_seconds: 4,
      sample_rate: 16000,
      channels: 1,
      uploaded_at: "2026-01-01T10:00:00Z",
      source_url: "",
      retain_audio: true,
      audio_deleted_at: null,
      ...file,
    },
    overall_assessment: "real",
    overall_confidence: 0.9,
    inconclusive_reason: "",
    inconclusive_message: "",
    error_message: "",
    processing_duration_ms: 4000,
    chunk_count: 1,
    model: { name: "m", version: "1", trained: true, warning: "" },
    chunk_predictions: { chunk_0: { score: 0.1, start: 0, end: 4, speech: true, speech_ratio: 1, silent: false } },
    progress: { done: 1, total: 1 },
    verdict_policy: { likely_fake_threshold: 0.5, fake_threshold: 0.8, min_speech_seconds: 1 },
  } as unknown as Detection;
}

/** The detection page of a signed-in user, with a fetch that answers like the API. */
function setup(shown: Detection, deleteStatus = 204) {
  const calls: { url: string; method: string }[] = [];
  const storage = memoryStorage();
  storage.setItem(ACCESS_KEY, makeJwt({ exp: Date.now() / 1000 + 3600, iat: Date.now() / 1000, user_id: 1 }));
  storage.setItem(REFRESH_KEY, "refresh-1");
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    calls.push({ url, method });
    if (url.endsWith("users/me")) return jsonResponse(200, { id: 1, username: "alice", email: "a@example.com" });
    if (method === "DELETE") return jsonResponse(deleteStatus, deleteStatus === 204 ? undefined : { detail: "Try later." });
    if (url.endsWith(`audio/status/${ID}`)) return jsonResponse(200, shown);
    if (url.endsWith("/audio")) return jsonResponse(410, { detail: "Gone." });
    return jsonResponse(404, { detail: "Not found." });
  });
  const client = new ApiClient({ fetch: fetchMock, storage, autoRefresh: false });
  render(
    <AuthProvider client={client}>
      <LiveProvider>
        <MemoryRouter initialEntries={[`/detections/${ID}`]}>
          <Routes>
            <Route path="/detections/:requestId" element={<DetectionPage />} />
            <Route path="/history" element={<p>History page</p>} />
          </Routes>
        </MemoryRouter>
      </LiveProvider>
    </AuthProvider>,
  );
  return { calls };
}

afterEach(cleanup);

describe("<DetectionPage> deletion", () => {
  it("deletes only after confirmation, then shows the history", async () => {
    const { calls } = setup(detection());
    fireEvent.click(await screen.findByRole("button", { name: "Delete…" }));
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toContain("Delete “call.wav”?");
    expect(calls.some((call) => call.method === "DELETE")).toBe(false);

    fireEvent.click(screen.getByRole("button", { name: "Delete" }));

    expect(await screen.findByText("History page")).toBeTruthy();
    expect(calls.filter((call) => call.method === "DELETE").map((call) => call.url)).toEqual([
      `/api/v1/audio/status/${ID}`,
    ]);
  });

  it("keeps the page and says why when the deletion fails; cancel closes the dialog", async () => {
    setup(detection(), 503);
    fireEvent.click(await screen.findByRole("button", { name: "Delete…" }));
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("alertdialog");
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Try later.");
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(screen.queryByText("History page")).toBeNull();
  });
});

describe("<DetectionPage> deleted recording", () => {
  it("shows a note instead of the player once the audio is gone", async () => {
    setup(detection({ audio_deleted_at: "2026-01-02T10:00:00Z", retain_audio: false }));
    const note = await screen.findByTestId("audio-gone");
    expect(note.textContent).toContain("The recording itself was deleted on");
    expect(note.textContent).toContain("The result and the file’s SHA-256 remain.");
    expect(document.querySelector("audio")).toBeNull();
  });

  it("keeps the player while the audio is stored", async () => {
    setup(detection());
    await screen.findByRole("button", { name: "Delete…" });
    expect(screen.queryByTestId("audio-gone")).toBeNull();
  });
});

describe("<DetectionPage> failed detection", () => {
  it("shows the failure without downloads, scores or an unassigned model", async () => {
    const failed = {
      ...detection(),
      status: "failed",
      error_message: "The file is not a supported audio format.",
      model: { name: "", version: "", trained: null, warning: "" },
      chunk_predictions: {},
      progress: { done: 0, total: 0 },
      overall_assessment: "",
    } as unknown as Detection;
    setup(failed);
    const alerts = await screen.findAllByRole("alert");
    expect(alerts.some((alert) => alert.textContent?.includes("not a supported audio format"))).toBe(true);
    expect(screen.queryByTestId("download-json")).toBeNull();
    expect(screen.queryByText(/Not assigned yet/)).toBeNull();
    expect(screen.queryByTestId("model-name")).toBeNull();
    expect(screen.queryByTestId("chunk-cell")).toBeNull();
    expect(screen.queryByText("No chunks yet.")).toBeNull();
  });
});
