// End-to-end journey through the built dashboard in headless Chromium, against
// the real platform (Django/uvicorn, PostgreSQL, Redis and a Celery worker).
//
// Started by tests/browser/test_journeys.py, which provides:
//   BASE_URL       the running web process, e.g. http://127.0.0.1:8123
//   CHROMIUM       the browser binary (playwright-core never downloads one)
//   RECORDING      a 10-second speech WAV named interview.wav (3 chunks)
//   SILENCE        2 s of digital silence at 8 kHz named silence.wav (inconclusive, coverage notes)
//   NOT_AUDIO      a text file named notes.wav
//   ARTIFACTS_DIR  where the screenshots go
//
// One line per step on stdout; on any failure: failure.png, the error, exit 1.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { launchChromium, required } from "./harness.mjs";

const BASE_URL = required("BASE_URL").replace(/\/$/, "");
const RECORDING = required("RECORDING");
const SILENCE = required("SILENCE");
const NOT_AUDIO = required("NOT_AUDIO");
const ARTIFACTS_DIR = required("ARTIFACTS_DIR");
const RECORDING_NAME = basename(RECORDING);
const SILENCE_NAME = basename(SILENCE);
const NOT_AUDIO_NAME = basename(NOT_AUDIO);

/** Every wait is bounded; the slowest one (the worker scoring the upload) gets the most. */
const TIMEOUT = 15_000;
const PROCESSING_TIMEOUT = 30_000;
/** The whole journey; a hung run fails instead of waiting out the harness. */
const RUN_LIMIT = 120_000;

const VERDICTS = new Set(["real", "likely_fake", "fake", "inconclusive"]);
const VERDICT_LABELS = { real: "Real", likely_fake: "Likely fake", fake: "Fake", inconclusive: "Inconclusive" };
const TIME = String.raw`\d+:\d{2}\.\d`;

const started = Date.now();
/** The step lines also go to ARTIFACTS_DIR/dashboard-e2e.log: the harness shows stdout only on failure. */
const LOG = join(ARTIFACTS_DIR, "dashboard-e2e.log");
mkdirSync(ARTIFACTS_DIR, { recursive: true });
writeFileSync(LOG, "");
// A failure.png left by an earlier run would read as this run's.
rmSync(join(ARTIFACTS_DIR, "failure.png"), { force: true });
const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const user = { username: `e2e_${stamp}`, email: `e2e_${stamp}@example.com`, password: `Voice-check-${stamp}!` };

let browser = null;
/** The page a failure screenshot is taken of. */
let current = null;

function step(text) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  const line = `[${seconds}s] ${text}`;
  console.log(line);
  try {
    appendFileSync(LOG, `${line}\n`);
  } catch {
    // The log is a convenience; stdout has the same lines.
  }
}

async function screenshot(page, name, fullPage = true) {
  await page.screenshot({ path: join(ARTIFACTS_DIR, name), fullPage, animations: "disabled" });
  step(`   screenshot ${name}`);
}

async function newContext(viewport) {
  const context = await browser.newContext({ viewport, colorScheme: "light", reducedMotion: "reduce", locale: "en-GB" });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  return context;
}

/** Uncaught exceptions in the app fail the run; they are bugs even when the page looks fine. */
function watchErrors(page, errors) {
  page.on("pageerror", (error) => errors.push(error));
  page.on("console", (message) => {
    if (message.type() === "error") console.log(`  browser console: ${message.text()}`);
  });
}

