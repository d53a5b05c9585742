import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiClient } from "../api/client";
import { ACCESS_KEY, memoryStorage, REFRESH_KEY } from "../api/tokens";
import { AuthProvider } from "../auth/AuthContext";
import { jsonResponse, makeJwt } from "../test/jwt";
import type { WebhookDelivery, WebhookEndpoint, WebhookEndpointWithSecret } from "../types";
import { WebhooksPage } from "./WebhooksPage";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ROTATED = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

function endpoint(overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id: "7d1f2f0c-0000-4000-8000-000000000001",
    url: "https://hooks.example.com/in",
    events: ["detection.completed", "detection.failed"],
    enabled: true,
    description: "",
    disabled_reason: "",
    created_at: "2026-01-01T10:00:00Z",
    updated_at: "2026-01-01T10:00:00Z",
    ...overrides,
  };
}

const delivery: WebhookDelivery = {
  id: "msg_1",
  event_type: "detection.completed",
  status: "pending",
  attempt_count: 2,
  next_attempt_at: "2026-01-01T10:35:00Z",
  created_at: "2026-01-01T10:00:00Z",
  payload: {},
  attempts: [
    { attempted_at: "2026-01-01T10:00:00Z", status_code: 500, latency_ms: 42, error: "The receiver answered HTTP 500.", response_excerpt: "" },
    { attempted_at: "2026-01-01T10:05:00Z", status_code: null, latency_ms: 15003, error: "The response took too long to arrive.", response_excerpt: "" },
  ],
};

type Call = { url: string; method: string; body: unknown };

/** A signed-in client whose fetch answers like the webhooks API. */
function setup(endpoints: WebhookEndpoint[], createResponse?: () => Response) {
  const calls: Call[] = [];
  const storage = memoryStorage();
  storage.setItem(ACCESS_KEY, makeJwt({ exp: Date.now() / 1000 + 3600, iat: Date.now() / 1000, user_id: 1 }));
  storage.setItem(REFRESH_KEY, "refresh-1");
  const page = <T,>(results: T[]) => jsonResponse(200, { count: results.length, next: null, previous: null, results });
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    calls.push({ url, method, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if (url.endsWith("users/me")) return jsonResponse(200, { id: 1, username: "alice", email: "a@example.com" });
    if (url.includes("/deliveries")) return page([delivery]);
    if (url.endsWith("webhooks?page_size=100")) return page(endpoints);
    if (url.endsWith("webhooks") && method === "POST") {
      if (createResponse) return createResponse();
      const created: WebhookEndpointWithSecret = { ...endpoint({ id: "new" }), enabled: true, description: "", secret: SECRET };
      endpoints = [...endpoints, created];
      return jsonResponse(201, created);
    }
    if (url.endsWith("/rotate-secret")) return jsonResponse(200, { secret: ROTATED, previous_secret_expires_at: "2026-01-02T10:00:00Z" });
    if (url.endsWith("/test")) return jsonResponse(202, { ...delivery, id: "msg_test", event_type: "webhook.test", attempts: [] });
    if (method === "PATCH") {
      endpoints = endpoints.map((item) => ({ ...item, ...(JSON.parse(String(init?.body)) as Partial<WebhookEndpoint>) }));
      return jsonResponse(200, endpoints[0]);
    }
    if (method === "DELETE") {
      endpoints = [];
      return jsonResponse(204);
    }
    return jsonResponse(404, { detail: "Not found." });
  });
  const client = new ApiClient({ fetch: fetchMock, storage, autoRefresh: false });
  render(
    <AuthProvider client={client}>
      <WebhooksPage />
    </AuthProvider>,
  );
  return { calls };
}

beforeEach(() => {
  Object.defineProperty(navigator, "clipboard", { value: { writeText: vi.fn(async () => undefined) }, configurable: true });
});

afterEach(cleanup);

