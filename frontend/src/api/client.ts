/**
 * The API client: bearer auth, refresh before expiry, one retry after a 401.
 *
 * - Before each request the access token's `exp` is read; if it ends within the
 *   margin, the token is refreshed first. A timer also refreshes it ahead of time,
 *   so an open socket or an idle tab always has a live token.
 * - A 401 on a request triggers one refresh and one retry, never more.
 * - Refreshes are single-flight: concurrent callers share one rotation (the server
 *   blacklists a refresh token once used, so two rotations would log us out).
 * - When the refresh token is refused, the tokens are cleared and the auth-lost
 *   listeners run (the app returns to the login page). A network error or a 5xx
 *   during refresh is not a logout: it is thrown and the next call tries again.
 */
import type { TokenPair } from "../types";
import { ApiError } from "./errors";
import { decodeJwt, defaultStorage, REFRESH_KEY, TokenStore, type TokenStorage } from "./tokens";

export type AuthLostReason = "expired" | "logout" | "other-tab";

export interface ApiClientOptions {
  /** Prefix of every API path; "/api/v1/" behind Django or the Vite proxy. */
  baseUrl?: string;
  fetch?: typeof fetch;
  storage?: TokenStorage;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Refresh this many seconds before the access token expires (capped to a quarter of its lifetime). */
  refreshMarginSeconds?: number;
  /** Keep a timer that refreshes the access token before it expires. */
  autoRefresh?: boolean;
}

export interface RequestOptions {
  /** Send the bearer token (default true). */
  auth?: boolean;
}

const MAX_TIMEOUT_MS = 2_147_483_647;
const RETRY_AFTER_FAILED_REFRESH_MS = 30_000;

