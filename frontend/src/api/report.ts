// The server-made evidence report of a final detection (GET audio/status/{id}/report.{pdf,json}).
import type { ApiClient } from "./client";
import { ApiError } from "./errors";

export type ReportFormat = "pdf" | "json";

const MEDIA_TYPES: Record<ReportFormat, string> = { pdf: "application/pdf", json: "application/json" };

export function reportPath(requestId: string, format: ReportFormat): string {
  return `audio/status/${encodeURIComponent(requestId)}/report.${format}`;
}

/** The report's bytes; every download is recorded in the detection's custody log. */
export async function fetchReport(client: ApiClient, requestId: string, format: ReportFormat): Promise<Blob> {
  const response = await client.request(reportPath(requestId, format), { headers: { Accept: MEDIA_TYPES[format] } });
  if (!response.ok) throw await ApiError.fromResponse(response);
  return response.blob();
}

export function reportFileName(requestId: string, format: ReportFormat): string {
  return `evidence-report-${requestId}.${format}`;
}
