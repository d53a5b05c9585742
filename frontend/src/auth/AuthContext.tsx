import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { ApiClient } from "../api/client";
import { currentUser, login as loginRequest, logout as logoutRequest, register as registerRequest } from "../api/endpoints";
import { ApiError, errorMessage } from "../api/errors";
import type { User } from "../types";

export type AuthStatus = "checking" | "signed-in" | "signed-out" | "unreachable";

export interface AuthContextValue {
  status: AuthStatus;
  user: User | null;
  /** Why the user is on the login page, e.g. the session expired. */
  notice: string | null;
  client: ApiClient;
  login: (username: string, password: string) => Promise<void>;
  register: (username: string, email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  retry: () => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus>(client.isAuthenticated() ? "checking" : "signed-out");
  const [user, setUser] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  // Restore a stored session: ask the server who we are.
  useEffect(() => {
    if (!client.isAuthenticated()) return;
    const controller = new AbortController();
    currentUser(client, controller.signal)
      .then((me) => {
        setUser(me);
        setStatus("signed-in");
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) setStatus("signed-out");
        else setStatus("unreachable");
      });
    return () => controller.abort();
  }, [client, attempt]);

  useEffect(() => {
    const stopLost = client.onAuthLost((reason) => {
      setUser(null);
      setStatus("signed-out");
      setNotice(
        reason === "other-tab"
          ? "You were logged out in another tab."
          : "Your session has ended. Please log in again.",
      );
    });
    const stopTabs = client.watchOtherTabs();
    return () => {
      stopLost();
      stopTabs();
    };
  }, [client]);

  const login = useCallback(
    async (username: string, password: string) => {
      await loginRequest(client, username, password);
      try {
        setUser(await currentUser(client));
      } catch (error) {
        client.clearTokens();
        throw new Error(errorMessage(error));
      }
      setNotice(null);
      setStatus("signed-in");
    },
    [client],
  );

  const register = useCallback(
    async (username: string, email: string, password: string) => {
      await registerRequest(client, username, email, password);
      await login(username, password);
    },
    [client, login],
  );

  const logout = useCallback(async () => {
    await logoutRequest(client);
    setUser(null);
    setNotice("You have logged out.");
    setStatus("signed-out");
  }, [client]);

  const retry = useCallback(() => {
    setStatus(client.isAuthenticated() ? "checking" : "signed-out");
    setAttempt((n) => n + 1);
  }, [client]);

  const value = useMemo(
    () => ({ status, user, notice, client, login, register, logout, retry }),
    [status, user, notice, client, login, register, logout, retry],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth() needs an <AuthProvider> above it");
  return value;
}
