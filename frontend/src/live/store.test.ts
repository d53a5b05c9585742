import { describe, expect, it, vi } from "vitest";
import type { Detection } from "../types";
import { DetectionStore, newest } from "./store";

function detection(overrides: Partial<Detection> = {}): Detection {
  return {
    request_id: "r1",
    status: "processing",
    status_url: "/api/v1/audio/status/r1",
    source: "upload",
    submitted_at: "2025-01-01T00:00:00Z",
    started_at: null,
    completed_at: null,
    file: {
      original_filename: "a.wav",
      file_size_bytes: 10,
      content_type: "audio/wav",
      sha256: "",
      duration_seconds: 8,
      sample_rate: 16000,
      channels: 1,
      uploaded_at: "",
      source_url: "",
      retain_audio: true,
      audio_deleted_at: null,
    },
    overall_assessment: "",
    overall_confidence: null,
    inconclusive_reason: "",
    inconclusive_message: "",
    error_message: "",
    processing_duration_ms: null,
    chunk_count: 2,
    model: { name: "m", version: "1", trained: true, warning: "" },
    review: null,
    disagrees_with_model: false,
    chunk_predictions: {
      chunk_0: { score: null, start: 0, end: 4, speech: true },
      chunk_1: { score: null, start: 4, end: 8, speech: true },
    },
    progress: { done: 0, total: 2 },
    verdict_policy: { likely_fake_threshold: 0.5, fake_threshold: 0.8 },
    thresholds_source: "model",
    coverage_notes: [],
    ...overrides,
  };
}

describe("DetectionStore", () => {
  it("loads watched detections and patches them with pushed messages", async () => {
    const loader = vi.fn(async () => detection());
    const store = new DetectionStore(loader);
    const announcements: string[] = [];
    store.onAnnounce((text) => announcements.push(text));
    store.watch("r1");
    await vi.waitFor(() => expect(store.get("r1")?.data).not.toBeNull());

    store.applyMessage({
      type: "detection.progress",
      request_id: "r1",
      status: "processing",
      chunk_predictions: {
        chunk_0: { score: 0.9, start: 0, end: 4, speech: true },
        chunk_1: { score: null, start: 4, end: 8, speech: true },
      },
      progress: { done: 1, total: 2 },
    });
    expect(store.get("r1")?.data?.progress).toEqual({ done: 1, total: 2 });
    expect(store.get("r1")?.data?.chunk_predictions.chunk_0?.score).toBe(0.9);
    expect(announcements).toEqual([]);

    loader.mockResolvedValueOnce(detection({ status: "completed", progress: { done: 2, total: 2 } }));
    store.applyMessage({
      type: "detection.completed",
      request_id: "r1",
      status: "completed",
      chunk_predictions: {},
      progress: { done: 2, total: 2 },
    });
    expect(announcements).toEqual(["a.wav: completed"]);
    // A final REST read picks up timings and the like.
    await vi.waitFor(() => expect(loader).toHaveBeenCalledTimes(2));
  });

  it("re-reads every watched detection on resync", async () => {
    const loader = vi.fn(async (id: string) => detection({ request_id: id }));
    const store = new DetectionStore(loader);
    const release = store.watch("r1");
    store.watch("r2");
    await vi.waitFor(() => expect(loader).toHaveBeenCalledTimes(2));
    release();
    await store.resyncWatched();
    expect(loader.mock.calls.map((call) => call[0])).toEqual(["r1", "r2", "r2"]);
  });

  it("never lets a late REST read move progress backwards", () => {
    const ahead = detection({ progress: { done: 2, total: 2 }, status: "processing" });
    const stale = detection({ progress: { done: 1, total: 2 }, status: "processing" });
    expect(newest(ahead, stale).progress).toEqual({ done: 2, total: 2 });
    const done = detection({ status: "completed" });
    expect(newest(done, stale)).toBe(done);
    expect(newest(stale, done)).toBe(done);
  });
});
