import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, makeJwt } from "../test/jwt";
import { ApiClient } from "./client";
import { ApiError } from "./errors";
import { ACCESS_KEY, memoryStorage, REFRESH_KEY, type TokenStorage } from "./tokens";

const NOW_S = 1_700_000_000;
const LIFETIME_S = 15 * 60;

function access(expiresInSeconds: number, name = "a"): string {
  return makeJwt({ exp: NOW_S + expiresInSeconds, iat: NOW_S + expiresInSeconds - LIFETIME_S, user_id: 1, name });
}

type FetchMock = ReturnType<typeof vi.fn<typeof fetch>>;

function urlOf(call: Parameters<typeof fetch>): string {
  return String(call[0]);
}

function authOf(call: Parameters<typeof fetch>): string | null {
  return new Headers(call[1]?.headers).get("Authorization");
}

function setup(accessToken: string | null, refreshToken: string | null = "refresh-1") {
  const storage: TokenStorage = memoryStorage();
  if (accessToken) storage.setItem(ACCESS_KEY, accessToken);
  if (refreshToken) storage.setItem(REFRESH_KEY, refreshToken);
  const fetchMock: FetchMock = vi.fn<typeof fetch>();
  const client = new ApiClient({ fetch: fetchMock, storage, now: () => Date.now(), autoRefresh: false });
  const authLost = vi.fn();
  client.onAuthLost(authLost);
  return { storage, fetchMock, client, authLost };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW_S * 1000);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("refresh before expiry", () => {
  it("refreshes first when the access token expires within the margin", async () => {
    const { client, fetchMock, storage } = setup(access(30));
    const fresh = access(LIFETIME_S, "fresh");
    fetchMock
      .mockResolvedValueOnce(jsonResponse(200, { access: fresh, refresh: "refresh-2" }))
      .mockResolvedValueOnce(jsonResponse(200, { id: 1, username: "ada" }));

    await expect(client.json("users/me")).resolves.toEqual({ id: 1, username: "ada" });

    expect(fetchMock).toHaveBeenCalledTimes(2);
    const [refreshCall, meCall] = fetchMock.mock.calls as [Parameters<typeof fetch>, Parameters<typeof fetch>];
    expect(urlOf(refreshCall)).toBe("/api/v1/users/token/refresh");
    expect(JSON.parse(String(refreshCall[1]?.body))).toEqual({ refresh: "refresh-1" });
    expect(urlOf(meCall)).toBe("/api/v1/users/me");
    expect(authOf(meCall)).toBe(`Bearer ${fresh}`);
    // Rotation: both tokens replaced.
    expect(storage.getItem(ACCESS_KEY)).toBe(fresh);
    expect(storage.getItem(REFRESH_KEY)).toBe("refresh-2");
  });

  it("uses a token with time left as it is", async () => {
    const token = access(600);
    const { client, fetchMock } = setup(token);
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ok: true }));

    await client.json("users/me");

    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(authOf(fetchMock.mock.calls[0] as Parameters<typeof fetch>)).toBe(`Bearer ${token}`);
  });

  it("shares one refresh between concurrent requests (a refresh token is single-use)", async () => {
    const { client, fetchMock } = setup(access(5));
    const fresh = access(LIFETIME_S, "fresh");
    fetchMock.mockImplementation(async (input) =>
      String(input).endsWith("token/refresh")
        ? jsonResponse(200, { access: fresh, refresh: "refresh-2" })
        : jsonResponse(200, { ok: true }),
    );

    await Promise.all([client.json("users/me"), client.json("audio/history"), client.json("audio/status/x")]);

    const refreshes = fetchMock.mock.calls.filter((call) => urlOf(call).endsWith("token/refresh"));
    expect(refreshes).toHaveLength(1);
    expect(fetchMock).toHaveBeenCalledTimes(4);
  });

  it("schedules a refresh from the token's exp, ahead of expiry", async () => {
    const storage = memoryStorage();
    storage.setItem(ACCESS_KEY, access(LIFETIME_S));
    storage.setItem(REFRESH_KEY, "refresh-1");
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(
      jsonResponse(200, { access: access(2 * LIFETIME_S, "next"), refresh: "refresh-2" }),
    );
    const client = new ApiClient({ fetch: fetchMock, storage });

    await vi.advanceTimersByTimeAsync((LIFETIME_S - 61) * 1000);
    expect(fetchMock).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(2000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(urlOf(fetchMock.mock.calls[0] as Parameters<typeof fetch>)).toBe("/api/v1/users/token/refresh");
    expect(storage.getItem(REFRESH_KEY)).toBe("refresh-2");
    client.dispose();
  });

  it("caps the margin for short-lived tokens so it does not refresh in a loop", () => {
    const { client } = setup(null);
    const shortLived = makeJwt({ exp: NOW_S + 20, iat: NOW_S - 20 });
    // Lifetime 40 s: margin 10 s, so 20 s left is not "soon".
    expect(client.expiresSoon(shortLived)).toBe(false);
    expect(client.expiresSoon(makeJwt({ exp: NOW_S + 5, iat: NOW_S - 35 }))).toBe(true);
    expect(client.expiresSoon("not-a-jwt")).toBe(true);
  });
});

