import { NavLink, Outlet } from "react-router-dom";
import { useAuth } from "../auth/AuthContext";
import { Announcer } from "./Announcer";
import { ConnectionIndicator } from "./ConnectionIndicator";

/** Skip link, banner with navigation, the main landmark, and the status announcer. */
export function Layout() {
  const { status, user, logout } = useAuth();
  const signedIn = status === "signed-in";
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__inner">
          <NavLink to="/" className="brand">
            <span className="brand__mark" aria-hidden="true">
              ◉
            </span>
            Voice Check
          </NavLink>
          {signedIn ? (
            <nav aria-label="Main" className="nav">
              <NavLink to="/" end className="nav__link">
                Upload
              </NavLink>
              <NavLink to="/live" className="nav__link">
                Live
              </NavLink>
              <NavLink to="/history" className="nav__link">
                History
              </NavLink>
              <NavLink to="/keys" className="nav__link">
                API keys
              </NavLink>
              <NavLink to="/webhooks" className="nav__link">
                Webhooks
              </NavLink>
            </nav>
          ) : null}
          <div className="topbar__user">
            {signedIn ? (
              <>
                <ConnectionIndicator />
                <span className="topbar__name" title={user?.email}>
                  {user?.username}
                </span>
                <button type="button" className="button button--ghost" onClick={() => void logout()}>
                  Log out
                </button>
              </>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="footer">
        <p>Scores are the model&apos;s estimate that a stretch of audio is synthetic; they are evidence, not proof.</p>
      </footer>
      <Announcer />
    </div>
  );
}