async function main() {
  browser = await launchChromium();
  step(`chromium ${browser.version()} against ${BASE_URL}`);

  const context = await newContext({ width: 1280, height: 900 });
  const page = await context.newPage();
  current = page;
  const pageErrors = [];
  watchErrors(page, pageErrors);

  // Every frame the server pushes on the detections socket, for the proof of live updates.
  const pushed = [];
  let sockets = 0;
  let socketCloses = 0;
  page.on("websocket", (socket) => {
    if (!socket.url().includes("/ws/v1/detections/")) return;
    sockets += 1;
    socket.on("close", () => {
      socketCloses += 1;
    });
    socket.on("framereceived", ({ payload }) => {
      try {
        const message = JSON.parse(String(payload));
        if (message && typeof message.type === "string") pushed.push(message);
      } catch {
        // Not JSON: not ours.
      }
    });
  });

  // 1. Register --------------------------------------------------------------
  step(`1. register ${user.username}`);
  await page.goto(`${BASE_URL}/register`);
  await page.getByRole("heading", { name: "Create an account" }).waitFor();
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await screenshot(page, "register.png");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${BASE_URL}/`, { timeout: TIMEOUT });
  await page.getByRole("heading", { name: "Is this voice real?" }).waitFor();
  await page.getByRole("banner").getByText(user.username, { exact: true }).waitFor();
  assert.ok(
    await page.evaluate(() => Boolean(localStorage.getItem("deepfake.access") && localStorage.getItem("deepfake.refresh"))),
    "the tokens are stored after registration",
  );
  // Upload only once live updates flow, so every push for the upload reaches this page.
  await page.locator(".connection--open").getByText("Live").waitFor();
  step("   registered, signed in, live updates connected");

  // 2. Upload and watch the detection ----------------------------------------
  step(`2. upload ${RECORDING_NAME}`);
  // Record every status the dashboard shows for the upload, however briefly.
  await page.evaluate(() => {
    window.__statuses = [];
    const note = () => {
      for (const badge of document.querySelectorAll('[data-testid="recent-detection"] [data-testid="status-badge"]')) {
        const text = badge.textContent ?? "";
        if (window.__statuses.at(-1) !== text) window.__statuses.push(text);
      }
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const uploadResponse = page.waitForResponse((response) => response.url().endsWith("/api/v1/audio/upload"), { timeout: TIMEOUT });
  await page.getByTestId("upload-input").setInputFiles([RECORDING, SILENCE]);
  assert.equal((await uploadResponse).status(), 202, "the upload is accepted with 202");
  // An accepted file leaves the upload queue for this session's list: each file is listed once.
  const recent = page.getByTestId("recent-detection").filter({ hasText: RECORDING_NAME });
  const silentRow = page.getByTestId("recent-detection").filter({ hasText: SILENCE_NAME });
  await recent.waitFor();
  await silentRow.waitFor();
  await page.getByTestId("upload-item").first().waitFor({ state: "detached" });
  for (const name of [RECORDING_NAME, SILENCE_NAME]) {
    assert.equal(await page.getByText(name, { exact: true }).count(), 1, `${name} is listed once`);
  }
  const openLink = recent.getByRole("link", { name: RECORDING_NAME });
  const href = await openLink.getAttribute("href");
  const requestId = href?.match(/^\/detections\/([0-9a-f-]{36})$/)?.[1];
  assert.ok(requestId, `the result link names the detection (${href})`);
  const silentHref = await silentRow.getByRole("link", { name: SILENCE_NAME }).getAttribute("href");
  step(`   accepted as ${requestId}, each file listed once`);

  // This session's list follows the detection live.
  await recent.getByTestId("status-badge").filter({ hasText: "Completed" }).waitFor({ timeout: PROCESSING_TIMEOUT });
  await recent.getByTestId("verdict-badge").waitFor();
  const dashboardStatuses = await page.evaluate(() => window.__statuses);
  step(`   dashboard showed: ${dashboardStatuses.join(" -> ")}`);

  // The server pushed progress and completion over the socket (the frame may trail a REST re-read).
  await until(
    () => pushed.some((message) => message.request_id === requestId && message.type === "detection.completed"),
    5_000,
  );
  const ours = pushed.filter((message) => message.request_id === requestId);
  const progress = ours.filter((message) => message.type === "detection.progress");
  const completed = ours.filter((message) => message.type === "detection.completed");
  const pushReport =
    `pushed on ${sockets} socket(s) (${socketCloses} closed): ${progress.length} progress (` +
    progress.map((message) => `${message.progress?.done}/${message.progress?.total}`).join(", ") +
    `), ${completed.length} completed`;
  step(`   ${pushReport}`);
  // A socket the server dropped mid-analysis shows here: the page then falls back to polling.
  assert.ok(progress.length >= 1, `at least one detection.progress message was pushed; ${pushReport}`);
  assert.equal(completed.length, 1, `exactly one detection.completed message was pushed; ${pushReport}`);
  assert.ok(
    progress.some((message) => message.status === "processing" && message.progress?.done < message.progress?.total),
    "a progress message arrived while chunks were still unscored",
  );
  assert.deepEqual(completed[0].progress, { done: 3, total: 3 }, "completion reports 3 of 3 chunks");
  assert.equal(completed[0].status, "completed");

  step("   open the detection page");
  await openLink.click();
  await page.waitForURL(`${BASE_URL}/detections/${requestId}`);
  await page.getByRole("heading", { level: 1, name: RECORDING_NAME }).waitFor();
  await page.locator(".detection__status").getByTestId("status-badge").filter({ hasText: "Completed" }).waitFor({ timeout: PROCESSING_TIMEOUT });

  // Chunk strip: exactly 3 scored chunks covering the 10 s in order.
  const cells = page.getByTestId("chunk-cell");
  await cells.first().waitFor();
  assert.equal(await cells.count(), 3, "the chunk strip has exactly 3 chunks");
  const chunks = await cells.evaluateAll((elements) =>
    elements.map((element) => ({
      key: element.getAttribute("data-chunk"),
      kind: element.getAttribute("data-kind"),
      score: element.getAttribute("data-score"),
      label: element.getAttribute("aria-label"),
    })),
  );
  for (const chunk of chunks) {
    assert.notEqual(chunk.kind, "pending", `${chunk.key} is scored`);
    if (chunk.kind === "scored") {
      const score = Number(chunk.score);
      assert.ok(chunk.score !== "" && score >= 0 && score <= 1, `${chunk.key} has a score in [0, 1] (${chunk.score})`);
    }
  }
  assert.ok(chunks.some((chunk) => chunk.kind === "scored"), "speech chunks are scored");

  // Hover shows the time range and score; keyboard focus moves the tooltip along.
  const tooltip = page.getByTestId("chunk-tooltip");
  const ranges = [];
  for (let index = 0; index < 3; index += 1) {
    if (index === 0) {
      // The mouse first, then the keyboard (the strip is one tab stop; arrows move).
      await cells.nth(0).hover();
    } else {
      if (index === 1) await cells.nth(0).focus();
      await page.keyboard.press("ArrowRight");
      assert.equal(await cells.nth(index).evaluate((element) => element === document.activeElement), true);
    }
    const text = (await tooltip.innerText()).replace(/\s+/g, " ").trim();
    const match = text.match(new RegExp(`^(${TIME})–(${TIME}) (.+)$`));
    assert.ok(match, `chunk ${index + 1}'s tooltip shows a time range (${text})`);
    const chunk = chunks[index];
    const expected = chunk.kind === "scored" ? `Score ${Number(chunk.score).toFixed(2)}` : "No speech (not counted)";
    assert.equal(match[3], expected, `chunk ${index + 1}'s tooltip shows its score`);
    ranges.push(`${match[1]}–${match[2]}`);
  }
  assert.ok(ranges[0].startsWith("0:00.0–"), `the first chunk starts at 0 (${ranges[0]})`);
  assert.ok(ranges[2].endsWith("–0:10.0"), `the last chunk ends at 10 s (${ranges[2]})`);
  assert.equal(new Set(ranges).size, 3, "the chunks have distinct time ranges");
  step(`   3 chunks: ${ranges.map((range, index) => `${range} ${chunks[index].score || chunks[index].kind}`).join(" | ")}`);

  // Verdict with confidence, model, and the untrained-model warning.
  const verdict = page.locator(".verdict-panel").getByTestId("verdict-badge");
  const assessment = await verdict.getAttribute("data-verdict");
  const confidence = Number(await verdict.getAttribute("data-confidence"));
  assert.ok(VERDICTS.has(assessment), `the verdict is one of ${[...VERDICTS].join(", ")} (${assessment})`);
  assert.ok(confidence >= 0 && confidence <= 1, `the confidence is in [0, 1] (${confidence})`);
  const verdictText = await verdict.innerText();
  assert.ok(verdictText.includes(VERDICT_LABELS[assessment]), `the verdict is in words (${verdictText})`);
  assert.doesNotMatch(verdictText, /so far/, "the verdict is final");
  // The sentence: verdict, then how sure in words and rounded numbers (an untrained model's are scores).
  const sentence = await page.getByTestId("verdict-sentence").innerText();
  assert.ok(sentence.startsWith(`${VERDICT_LABELS[assessment]} — `), `the sentence states the verdict (${sentence})`);
  if (assessment !== "inconclusive") {
    assert.match(sentence, /scores \d\.\d\d on the model's 0 to 1 scale/, "an uncalibrated score is called a score");
    const stretch = page.getByTestId("deciding-stretch");
    const [from] = (await stretch.innerText()).split("–");
    await stretch.click();
    const [minutes, seconds] = from.split(":").map(Number);
    // The click seeks the player to the stretch (playback itself may be refused headless).
    await page.waitForFunction((start) => (document.querySelector("audio")?.currentTime ?? -1) >= start - 0.05, minutes * 60 + seconds);
    step(`   ${sentence.split(";")[0]}; deciding stretch ${from} plays`);
  }
  const thresholds = await page.getByTestId("legend-thresholds").innerText();
  assert.match(thresholds, /^Likely fake from (\d+ %|\d\.\d\d), fake from (\d+ %|\d\.\d\d) /, `thresholds are rounded (${thresholds})`);
  assert.doesNotMatch(await page.locator(".detection").innerText(), /\d\.\d{5,}/, "no raw floats on the page");
  const warning = page.getByTestId("model-warning");
  await warning.waitFor();
  assert.match(await warning.innerText(), /Untrained model\./);
  assert.match(await page.getByTestId("model-name").innerText(), /untrained demo/);
  assert.match(await page.getByTestId("model-summary").innerText(), /untrained demonstration model/);
  await page.getByRole("img", { name: "Waveform of the recording" }).waitFor();
  await page.getByTestId("download-json").waitFor();
  step(`   verdict ${VERDICT_LABELS[assessment]} (confidence ${confidence}), untrained-model warning shown`);
  await screenshot(page, "detection-completed.png");

  // The spectrogram view, computed in the browser from the decoded audio.
  await page.getByRole("button", { name: "Spectrogram" }).click();
  await page.getByRole("img", { name: "Spectrogram of the recording" }).waitFor();
  await screenshot(page, "spectrogram.png", false);
  await page.getByRole("button", { name: "Waveform" }).click();
  await page.getByRole("img", { name: "Waveform of the recording" }).waitFor();
  step("   spectrogram view toggles on and off");

  // What this model knows: one click from the result, Escape closes it.
  await page.getByRole("button", { name: "What this model knows" }).click();
  const card = page.getByRole("dialog", { name: "What this model knows" });
  await card.getByText("Telephone-band speech: only through simulated telephone lines", { exact: false }).waitFor();
  await screenshot(page, "model-card.png", false);
  for (let press = 0; press < 3; press += 1) {
    await page.keyboard.press("Tab");
    const behind = await page.evaluate(() => !document.querySelector(".side-sheet")?.contains(document.activeElement) && document.activeElement !== document.body);
    assert.ok(!behind, "Tab never reaches the page behind the model card");
  }
  await page.keyboard.press("Escape");
  await card.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "What this model knows", "focus returns to the button");
  step("   model card opens, keeps Tab inside and closes");

  // 2b. The silent file: inconclusive with its reason, a flat waveform, coverage notes.
  step(`2b. ${SILENCE_NAME}`);
  await page.goto(`${BASE_URL}${silentHref}`);
  await page.locator(".detection__status").getByTestId("status-badge").filter({ hasText: "Completed" }).waitFor({ timeout: PROCESSING_TIMEOUT });
  const silentSentence = page.getByTestId("verdict-sentence");
  await silentSentence.filter({ hasText: /^Inconclusive — / }).waitFor();
  const notes = await page.getByTestId("coverage-notes").innerText();
  assert.match(notes, /Recorded at 8000 Hz, telephone bandwidth/, `the telephone band is noted (${notes})`);
  assert.match(notes, /shorter than one 4 s chunk/, `the short duration is noted (${notes})`);
  const canvas = page.getByRole("img", { name: "Waveform of the recording" });
  await canvas.waitFor();
  const tallest = await canvas.evaluate((element) => {
    const context = element.getContext("2d");
    const { width, height } = element;
    const pixels = context.getImageData(0, 0, width, height).data;
    let tallestColumn = 0;
    for (let x = 0; x < width; x += 1) {
      let drawn = 0;
      for (let y = 0; y < height; y += 1) if (pixels[(y * width + x) * 4 + 3] > 0) drawn += 1;
      tallestColumn = Math.max(tallestColumn, drawn);
    }
    return tallestColumn / (window.devicePixelRatio || 1);
  });
  assert.ok(tallest <= 3, `silence is drawn flat in dBFS (tallest column ${tallest} px)`);
  step(`   ${(await silentSentence.innerText()).slice(0, 80)}…; waveform flat; ${notes.split("\n").length - 1} coverage notes`);
  await screenshot(page, "silent-detection.png");

  // 3. History ---------------------------------------------------------------
  step("3. history");
  const count = page.locator(".history-panel__count");
  const rows = page.getByTestId("history-row");
  const row = rows.filter({ hasText: RECORDING_NAME });
  const noMatch = page.getByText("No detections match.");
  /**
   * Do `action`, then wait until the history shows the answer to exactly this
   * query (filters apply one request at a time, so an earlier answer must not count).
   */
  const historyAfter = async (action, query) => {
    const wanted = { page_size: "20", ...query };
    const answered = page.waitForResponse(
      (response) => {
        const url = new URL(response.url());
        if (url.pathname !== "/api/v1/audio/history") return false;
        const got = Object.fromEntries(url.searchParams);
        return JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(wanted).sort());
      },
      { timeout: TIMEOUT },
    );
    await action();
    assert.equal((await answered).status(), 200);
    await page.locator('.history-panel[aria-busy="false"]').waitFor();
  };

  await historyAfter(
    () => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" }).click(),
    {},
  );
  assert.equal(page.url(), `${BASE_URL}/history`);
  await row.waitFor();
  assert.equal(await row.getAttribute("data-request-id"), requestId);
  await row.locator(`[data-testid="verdict-badge"][data-verdict="${assessment}"]`).waitFor();

  const search = page.getByTestId("history-search");
  await search.fill("nothing-matches");
  await historyAfter(() => search.press("Enter"), { search: "nothing-matches" });
  assert.equal(new URL(page.url()).searchParams.get("search"), "nothing-matches", "the search is in the URL");
  await noMatch.waitFor();
  assert.equal(await rows.count(), 0, "a search for nothing-matches lists nothing");
  assert.equal(await count.innerText(), "0 detections");
  step("   search nothing-matches: none");

  await search.fill("interview");
  await historyAfter(() => page.getByRole("button", { name: "Search" }).click(), { search: "interview" });
  await row.waitFor();
  assert.equal(await count.innerText(), "1 detection");
  step("   search interview: found");

  const other = assessment === "real" ? "fake" : "real";
  const verdictFilter = page.getByTestId("history-verdict");
  await historyAfter(() => verdictFilter.selectOption(other), { search: "interview", verdict: other });
  await noMatch.waitFor();
  assert.equal(await rows.count(), 0, `the verdict filter ${other} hides the ${assessment} detection`);
  await historyAfter(() => verdictFilter.selectOption(assessment), { search: "interview", verdict: assessment });
  await historyAfter(() => page.getByTestId("history-status").selectOption("completed"), {
    search: "interview",
    verdict: assessment,
    status: "completed",
  });
  const query = new URL(page.url()).searchParams;
  assert.deepEqual([query.get("search"), query.get("verdict"), query.get("status")], ["interview", assessment, "completed"]);
  await row.waitFor();
  assert.equal(await rows.count(), 1);
  assert.equal(await count.innerText(), "1 detection");
  step(`   filters: verdict ${other} hides it; completed + ${assessment} + "interview" finds it`);
  await screenshot(page, "history.png");

  // The row opens the detection (a click anywhere on it, not only the link).
  await row.locator('td[data-label="Length"]').click();
  await page.waitForURL(`${BASE_URL}/detections/${requestId}`);
  await page.getByRole("heading", { level: 1, name: RECORDING_NAME }).waitFor();
  await page.getByTestId("chunk-cell").nth(2).waitFor();
  step("   the row opens the detection");

  // 4. A file that is not audio ----------------------------------------------
  step(`4. upload ${NOT_AUDIO_NAME} (not audio)`);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Upload" }).click();
  await page.waitForURL(`${BASE_URL}/`);
  const refusedResponse = page.waitForResponse((response) => response.url().endsWith("/api/v1/audio/upload"), { timeout: TIMEOUT });
  await page.getByTestId("upload-input").setInputFiles(NOT_AUDIO);
  const response = await refusedResponse;
  assert.equal(response.status(), 415, "the server refuses the file with 415");
  const refused = page.getByTestId("upload-item").filter({ hasText: NOT_AUDIO_NAME });
  const alert = refused.getByRole("alert");
  await alert.waitFor();
  const refusal = await alert.innerText();
  assert.match(refusal, /not a supported audio format/, "the refusal is shown in words");
  assert.equal(await refused.getByRole("progressbar").getAttribute("aria-valuetext"), "Refused");
  assert.equal(await refused.getByRole("link").count(), 0, "a refused upload links to no result");
  step(`   refused: ${refusal.split("\n")[0]}`);
  await screenshot(page, "refused.png");

  // Clear finished: this session's list empties of finished detections; the refusal stays until dismissed.
  await page.getByTestId("recent-detection").first().waitFor();
  await page.getByTestId("clear-finished").click();
  await page.getByTestId("recent-detection").first().waitFor({ state: "detached" });
  assert.equal(await page.getByTestId("upload-item").count(), 1, "the refused upload is still listed");
  step("   clear finished empties this session's list");
  await screenshot(page, "cleared.png");

  assert.deepEqual(pageErrors.map(String), [], "no uncaught errors in the app");
  await context.close();

  // 5. Phone width: log in with the new account ------------------------------
  step("5. phone width (390x844)");
  const phone = await newContext({ width: 390, height: 844 });
  const mobile = await phone.newPage();
  current = mobile;
  const mobileErrors = [];
  watchErrors(mobile, mobileErrors);
  await mobile.goto(`${BASE_URL}/`);
  await mobile.waitForURL(`${BASE_URL}/login`);
  await mobile.getByRole("heading", { name: "Log in" }).waitFor();
  await screenshot(mobile, "login-phone.png");
  await mobile.getByLabel("Username or email").fill(user.username);
  await mobile.getByLabel("Password").fill(user.password);
  await mobile.getByRole("button", { name: "Log in" }).click();
  await mobile.waitForURL(`${BASE_URL}/`);
  await mobile.getByRole("heading", { name: "Is this voice real?" }).waitFor();
  await mobile.locator(".connection--open").waitFor();
  await assertNoSideways(mobile, "dashboard");
  await screenshot(mobile, "dashboard-phone.png");
  await mobile.goto(`${BASE_URL}/detections/${requestId}`);
  await mobile.getByTestId("chunk-cell").nth(2).waitFor();
  await mobile.getByRole("img", { name: "Waveform of the recording" }).waitFor();
  await assertNoSideways(mobile, "detection page");
  // The verdict is read before any scrolling; every chunk is a 24 px touch target.
  const sentenceBox = await mobile.getByTestId("verdict-sentence").boundingBox();
  assert.ok(sentenceBox && sentenceBox.y + Math.min(sentenceBox.height, 40) <= 844, `the verdict is above the fold (${JSON.stringify(sentenceBox)})`);
  for (const box of await mobile.getByTestId("chunk-cell").evaluateAll((cells) => cells.map((cell) => cell.getBoundingClientRect().toJSON()))) {
    assert.ok(box.width >= 24 && box.height >= 24, `a chunk is at least 24 px square (${box.width}x${box.height})`);
  }
  await screenshot(mobile, "detection-phone.png", false);
  await mobile.getByRole("button", { name: "What this model knows" }).click();
  await mobile.getByRole("dialog", { name: "What this model knows" }).waitFor();
  await assertNoSideways(mobile, "model card");
  await screenshot(mobile, "model-card-phone.png", false);
  await mobile.keyboard.press("Escape");
  step("   phone: verdict above the fold, 24 px chunks, model card fits");
  await mobile.goto(`${BASE_URL}/history`);
  await mobile.getByTestId("history-row").first().waitFor();
  await assertNoSideways(mobile, "history");
  await screenshot(mobile, "history-phone.png");
  assert.deepEqual(mobileErrors.map(String), [], "no uncaught errors in the app at phone width");
  await phone.close();
}

/** Wait (at most timeoutMs) for a condition on what the test has recorded; the caller asserts afterwards. */
async function until(condition, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Nothing wider than the phone's viewport: no sideways scrolling. */
async function assertNoSideways(page, what) {
  const [scrollWidth, clientWidth] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  assert.ok(scrollWidth <= clientWidth, `the ${what} fits the phone's width (${scrollWidth} > ${clientWidth})`);
}

const watchdog = setTimeout(() => {
  fail(new Error(`the run took longer than ${RUN_LIMIT / 1000} s`));
}, RUN_LIMIT);

let failing = false;
async function fail(error) {
  if (failing) return;
  failing = true;
  const report = `FAILED after ${((Date.now() - started) / 1000).toFixed(1)} s: ${error?.stack ?? error}`;
  console.error(report);
  try {
    appendFileSync(LOG, `${report}\n`);
  } catch {
    // stderr has it.
  }
  try {
    if (current && !current.isClosed()) {
      await current.screenshot({ path: join(ARTIFACTS_DIR, "failure.png"), fullPage: true, timeout: 5_000 });
      console.error(`failure.png: ${current.url()}`);
    }
  } catch (screenshotError) {
    console.error(`no failure.png: ${screenshotError.message}`);
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
