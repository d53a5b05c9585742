import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiClient } from "../api/client";
import { ACCESS_KEY, memoryStorage, REFRESH_KEY } from "../api/tokens";
import { AuthProvider } from "../auth/AuthContext";
import { jsonResponse, makeJwt } from "../test/jwt";
import type { ApiKey, ApiKeyCreated } from "../types";
import { ApiKeysPage } from "./ApiKeysPage";

const SECRET = "Xb3k9QaZ.abcdefghijklmnopqrstuvwxyz012345";

function listed(overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    prefix: "Pq7Rt2Lm",
    name: "ingest server",
    scope: "read+upload",
    expiry_date: null,
    expired: false,
    created: "2026-01-01T10:00:00Z",
    last_used_at: null,
    ...overrides,
  };
}

const created: ApiKeyCreated = { ...listed({ prefix: "Xb3k9QaZ", name: "CI", scope: "read" }), key: SECRET };

type Call = { url: string; method: string; body: unknown };

/** A signed-in client whose fetch answers like the API, keeping the keys in memory. */
function setup(keys: ApiKey[], createResponse: () => Response = () => jsonResponse(201, created)) {
  const calls: Call[] = [];
  const storage = memoryStorage();
  storage.setItem(ACCESS_KEY, makeJwt({ exp: Date.now() / 1000 + 3600, iat: Date.now() / 1000, user_id: 1 }));
  storage.setItem(REFRESH_KEY, "refresh-1");
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    calls.push({ url, method, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if (url.endsWith("users/me")) return jsonResponse(200, { id: 1, username: "alice", email: "a@example.com" });
    if (url.endsWith("users/api-keys") && method === "GET") return jsonResponse(200, keys);
    if (url.endsWith("users/api-keys") && method === "POST") return createResponse();
    if (method === "DELETE") {
      keys = keys.filter((key) => !url.endsWith(`/${key.prefix}`));
      return jsonResponse(204);
    }
    return jsonResponse(404, { detail: "Not found." });
  });
  const client = new ApiClient({ fetch: fetchMock, storage, autoRefresh: false });
  render(
    <AuthProvider client={client}>
      <ApiKeysPage />
    </AuthProvider>,
  );
  return { calls };
}

beforeEach(() => {
  Object.defineProperty(navigator, "clipboard", { value: { writeText: vi.fn(async () => undefined) }, configurable: true });
});

afterEach(cleanup);

describe("<ApiKeysPage>", () => {
  it("lists keys by name, prefix, scope, expiry and last use, never a secret", async () => {
    const old = listed({
      prefix: "Old00000",
      name: "old",
      scope: "read",
      expiry_date: "2026-02-01T00:00:00Z",
      expired: true,
      last_used_at: "2026-01-15T08:00:00Z",
    });
    setup([listed(), old]);
    const rows = await screen.findAllByTestId("api-key-row");
    expect(rows).toHaveLength(2);
    const [first, second] = rows as [HTMLElement, HTMLElement];
    expect(first.textContent).toContain("ingest server");
    expect(first.textContent).toContain("Pq7Rt2Lm…");
    expect(first.textContent).toContain("Read and upload");
    expect(within(first).getAllByText("Never")).toHaveLength(2);
    expect(second.textContent).toContain("expired");
    expect(second.textContent).not.toContain("Never");
  });

  it("creates a key and shows it once, with a copy button", async () => {
    const { calls } = setup([]);
    await screen.findByText("You have no API keys yet.");
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: " CI " } });
    fireEvent.change(screen.getByLabelText("Scope"), { target: { value: "read" } });
    fireEvent.change(screen.getByLabelText("Expires (optional)"), { target: { value: "2027-03-01" } });
    fireEvent.click(screen.getByRole("button", { name: "Create key" }));

    const notice = await screen.findByTestId("new-key");
    expect(notice.textContent).toContain("you will not see it again");
    expect((screen.getByTestId("new-key-value") as HTMLInputElement).value).toBe(SECRET);
    const post = calls.find((call) => call.method === "POST");
    expect(post?.body).toEqual({ name: "CI", scope: "read", expiry_date: new Date("2027-03-01T23:59:59").toISOString() });

    fireEvent.click(within(notice).getByRole("button", { name: "Copy" }));
    await screen.findByText("Copied to the clipboard.");
    expect(navigator.clipboard.writeText).toHaveBeenCalledWith(SECRET);

    fireEvent.click(screen.getByRole("button", { name: "I have stored it" }));
    expect(screen.queryByTestId("new-key")).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it("shows the server's field errors", async () => {
    setup([], () => jsonResponse(400, { name: ["Ensure this field has no more than 50 characters."] }));
    await screen.findByText("You have no API keys yet.");
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "x".repeat(60) } });
    fireEvent.click(screen.getByRole("button", { name: "Create key" }));
    await screen.findByText("Ensure this field has no more than 50 characters.");
    expect(screen.queryByTestId("new-key")).toBeNull();
  });

  it("revokes a key only after confirmation", async () => {
    const { calls } = setup([listed()]);
    const row = await screen.findByTestId("api-key-row");
    fireEvent.click(within(row).getByRole("button", { name: "Revoke…" }));
    fireEvent.click(within(row).getByRole("button", { name: "Cancel" }));
    expect(calls.some((call) => call.method === "DELETE")).toBe(false);

    fireEvent.click(within(row).getByRole("button", { name: "Revoke…" }));
    fireEvent.click(within(row).getByRole("button", { name: "Revoke" }));
    await screen.findByText("You have no API keys yet.");
    const deletion = calls.find((call) => call.method === "DELETE");
    expect(deletion?.url).toBe("/api/v1/users/api-keys/Pq7Rt2Lm");
  });
});
