import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiClient } from "../api/client";
import { ACCESS_KEY, memoryStorage, REFRESH_KEY } from "../api/tokens";
import { AuthProvider } from "../auth/AuthContext";
import { jsonResponse, makeJwt } from "../test/jwt";
import type { Detection, DetectionStatus, ReviewerLabel } from "../types";
import { ReviewerLabelBox } from "./ReviewerLabel";

const ID = "6f1c2d3e-0000-4000-8000-000000000002";

afterEach(cleanup);

const older: ReviewerLabel = { label: "synthetic", comment: "", reviewer: "alice", created_at: "2026-01-02T10:00:00Z" };

type Call = { url: string; method: string; body: unknown };

/** A signed-in client whose fetch serves the label history and answers a PUT with `answer`. */
function setup(status: DetectionStatus, answer: () => Response) {
  const calls: Call[] = [];
  const storage = memoryStorage();
  storage.setItem(ACCESS_KEY, makeJwt({ exp: Date.now() / 1000 + 3600, iat: Date.now() / 1000, user_id: 1 }));
  storage.setItem(REFRESH_KEY, "refresh-1");
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const url = String(input);
    if (url.endsWith("users/me")) return jsonResponse(200, { id: 1, username: "alice", email: "a@example.com" });
    const method = init?.method ?? "GET";
    calls.push({ url, method, body: init?.body ? JSON.parse(String(init.body)) : null });
    return method === "PUT" ? answer() : jsonResponse(200, [older]);
  });
  const client = new ApiClient({ fetch: fetchMock, storage, autoRefresh: false });
  const detection = {
    request_id: ID,
    status,
    review: status === "completed" ? older : null,
    disagrees_with_model: false,
  } as Pick<Detection, "request_id" | "status" | "review" | "disagrees_with_model">;
  render(
    <AuthProvider client={client}>
      <ReviewerLabelBox detection={detection} />
    </AuthProvider>,
  );
  return { calls };
}

describe("<ReviewerLabelBox>", () => {
  it("is absent until the detection is completed", () => {
    const { calls } = setup("processing", () => jsonResponse(409, {}));
    expect(screen.queryByTestId("review")).toBeNull();
    expect(calls).toEqual([]);
  });

  it("shows the current label and its history", async () => {
    setup("completed", () => jsonResponse(500, {}));
    expect(screen.getByTestId("review-current").textContent).toContain("Synthetic by alice");
    expect((screen.getByTestId("review-synthetic") as HTMLInputElement).checked).toBe(true);
    expect((await screen.findByTestId("review-history")).textContent).toContain("Synthetic by alice");
    expect(screen.queryByTestId("review-disagrees")).toBeNull();
  });

  it("saves a new label, marks the disagreement and adds it to the history", async () => {
    const newer: ReviewerLabel = { label: "genuine", comment: "I know her", reviewer: "alice", created_at: "2026-01-03T10:00:00Z" };
    const { calls } = setup("completed", () => jsonResponse(200, { review: newer, disagrees_with_model: true }));
    await screen.findByTestId("review-history");
    fireEvent.click(screen.getByTestId("review-genuine"));
    fireEvent.change(screen.getByTestId("review-comment"), { target: { value: " I know her " } });
    fireEvent.click(screen.getByTestId("review-save"));
    expect((await screen.findByTestId("review-disagrees")).textContent).toBe("Disagrees with the model");
    expect(screen.getByTestId("review-current").textContent).toContain("Genuine by alice");
    expect(screen.getByTestId("review-current").textContent).toContain("I know her");
    await waitFor(() => expect(screen.getByTestId("review-history").querySelectorAll("li")).toHaveLength(2));
    expect(calls.find((call) => call.method === "PUT")).toEqual({
      url: expect.stringContaining(`audio/status/${ID}/label`),
      method: "PUT",
      body: { label: "genuine", comment: "I know her" },
    });
  });

  it("shows the server's refusal", async () => {
    setup("completed", () => jsonResponse(409, { detail: "Only a completed detection can be labelled; this one is failed." }));
    fireEvent.click(screen.getByTestId("review-unsure"));
    fireEvent.click(screen.getByTestId("review-save"));
    expect((await screen.findByTestId("review-error")).textContent).toBe(
      "Only a completed detection can be labelled; this one is failed.",
    );
  });
});