describe("<WebhooksPage>", () => {
  it("lists endpoints with their deliveries and every attempt", async () => {
    setup([endpoint({ enabled: false, disabled_reason: "The receiver answered 410 Gone." })]);
    const card = await screen.findByTestId("webhook-endpoint");
    expect(card.textContent).toContain("https://hooks.example.com/in");
    expect(card.textContent).toContain("Disabled · detection.completed, detection.failed");
    expect(card.textContent).toContain("410 Gone");
    const attempts = await within(card).findAllByTestId("webhook-attempt");
    expect(attempts.map((row) => row.textContent)).toEqual([
      expect.stringContaining("500 — The receiver answered HTTP 500.42 ms"),
      expect.stringContaining("The response took too long to arrive.15003 ms"),
    ]);
    expect(card.textContent).not.toContain("whsec_");
  });

  it("creates an endpoint and shows its secret once, with a copy button", async () => {
    const { calls } = setup([]);
    await screen.findByText("You have no webhook endpoints yet.");
    fireEvent.change(screen.getByLabelText("URL"), { target: { value: " https://hooks.example.com/in " } });
    fireEvent.click(screen.getByRole("checkbox", { name: /A batch finished/ }));
    fireEvent.click(screen.getByRole("checkbox", { name: /A detection failed/ }));
    fireEvent.click(screen.getByRole("button", { name: "Add endpoint" }));

    const notice = await screen.findByTestId("webhook-secret");
    expect((within(notice).getByLabelText("Signing secret") as HTMLInputElement).value).toBe(SECRET);
    const post = calls.find((call) => call.method === "POST");
    expect(post?.body).toEqual({ url: "https://hooks.example.com/in", events: ["detection.completed", "batch.completed"] });
    fireEvent.click(within(notice).getByRole("button", { name: "Copy" }));
    await screen.findByText("Copied to the clipboard.");
    expect(navigator.clipboard.writeText).toHaveBeenCalledWith(SECRET);
    fireEvent.click(screen.getByRole("button", { name: "I have stored it" }));
    expect(document.body.textContent).not.toContain(SECRET);
    await screen.findByTestId("webhook-endpoint");
  });

  it("shows the server's refusal of a URL next to the field", async () => {
    const refusal = "10.0.0.1 resolves to a private or reserved address (10.0.0.1); only public addresses are allowed.";
    setup([], () => jsonResponse(400, { url: [refusal] }));
    await screen.findByText("You have no webhook endpoints yet.");
    fireEvent.change(screen.getByLabelText("URL"), { target: { value: "https://10.0.0.1/" } });
    fireEvent.click(screen.getByRole("button", { name: "Add endpoint" }));
    await screen.findByText(refusal);
    expect(screen.queryByTestId("webhook-secret")).toBeNull();
  });

  it("disables, sends a test event and rotates the secret", async () => {
    const { calls } = setup([endpoint()]);
    const card = await screen.findByTestId("webhook-endpoint");
    fireEvent.click(within(card).getByRole("button", { name: "Disable" }));
    await within(card).findByRole("button", { name: "Enable" });
    expect(calls.find((call) => call.method === "PATCH")?.body).toEqual({ enabled: false });

    fireEvent.click(within(card).getByRole("button", { name: "Send test event" }));
    await within(card).findByText(/Test event queued/);
    expect(calls.some((call) => call.method === "POST" && call.url.endsWith(`/webhooks/${endpoint().id}/test`))).toBe(true);

    fireEvent.click(within(card).getByRole("button", { name: "Rotate secret" }));
    const notice = await screen.findByTestId("webhook-secret");
    expect((within(notice).getByLabelText("Signing secret") as HTMLInputElement).value).toBe(ROTATED);
    expect(notice.textContent).toContain("the old one also signs until");
  });

  it("deletes an endpoint only after confirmation", async () => {
    const { calls } = setup([endpoint()]);
    const card = await screen.findByTestId("webhook-endpoint");
    fireEvent.click(within(card).getByRole("button", { name: "Delete…" }));
    fireEvent.click(within(card).getByRole("button", { name: "Cancel" }));
    expect(calls.some((call) => call.method === "DELETE")).toBe(false);

    fireEvent.click(within(card).getByRole("button", { name: "Delete…" }));
    fireEvent.click(within(card).getByRole("button", { name: "Delete" }));
    await screen.findByText("You have no webhook endpoints yet.");
    expect(calls.find((call) => call.method === "DELETE")?.url).toBe(`/api/v1/webhooks/${endpoint().id}`);
  });
});
