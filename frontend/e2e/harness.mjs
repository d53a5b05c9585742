// What every browser journey in this folder needs: its settings from the
// environment and a headless Chromium started as the project requires.
import { chromium } from "playwright-core";

/** An environment variable the Python harness must set; exit 2 without it. */
export function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} must be set`);
    process.exit(2);
  }
  return value;
}

// A first start on a fresh machine builds Chromium's caches, and under a
// loaded CI run that has taken longer than the journeys' 15 s step timeout.
const LAUNCH_TIMEOUT = 120_000;

/** The CHROMIUM binary the harness names (never a download), headless and quiet, plus extra switches. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: required("CHROMIUM"),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      ...extraArgs,
    ],
    timeout: LAUNCH_TIMEOUT,
  });
}
