// The Live page in headless Chromium against the real platform: the microphone
// is Chromium's fake capture device playing a speech WAV, streamed through the
// AudioWorklet to /ws/v1/stream/, scored by the real worker.
//
// Started by tests/browser/test_journeys.py, which provides:
//   BASE_URL       the running web process, e.g. http://127.0.0.1:8123
//   CHROMIUM       the browser binary (playwright-core never downloads one)
//   SPEECH         the WAV the fake microphone plays
//   ARTIFACTS_DIR  where the screenshots go
//
// One line per step on stdout; on any failure: live-failure.png, the error, exit 1.
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { launchChromium, required } from "./harness.mjs";

const BASE_URL = required("BASE_URL").replace(/\/$/, "");
const SPEECH = required("SPEECH");
const ARTIFACTS_DIR = required("ARTIFACTS_DIR");

const TIMEOUT = 15_000;
/** The first full window needs 4 s of audio, then a worker's score. */
const WINDOW_TIMEOUT = 30_000;
/** After Stop the whole stream is decoded, chunked and scored like an upload. */
const FINAL_TIMEOUT = 60_000;
const RUN_LIMIT = 150_000;
const VERDICTS = new Set(["real", "likely_fake", "fake", "inconclusive"]);

const started = Date.now();
mkdirSync(ARTIFACTS_DIR, { recursive: true });
rmSync(join(ARTIFACTS_DIR, "live-failure.png"), { force: true });
const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const user = { username: `live_${stamp}`, email: `live_${stamp}@example.com`, password: `Amber-lantern-${Math.floor(1000 + Math.random() * 9000)}!` };

let browser = null;
let page = null;

function step(text) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${text}`);
}

async function screenshot(name) {
  await page.screenshot({ path: join(ARTIFACTS_DIR, name), fullPage: true, animations: "disabled" });
  step(`   screenshot ${name}`);
}

async function main() {
  browser = await launchChromium([
    "--autoplay-policy=no-user-gesture-required",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    `--use-file-for-fake-audio-capture=${SPEECH}`,
  ]);
  step(`chromium ${browser.version()} against ${BASE_URL}`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light", reducedMotion: "reduce" });
  context.setDefaultTimeout(TIMEOUT);
  await context.grantPermissions(["microphone"], { origin: BASE_URL });
  page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error));
  page.on("console", (message) => {
    if (message.type() === "error") console.log(`  browser console: ${message.text()}`);
  });

  // What crossed the stream socket, both ways.
  const sent = [];
  const received = [];
  let binaryFrames = 0;
  page.on("websocket", (socket) => {
    if (!socket.url().includes("/ws/v1/stream/")) return;
    socket.on("framesent", ({ payload }) => {
      if (typeof payload === "string") sent.push(JSON.parse(payload));
      else binaryFrames += 1;
    });
    socket.on("framereceived", ({ payload }) => received.push(JSON.parse(String(payload))));
  });

  step(`1. register ${user.username} (API), log in (page)`);
  const registered = await page.request.post(`${BASE_URL}/api/v1/users/register`, { data: user });
  assert.equal(registered.status(), 201, await registered.text());
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel("Username or email").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`${BASE_URL}/`);

  step("2. open Live from the navigation");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Live" }).click();
  await page.waitForURL(`${BASE_URL}/live`);
  await page.getByRole("heading", { level: 1, name: "Live detection" }).waitFor();
  const status = page.getByTestId("live-status");
  assert.equal(await status.getAttribute("data-phase"), "idle");
  await screenshot("live-idle.png");

  step("3. start the (fake) microphone");
  await page.getByRole("button", { name: "Start microphone" }).click();
  await page.locator('[data-testid="live-status"][data-phase="streaming"]').waitFor();
  const start = sent.find((message) => message.type === "start");
  assert.ok(start, "a start message was sent");
  assert.equal(start.encoding, "pcm_s16le");
  assert.equal(start.channels, 1);
  assert.ok(start.sample_rate >= 8000 && start.sample_rate <= 48000, `a supported sample rate (${start.sample_rate})`);
  const startedMessage = received.find((message) => message.type === "started");
  assert.ok(startedMessage?.request_id, "the server started the stream");
  step(`   started ${startedMessage.request_id} at ${start.sample_rate} Hz`);

  step("4. windows arrive and are drawn");
  await page.getByTestId("live-window").first().waitFor({ timeout: WINDOW_TIMEOUT });
  await page.locator('[data-testid="live-window"][data-provisional="false"]').first().waitFor({ timeout: WINDOW_TIMEOUT });
  const windows = received.filter((message) => message.type === "window");
  step(`   ${windows.length} window(s), ${binaryFrames} audio frames sent: ${windows.map((w) => `[${w.start},${w.end})=${w.score.toFixed(2)}${w.provisional ? "p" : ""}`).join(" ")}`);
  assert.ok(windows.some((w) => w.provisional), "a provisional window came first");
  const bars = await page.getByTestId("live-window").evaluateAll((elements) => elements.map((element) => element.dataset));
  for (const bar of bars) assert.ok(Number(bar.score) >= 0 && Number(bar.score) <= 1, `a score in [0, 1] (${bar.score})`);
  assert.match(await status.innerText(), /Listening/);
  await screenshot("live-streaming.png");

  step("5. stop and read the verdict");
  await page.getByRole("button", { name: "Stop" }).click();
  const result = page.getByTestId("live-result");
  await result.waitFor({ timeout: FINAL_TIMEOUT });
  assert.ok(sent.some((message) => message.type === "stop"), "a stop message was sent");
  const final = received.find((message) => message.type === "final");
  assert.ok(final, "the server sent final");
  const verdict = await result.getByTestId("verdict-badge").getAttribute("data-verdict");
  assert.ok(VERDICTS.has(verdict), `a verdict is shown (${verdict})`);
  assert.equal(verdict, final.overall_assessment, "the page shows the server's verdict");
  const link = result.getByRole("link", { name: "Open the stored detection" });
  assert.equal(await link.getAttribute("href"), `/detections/${startedMessage.request_id}`);
  assert.equal(await page.getByRole("alert").count(), 0, "no error is shown");
  step(`   verdict ${verdict}, ${Object.keys(final.chunk_predictions).length} chunk(s)`);
  await screenshot("live-final.png");

  step("6. the stored detection");
  await link.click();
  await page.waitForURL(`${BASE_URL}/detections/${startedMessage.request_id}`);
  await page.locator(".detection__status").getByTestId("status-badge").filter({ hasText: "Completed" }).waitFor();
  assert.equal(await page.getByTestId("chunk-cell").count(), Object.keys(final.chunk_predictions).length, "the stored chunk map is the final one");
  await screenshot("live-detection.png");

  assert.deepEqual(pageErrors.map(String), [], "no uncaught errors in the app");
}

const watchdog = setTimeout(() => fail(new Error(`the run took longer than ${RUN_LIMIT / 1000} s`)), RUN_LIMIT);

let failing = false;
async function fail(error) {
  if (failing) return;
  failing = true;
  console.error(`FAILED after ${((Date.now() - started) / 1000).toFixed(1)} s: ${error?.stack ?? error}`);
  try {
    if (page && !page.isClosed()) await page.screenshot({ path: join(ARTIFACTS_DIR, "live-failure.png"), fullPage: true, timeout: 5_000 });
  } catch (screenshotError) {
    console.error(`no live-failure.png: ${screenshotError.message}`);
  }
  await browser?.close().catch(() => undefined);
  process.exit(1);
}

try {
  await main();
  clearTimeout(watchdog);
  await browser.close();
  step(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  await fail(error);
}
