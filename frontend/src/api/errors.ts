/** A refusal from the API, in words a person can read. */
export class ApiError extends Error {
  readonly status: number;
  /** Field errors from a 400, e.g. {"email": ["Enter a valid email address."]}. */
  readonly fieldErrors: Record<string, string[]>;
  /** Seconds from a 429's Retry-After header, when given. */
  readonly retryAfter: number | null;

  constructor(status: number, message: string, fieldErrors: Record<string, string[]> = {}, retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.fieldErrors = fieldErrors;
    this.retryAfter = retryAfter;
  }

  static fromBody(status: number, body: unknown, retryAfterHeader: string | null = null): ApiError {
    const retryAfter = parseRetryAfter(retryAfterHeader);
    const fieldErrors: Record<string, string[]> = {};
    let detail: string | null = null;
    if (body && typeof body === "object" && !Array.isArray(body)) {
      for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
        if (key === "detail" && typeof value === "string") {
          detail = value;
        } else if (Array.isArray(value)) {
          fieldErrors[key] = value.map(String);
        } else if (typeof value === "string") {
          fieldErrors[key] = [value];
        }
      }
    }
    const nonField = fieldErrors.non_field_errors?.join(" ");
    const message = detail ?? nonField ?? fallbackMessage(status, retryAfter);
    return new ApiError(status, message, fieldErrors, retryAfter);
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    return ApiError.fromBody(response.status, body, response.headers.get("Retry-After"));
  }
}

export function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Words for a refusal that came without a `detail` (a proxy's HTML page, a dropped connection). */
export function fallbackMessage(status: number, retryAfter: number | null = null): string {
  switch (status) {
    case 0:
      return "The server could not be reached. Check your connection and try again.";
    case 400:
      return "The request was refused; check what you entered.";
    case 401:
      return "Your session has ended. Please log in again.";
    case 403:
      return "You are not allowed to do that.";
    case 404:
      return "Not found.";
    case 413:
      return "The file is too large to upload.";
    case 415:
      return "This file is not a supported audio format.";
    case 429:
      return retryAfter === null
        ? "Too many requests. Please wait a moment and try again."
        : `Too many requests. Please try again in ${retryAfter} s.`;
    default:
      return status >= 500 ? "The server had a problem. Please try again later." : `The request failed (HTTP ${status}).`;
  }
}

/** Any error as a sentence for the screen. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof DOMException && error.name === "AbortError") return "Cancelled.";
  if (error instanceof TypeError) return fallbackMessage(0);
  return error instanceof Error ? error.message : String(error);
}
