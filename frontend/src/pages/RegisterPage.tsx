import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router-dom";
import { ApiError, errorMessage } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import { FormField } from "../components/FormField";
import { usePageTitle } from "../hooks/usePageTitle";

export function RegisterPage() {
  usePageTitle("Create an account");
  const { status, register } = useAuth();
  const navigate = useNavigate();
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);

  if (status === "signed-in" && !busy) return <Navigate to="/" replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await register(username.trim(), email.trim(), password);
      navigate("/", { replace: true });
    } catch (caught) {
      if (caught instanceof ApiError && Object.keys(caught.fieldErrors).length) {
        setFieldErrors(caught.fieldErrors);
        const nonField = caught.fieldErrors.non_field_errors;
        setError(nonField?.join(" ") ?? "Please correct the fields marked below.");
      } else {
        setError(errorMessage(caught));
      }
      setBusy(false);
    }
  };

  return (
    <div className="page auth-page">
      <form className="panel auth-form" onSubmit={(event) => void submit(event)} aria-labelledby="register-heading" noValidate>
        <h1 id="register-heading" className="page-title">
          Create an account
        </h1>
        {error ? (
          <p className="banner banner--error" role="alert" data-testid="register-error">
            {error}
          </p>
        ) : null}
        <FormField
          label="Username"
          name="username"
          autoComplete="username"
          required
          value={username}
          errors={fieldErrors.username}
          onChange={(event) => setUsername(event.target.value)}
        />
        <FormField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          errors={fieldErrors.email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <FormField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          hint="At least 8 characters; not too common and not only digits."
          errors={fieldErrors.password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </button>
        <p className="auth-form__switch">
          Already registered? <Link to="/login">Log in</Link>
        </p>
      </form>
    </div>
  );
}
