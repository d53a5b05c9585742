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

/** The CHROMIUM binary the harness names (never a download), headless and quiet, plus extra switches. */
export function launchChromium(extraArgs = [], timeout = 15_000) {
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
    timeout,
  });
}
