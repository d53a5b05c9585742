// Downloads of a detection: the whole record as JSON, the chunk map as CSV.
import { chunkIndex } from "./chunks";
import type { Detection } from "./types";
import { decide, policyOf, type Verdict } from "./verdict";

export const CSV_HEADER = ["chunk", "start", "end", "score", "speech"] as const;

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** `chunk,start,end,score,speech`, one row per chunk in time order; an unscored chunk has an empty score. */
export function detectionToCsv(detection: Pick<Detection, "chunk_predictions">): string {
  const rows = Object.entries(detection.chunk_predictions)
    .sort(([a], [b]) => chunkIndex(a) - chunkIndex(b))
    .map(([key, chunk]) =>
      [key, String(chunk.start), String(chunk.end), chunk.score === null ? "" : String(chunk.score), String(chunk.speech)]
        .map(csvCell)
        .join(","),
    );
  return [CSV_HEADER.join(","), ...rows].join("\r\n") + "\r\n";
}

/** The detection as the API returned it, plus the verdict the browser computed. */
export function detectionToJson(detection: Detection): string {
  const browserVerdict: Verdict = decide(detection.chunk_predictions, policyOf(detection.verdict_policy));
  return JSON.stringify({ ...detection, browser_verdict: browserVerdict }, null, 2);
}

export function exportFileName(detection: Pick<Detection, "request_id" | "file">, extension: "json" | "csv"): string {
  const stem = (detection.file?.original_filename ?? "recording").replace(/\.[^.]+$/, "").replace(/[^\w.-]+/g, "_");
  return `${stem || "recording"}-${detection.request_id.slice(0, 8)}.${extension}`;
}

/** Hands a text to the browser as a file download. */
export function downloadText(text: string, fileName: string, mimeType: string): void {
  downloadBlob(new Blob([text], { type: mimeType }), fileName);
}

/** Hands bytes to the browser as a file download. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser a moment to start the download before the URL goes.
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}
