/**
 * Where the JWT pair lives.
 *
 * Trade-off: both tokens sit in localStorage. That keeps a session across reloads
 * and tabs without a cookie endpoint on the server, but any script running on this
 * origin can read them, so an XSS hole would leak them. What limits the damage:
 * the app loads no third-party scripts or CDNs, React escapes everything it renders,
 * access tokens are short-lived, refresh tokens rotate and are blacklisted after use
 * and on logout. An httpOnly, SameSite cookie for the refresh token would be
 * stronger and needs a backend change (see README).
 */
import type { TokenPair } from "../types";

export const ACCESS_KEY = "deepfake.access";
export const REFRESH_KEY = "deepfake.refresh";

export type TokenStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export interface JwtClaims {
  exp?: number;
  iat?: number;
  user_id?: number | string;
}

function base64UrlDecode(segment: string): string {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The claims of a JWT (not verified: only the server can do that), or null when unreadable. */
export function decodeJwt(token: string): JwtClaims | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(base64UrlDecode(payload));
    return claims && typeof claims === "object" ? (claims as JwtClaims) : null;
  } catch {
    return null;
  }
}

/** Expiry in seconds since the epoch, or null. */
export function jwtExpiry(token: string): number | null {
  const exp = decodeJwt(token)?.exp;
  return typeof exp === "number" ? exp : null;
}

/** A storage that forgets everything (used where localStorage is unavailable). */
export function memoryStorage(): TokenStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

export function defaultStorage(): TokenStorage {
  try {
    const probe = "deepfake.probe";
    window.localStorage.setItem(probe, probe);
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    return memoryStorage();
  }
}

export class TokenStore {
  constructor(private readonly storage: TokenStorage) {}

  get access(): string | null {
    return this.storage.getItem(ACCESS_KEY);
  }

  get refresh(): string | null {
    return this.storage.getItem(REFRESH_KEY);
  }

  set(pair: TokenPair): void {
    this.storage.setItem(ACCESS_KEY, pair.access);
    this.storage.setItem(REFRESH_KEY, pair.refresh);
  }

  clear(): void {
    this.storage.removeItem(ACCESS_KEY);
    this.storage.removeItem(REFRESH_KEY);
  }
}
