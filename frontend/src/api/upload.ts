// Uploads go through XMLHttpRequest: fetch() cannot report upload progress.
import type { UploadAccepted } from "../types";
import type { ApiClient } from "./client";
import { ApiError, fallbackMessage } from "./errors";

export interface UploadProgress {
  loaded: number;
  total: number;
}

type XhrFactory = () => XMLHttpRequest;

function sendOnce(
  url: string,
  file: File,
  token: string,
  onProgress: (progress: UploadProgress) => void,
  signal: AbortSignal | undefined,
  createXhr: XhrFactory,
): Promise<{ status: number; body: unknown; retryAfter: string | null }> {
  return new Promise((resolve, reject) => {
    const xhr = createXhr();
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.open("POST", url);
    xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    });
    xhr.addEventListener("load", () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body, retryAfter: xhr.getResponseHeader("Retry-After") });
    });
    xhr.addEventListener("error", () => {
      // The server may refuse an oversized body before reading it, which the
      // browser sees as a dropped connection rather than a 413.
      reject(
        new ApiError(
          0,
          "The upload was interrupted: the connection dropped or the server refused the file (it may be too large).",
        ),
      );
    });
    xhr.addEventListener("abort", () => reject(new DOMException("Upload cancelled", "AbortError")));
    if (signal) {
      if (signal.aborted) {
        reject(new DOMException("Upload cancelled", "AbortError"));
        return;
      }
      signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    xhr.send(form);
  });
}

/**
 * POST audio/upload with the file in the multipart field `file`. Resolves with
 * the 202 body; rejects with an ApiError carrying the server's `detail`
 * (too large, not audio, throttled with Retry-After, ...).
 */
export async function uploadFile(
  client: ApiClient,
  file: File,
  onProgress: (progress: UploadProgress) => void = () => undefined,
  signal?: AbortSignal,
  createXhr: XhrFactory = () => new XMLHttpRequest(),
): Promise<UploadAccepted> {
  const url = client.url("audio/upload");
  let token = await client.accessToken();
  if (!token) throw new ApiError(401, fallbackMessage(401));
  let result = await sendOnce(url, file, token, onProgress, signal, createXhr);
  if (result.status === 401) {
    token = await client.refresh();
    if (!token) throw new ApiError(401, fallbackMessage(401));
    result = await sendOnce(url, file, token, onProgress, signal, createXhr);
  }
  if (result.status === 202 || result.status === 201 || result.status === 200) return result.body as UploadAccepted;
  throw ApiError.fromBody(result.status, result.body, result.retryAfter);
}
