import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { useAuth } from "./AuthContext";

/** Shows its children to a signed-in user; sends anyone else to /login and back afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, retry } = useAuth();
  const location = useLocation();
  if (status === "checking") {
    return (
      <p className="muted" role="status">
        Checking your session…
      </p>
    );
  }
  if (status === "unreachable") {
    return (
      <div className="panel" role="alert">
        <p>The server could not be reached.</p>
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  if (status === "signed-out") {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return <>{children}</>;
}
