import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router-dom";
import { ApiError, errorMessage } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import { FormField } from "../components/FormField";
import { usePageTitle } from "../hooks/usePageTitle";

function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("/login") ? from : "/";
}

export function LoginPage() {
  usePageTitle("Log in");
  const { status, notice, login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);

  if (status === "signed-in") return <Navigate to={returnPath(location.state)} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await login(username.trim(), password);
      navigate(returnPath(location.state), { replace: true });
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 401 ? caught.message : errorMessage(caught));
      if (caught instanceof ApiError) setFieldErrors(caught.fieldErrors);
      setBusy(false);
    }
  };

  return (
    <div className="page auth-page">
      <form className="panel auth-form" onSubmit={(event) => void submit(event)} aria-labelledby="login-heading" noValidate>
        <h1 id="login-heading" className="page-title">
          Log in
        </h1>
        {notice && !error ? (
          <p className="banner banner--info" role="status">
            {notice}
          </p>
        ) : null}
        {error ? (
          <p className="banner banner--error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <FormField
          label="Username or email"
          name="username"
          autoComplete="username"
          required
          value={username}
          errors={fieldErrors.username}
          onChange={(event) => setUsername(event.target.value)}
        />
        <FormField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          errors={fieldErrors.password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
        <p className="auth-form__switch">
          New here? <Link to="/register">Create an account</Link>
        </p>
      </form>
    </div>
  );
}