export class ApiClient {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly store: TokenStore;
  private readonly now: () => number;
  private readonly marginSeconds: number;
  private readonly autoRefresh: boolean;
  private refreshing: Promise<string | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly authLostListeners = new Set<(reason: AuthLostReason) => void>();

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? "/api/v1/";
    // Bound so `this` is the window: a bare fetch reference throws "Illegal invocation".
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.store = new TokenStore(options.storage ?? defaultStorage());
    this.now = options.now ?? (() => Date.now());
    this.marginSeconds = options.refreshMarginSeconds ?? 60;
    this.autoRefresh = options.autoRefresh ?? true;
    this.scheduleRefresh();
  }

  url(path: string): string {
    return this.baseUrl + path.replace(/^\//, "");
  }

  isAuthenticated(): boolean {
    return this.store.refresh !== null;
  }

  get refreshToken(): string | null {
    return this.store.refresh;
  }

  /** Runs `listener` when the session ends without the user logging out here. Returns an unsubscribe. */
  onAuthLost(listener: (reason: AuthLostReason) => void): () => void {
    this.authLostListeners.add(listener);
    return () => this.authLostListeners.delete(listener);
  }

  setTokens(pair: TokenPair): void {
    this.store.set(pair);
    this.scheduleRefresh();
  }

  /** Forget the tokens locally (the server side is `logout`). */
  clearTokens(): void {
    this.store.clear();
    this.cancelTimer();
  }

  /** End the session: tokens cleared, listeners told. */
  loseAuth(reason: AuthLostReason): void {
    this.clearTokens();
    for (const listener of [...this.authLostListeners]) listener(reason);
  }

  /** True when the token ends within the refresh margin (or cannot be read). */
  expiresSoon(token: string): boolean {
    const claims = decodeJwt(token);
    if (typeof claims?.exp !== "number") return true;
    return claims.exp * 1000 - this.marginMs(token) <= this.now();
  }

  private marginMs(token: string): number {
    const claims = decodeJwt(token);
    let margin = this.marginSeconds;
    if (typeof claims?.exp === "number" && typeof claims.iat === "number" && claims.exp > claims.iat) {
      margin = Math.min(margin, (claims.exp - claims.iat) / 4);
    }
    return margin * 1000;
  }

  /** A live access token, refreshed first if it is about to expire; null when logged out. */
  async accessToken(): Promise<string | null> {
    const access = this.store.access;
    if (access && !this.expiresSoon(access)) return access;
    if (!this.store.refresh) return null;
    return this.refresh();
  }

  /**
   * Rotate the token pair now. Resolves to the new access token, or null when the
   * refresh token was refused (the session is then over). Concurrent calls share one request.
   */
  refresh(): Promise<string | null> {
    if (!this.refreshing) {
      this.refreshing = this.rotate().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async rotate(): Promise<string | null> {
    const refresh = this.store.refresh;
    if (!refresh) {
      this.loseAuth("expired");
      return null;
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.url("users/token/refresh"), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ refresh }),
      });
    } catch (error) {
      this.scheduleRetry();
      throw error;
    }
    if (response.ok) {
      const pair = (await response.json()) as TokenPair;
      this.setTokens(pair);
      return pair.access;
    }
    // Another tab sharing this storage may have rotated the same refresh token first.
    const current = this.store.refresh;
    const currentAccess = this.store.access;
    if (current && current !== refresh && currentAccess && !this.expiresSoon(currentAccess)) {
      this.scheduleRefresh();
      return currentAccess;
    }
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      this.loseAuth("expired");
      return null;
    }
    this.scheduleRetry();
    throw await ApiError.fromResponse(response);
  }

  /** fetch() against the API with the bearer token, refreshing it first or after a 401 (once). */
  async request(path: string, init: RequestInit = {}, options: RequestOptions = {}): Promise<Response> {
    if (options.auth === false) return this.fetchImpl(this.url(path), init);
    const token = await this.accessToken();
    if (!token) throw new ApiError(401, "Your session has ended. Please log in again.");
    const response = await this.send(path, init, token);
    if (response.status !== 401) return response;
    // A concurrent call may already have rotated the pair; otherwise rotate now.
    const current = this.store.access;
    const fresh = current && current !== token && !this.expiresSoon(current) ? current : await this.refresh();
    if (!fresh) throw new ApiError(401, "Your session has ended. Please log in again.");
    return this.send(path, init, fresh);
  }

  private send(path: string, init: RequestInit, token: string): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    if (!headers.has("Accept")) headers.set("Accept", "application/json");
    return this.fetchImpl(this.url(path), { ...init, headers });
  }

  /** A JSON request; throws ApiError on a refusal. */
  async json<T>(path: string, init: RequestInit = {}, options: RequestOptions = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (init.body !== undefined && typeof init.body === "string" && !headers.has("Content-Type")) {
      headers.set("Content-Type", "application/json");
    }
    headers.set("Accept", "application/json");
    const response = await this.request(path, { ...init, headers }, options);
    if (!response.ok) throw await ApiError.fromResponse(response);
    if (response.status === 204 || response.status === 205) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Follow token changes made by other tabs sharing localStorage: a logout there
   * ends the session here; a rotation there re-arms this tab's timer.
   */
  watchOtherTabs(target: Window = window): () => void {
    const onStorage = (event: StorageEvent): void => {
      if (event.key !== null && event.key !== REFRESH_KEY) return;
      if (this.store.refresh === null) this.loseAuth("other-tab");
      else this.scheduleRefresh();
    };
    target.addEventListener("storage", onStorage);
    return () => target.removeEventListener("storage", onStorage);
  }

  private scheduleRefresh(): void {
    this.cancelTimer();
    const access = this.store.access;
    if (!this.autoRefresh || !access || !this.store.refresh) return;
    const exp = decodeJwt(access)?.exp;
    if (typeof exp !== "number") return;
    const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, exp * 1000 - this.marginMs(access) - this.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.accessToken().catch(() => undefined);
    }, delay);
  }

  private scheduleRetry(): void {
    this.cancelTimer();
    if (!this.autoRefresh || !this.store.refresh) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.accessToken().catch(() => undefined);
    }, RETRY_AFTER_FAILED_REFRESH_MS);
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stop the refresh timer (tests, teardown). */
  dispose(): void {
    this.cancelTimer();
  }
}
