import { useEffect, useRef } from "react";
import { BrowserRouter, Route, Routes, useLocation } from "react-router-dom";
import type { ApiClient } from "./api/client";
import { AuthProvider } from "./auth/AuthContext";
import { RequireAuth } from "./auth/RequireAuth";
import { Layout } from "./components/Layout";
import { LiveProvider } from "./live/LiveContext";
import { ApiKeysPage } from "./pages/ApiKeysPage";
import { DashboardPage } from "./pages/DashboardPage";
import { DetectionPage } from "./pages/DetectionPage";
import { HistoryPage } from "./pages/HistoryPage";
import { LivePage } from "./pages/LivePage";
import { LoginPage } from "./pages/LoginPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { RegisterPage } from "./pages/RegisterPage";
import { WebhooksPage } from "./pages/WebhooksPage";

/** After a client-side navigation, move focus to <main> so keyboard and screen reader users start at the new content. */
function FocusMainOnNavigate() {
  const { pathname } = useLocation();
  const previous = useRef(pathname);
  useEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    document.getElementById("main")?.focus();
  }, [pathname]);
  return null;
}

export function App({ client }: { client: ApiClient }) {
  return (
    <BrowserRouter>
      <AuthProvider client={client}>
        <LiveProvider>
          <FocusMainOnNavigate />
          <Routes>
            <Route element={<Layout />}>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/register" element={<RegisterPage />} />
              <Route
                index
                element={
                  <RequireAuth>
                    <DashboardPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/history"
                element={
                  <RequireAuth>
                    <HistoryPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/live"
                element={
                  <RequireAuth>
                    <LivePage />
                  </RequireAuth>
                }
              />
              <Route
                path="/keys"
                element={
                  <RequireAuth>
                    <ApiKeysPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/webhooks"
                element={
                  <RequireAuth>
                    <WebhooksPage />
                  </RequireAuth>
                }
              />
              <Route
                path="/detections/:requestId"
                element={
                  <RequireAuth>
                    <DetectionPage />
                  </RequireAuth>
                }
              />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </LiveProvider>
      </AuthProvider>
    </BrowserRouter>
  );
}
