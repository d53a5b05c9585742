import { describe, expect, it } from "vitest";
import { detectionToCsv, detectionToJson, exportFileName } from "./export";
import type { Detection } from "./types";

const detection = {
  request_id: "0f8fad5b-d9cb-469f-a165-70867728950e",
  status: "completed",
  file: { original_filename: "my interview.wav" },
  verdict_policy: { likely_fake_threshold: 0.5, fake_threshold: 0.8 },
  chunk_predictions: {
    chunk_10: { score: 0.2, start: 40, end: 44, speech: true },
    chunk_0: { score: 0.03, start: 0, end: 4, speech: true },
    chunk_1: { score: null, start: 4, end: 8, speech: false },
  },
} as unknown as Detection;

describe("exports", () => {
  it("writes chunk,start,end,score,speech rows in time order", () => {
    expect(detectionToCsv(detection)).toBe(
      "chunk,start,end,score,speech\r\n" +
        "chunk_0,0,4,0.03,true\r\n" +
        "chunk_1,4,8,,false\r\n" +
        "chunk_10,40,44,0.2,true\r\n",
    );
  });

  it("writes the whole detection as JSON with the browser's verdict", () => {
    const parsed = JSON.parse(detectionToJson(detection)) as Record<string, unknown>;
    expect(parsed.request_id).toBe(detection.request_id);
    expect(parsed.chunk_predictions).toEqual(detection.chunk_predictions);
    expect(parsed.browser_verdict).toEqual({ assessment: "real", confidence: 0.8, inconclusive_reason: "" });
  });

  it("names the files after the recording", () => {
    expect(exportFileName(detection, "csv")).toBe("my_interview-0f8fad5b.csv");
  });
});
