import { describe, expect, it } from "vitest";
import { FINAL, STARTED, windowMessage } from "../test/fakeStreamSocket";
import { INITIAL_LIVE_STATE, liveReducer, MAX_WINDOWS, mergeWindow, type LiveAction, type LiveState } from "./liveState";
import type { FinalMessage, WindowMessage } from "./streamMessages";

const window = (start: number, end: number, score: number, provisional = false) =>
  windowMessage(start, end, score, { provisional }) as WindowMessage;

function run(...actions: LiveAction[]): LiveState {
  return actions.reduce(liveReducer, INITIAL_LIVE_STATE);
}

const streaming: LiveAction[] = [{ type: "prepare", source: "microphone" }, { type: "ready" }, { type: "started", message: STARTED }];

describe("liveReducer", () => {
  it("goes from the source to the server to the verdict", () => {
    expect(run({ type: "prepare", source: "file" }).phase).toBe("preparing");
    const live = run(...streaming, { type: "sent", seconds: 0.1 }, { type: "sent", seconds: 0.1 }, { type: "window", message: window(0, 1, 0.2, true) });
    expect(live).toMatchObject({ phase: "streaming", requestId: STARTED.request_id, window: 4, source: "microphone" });
    expect(live.elapsed).toBeCloseTo(0.2);
    expect(live.windows).toHaveLength(1);
    const stopping = liveReducer(live, { type: "stop" });
    expect(stopping.phase).toBe("stopping");
    // Windows still in flight when Stop was pressed are kept.
    const late = liveReducer(stopping, { type: "window", message: window(0, 2, 0.3, true) });
    expect(late.windows).toEqual([window(0, 2, 0.3, true)]);
    const done = liveReducer(late, { type: "final", message: FINAL as FinalMessage });
    expect(done.phase).toBe("done");
    expect(done.final).toBe(FINAL);
  });

  it("fails with the reason from any active phase, and keeps the detection's id", () => {
    expect(run({ type: "prepare", source: "microphone" }, { type: "fail", reason: "Microphone access was denied." })).toMatchObject({
      phase: "failed",
      error: "Microphone access was denied.",
      requestId: null,
    });
    expect(run(...streaming, { type: "fail", reason: "Lost." })).toMatchObject({ phase: "failed", requestId: STARTED.request_id });
  });

  it("goes back to idle when stopped before the server started the stream", () => {
    expect(run({ type: "prepare", source: "microphone" }, { type: "stop" })).toEqual(INITIAL_LIVE_STATE);
    expect(run({ type: "prepare", source: "microphone" }, { type: "ready" }, { type: "stop" })).toEqual(INITIAL_LIVE_STATE);
  });

  it("ignores a second start while active, and starts afresh after an outcome", () => {
    const live = run(...streaming);
    expect(liveReducer(live, { type: "prepare", source: "file" })).toBe(live);
    const again = run(...streaming, { type: "fail", reason: "Lost." }, { type: "prepare", source: "file" });
    expect(again).toEqual({ ...INITIAL_LIVE_STATE, phase: "preparing", source: "file" });
  });

  it("ignores late messages after the outcome", () => {
    const failed = run(...streaming, { type: "fail", reason: "Lost." });
    expect(liveReducer(failed, { type: "window", message: window(0, 1, 0.2) })).toBe(failed);
    expect(liveReducer(failed, { type: "final", message: FINAL as FinalMessage })).toBe(failed);
  });
});

describe("mergeWindow", () => {
  it("replaces a provisional window by the next one with the same start and keeps time order", () => {
    let windows: WindowMessage[] = [];
    for (const next of [window(0, 1, 0.9, true), window(0, 2, 0.5, true), window(0, 4, 0.1), window(2, 6, 0.2), window(1, 5, 0.3)]) {
      windows = mergeWindow(windows, next);
    }
    expect(windows.map((w) => [w.start, w.end, w.provisional])).toEqual([
      [0, 4, false],
      [1, 5, false],
      [2, 6, false],
    ]);
  });

  it("keeps only the latest windows", () => {
    let windows: WindowMessage[] = [];
    for (let start = 0; start < MAX_WINDOWS + 5; start += 1) windows = mergeWindow(windows, window(start, start + 4, 0.1));
    expect(windows).toHaveLength(MAX_WINDOWS);
    expect(windows[0]?.start).toBe(5);
  });
});