describe("retry once after a 401", () => {
  it("refreshes and retries the request with the new token", async () => {
    const stale = access(600);
    const { client, fetchMock } = setup(stale);
    const fresh = access(LIFETIME_S, "fresh");
    fetchMock
      .mockResolvedValueOnce(jsonResponse(401, { detail: "Token is revoked" }))
      .mockResolvedValueOnce(jsonResponse(200, { access: fresh, refresh: "refresh-2" }))
      .mockResolvedValueOnce(jsonResponse(200, { count: 0, results: [] }));

    await expect(client.json("audio/history")).resolves.toEqual({ count: 0, results: [] });

    const calls = fetchMock.mock.calls as Parameters<typeof fetch>[];
    expect(calls.map(urlOf)).toEqual(["/api/v1/audio/history", "/api/v1/users/token/refresh", "/api/v1/audio/history"]);
    expect(authOf(calls[0]!)).toBe(`Bearer ${stale}`);
    expect(authOf(calls[2]!)).toBe(`Bearer ${fresh}`);
  });

  it("retries only once: a second 401 is returned, not looped on", async () => {
    const { client, fetchMock, authLost } = setup(access(600));
    fetchMock
      .mockResolvedValueOnce(jsonResponse(401, { detail: "no" }))
      .mockResolvedValueOnce(jsonResponse(200, { access: access(LIFETIME_S, "fresh"), refresh: "refresh-2" }))
      .mockResolvedValueOnce(jsonResponse(401, { detail: "still no" }));

    const error = await client.json("users/me").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).message).toBe("still no");
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(authLost).not.toHaveBeenCalled();
  });

  it("does not retry other refusals", async () => {
    const { client, fetchMock } = setup(access(600));
    fetchMock.mockResolvedValueOnce(jsonResponse(404, { detail: "Not found." }));

    await expect(client.json("audio/status/nope")).rejects.toMatchObject({ status: 404, message: "Not found." });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

describe("failed refresh", () => {
  it("clears the tokens, calls the auth-lost callback and rejects the request", async () => {
    const { client, fetchMock, storage, authLost } = setup(access(600));
    fetchMock
      .mockResolvedValueOnce(jsonResponse(401, { detail: "Token is revoked" }))
      .mockResolvedValueOnce(jsonResponse(401, { detail: "Token is blacklisted", code: "token_not_valid" }));

    const error = await client.json("users/me").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(authLost).toHaveBeenCalledTimes(1);
    expect(authLost).toHaveBeenCalledWith("expired");
    expect(storage.getItem(ACCESS_KEY)).toBeNull();
    expect(storage.getItem(REFRESH_KEY)).toBeNull();
    expect(client.isAuthenticated()).toBe(false);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it("logs out when the pre-emptive refresh is refused", async () => {
    const { client, fetchMock, authLost } = setup(access(10));
    fetchMock.mockResolvedValueOnce(jsonResponse(401, { detail: "Token is invalid or expired" }));

    await expect(client.json("users/me")).rejects.toMatchObject({ status: 401 });
    expect(authLost).toHaveBeenCalledWith("expired");
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("keeps the session through a network error (the next call tries again)", async () => {
    const { client, fetchMock, authLost } = setup(access(10));
    fetchMock.mockRejectedValueOnce(new TypeError("Failed to fetch"));

    await expect(client.json("users/me")).rejects.toBeInstanceOf(TypeError);
    expect(authLost).not.toHaveBeenCalled();
    expect(client.isAuthenticated()).toBe(true);
  });

  it("adopts a pair another tab rotated first instead of logging out", async () => {
    const { client, fetchMock, storage, authLost } = setup(access(10));
    const otherTabAccess = access(LIFETIME_S, "other-tab");
    fetchMock
      .mockImplementationOnce(async () => {
        // The other tab won the race: our refresh token is now blacklisted.
        storage.setItem(ACCESS_KEY, otherTabAccess);
        storage.setItem(REFRESH_KEY, "refresh-other");
        return jsonResponse(401, { detail: "Token is blacklisted" });
      })
      .mockResolvedValueOnce(jsonResponse(200, { ok: true }));

    await expect(client.json("users/me")).resolves.toEqual({ ok: true });
    expect(authOf(fetchMock.mock.calls[1] as Parameters<typeof fetch>)).toBe(`Bearer ${otherTabAccess}`);
    expect(authLost).not.toHaveBeenCalled();
  });

  it("reports a missing session without calling the server", async () => {
    const { client, fetchMock } = setup(null, null);
    await expect(client.json("users/me")).rejects.toMatchObject({ status: 401 });
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe("API errors", () => {
  it("keeps field errors and Retry-After", () => {
    const error = ApiError.fromBody(400, { username: ["A user with that username already exists."] });
    expect(error.fieldErrors).toEqual({ username: ["A user with that username already exists."] });
    const throttled = ApiError.fromBody(429, { detail: "Request was throttled. Expected available in 12 seconds." }, "12");
    expect(throttled.message).toBe("Request was throttled. Expected available in 12 seconds.");
    expect(throttled.retryAfter).toBe(12);
    expect(ApiError.fromBody(413, null).message).toBe("The file is too large to upload.");
  });
});
