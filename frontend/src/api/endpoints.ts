// One typed function per endpoint of the backend contract.
import type { Assessment, Detection, DetectionStatus, DetectionSummary, Paginated, TokenPair, User } from "../types";
import type { ApiKey, ApiKeyCreated, NewApiKey } from "../types";
import type { DetectionReview, ReviewerLabel, ReviewLabel } from "../types";
import type { NewWebhookEndpoint, WebhookDelivery, WebhookEndpoint, WebhookEndpointChange } from "../types";
import type { WebhookEndpointWithSecret, WebhookSecret } from "../types";
import type { ApiClient } from "./client";
import { ApiError } from "./errors";

export async function login(client: ApiClient, username: string, password: string): Promise<void> {
  const pair = await client.json<TokenPair>(
    "users/login",
    { method: "POST", body: JSON.stringify({ username, password }) },
    { auth: false },
  );
  client.setTokens(pair);
}

export function register(client: ApiClient, username: string, email: string, password: string): Promise<User> {
  return client.json<User>(
    "users/register",
    { method: "POST", body: JSON.stringify({ username, email, password }) },
    { auth: false },
  );
}

/** Revoke the refresh token on the server (best effort), then forget both tokens here. */
export async function logout(client: ApiClient): Promise<void> {
  const refresh = client.refreshToken;
  try {
    if (refresh) await client.json<void>("users/logout", { method: "POST", body: JSON.stringify({ refresh }) });
  } catch {
    // The tokens are dropped locally either way; an expired session has nothing to revoke.
  } finally {
    client.clearTokens();
  }
}

export function currentUser(client: ApiClient, signal?: AbortSignal): Promise<User> {
  return client.json<User>("users/me", { signal });
}

export function listApiKeys(client: ApiClient, signal?: AbortSignal): Promise<ApiKey[]> {
  return client.json<ApiKey[]>("users/api-keys", { signal });
}

/** The response is the only place the full key ever appears. */
export function createApiKey(client: ApiClient, request: NewApiKey): Promise<ApiKeyCreated> {
  return client.json<ApiKeyCreated>("users/api-keys", { method: "POST", body: JSON.stringify(request) });
}

export function revokeApiKey(client: ApiClient, prefix: string): Promise<void> {
  return client.json<void>(`users/api-keys/${encodeURIComponent(prefix)}`, { method: "DELETE" });
}

export function getDetection(client: ApiClient, requestId: string, signal?: AbortSignal): Promise<Detection> {
  return client.json<Detection>(`audio/status/${encodeURIComponent(requestId)}`, { signal });
}

/** DELETE audio/status/{id}: the detection, its recording and its chunks, for good. */
export function deleteDetection(client: ApiClient, requestId: string): Promise<void> {
  return client.json<void>(`audio/status/${encodeURIComponent(requestId)}`, { method: "DELETE" });
}

export interface HistoryQuery {
  page?: number;
  pageSize?: number;
  status?: DetectionStatus | "";
  verdict?: Assessment | "";
  search?: string;
  review?: ReviewFilter;
}

/** A reviewer-label filter: the current label, "none" (unlabelled), or "disagrees" with the model. */
export type ReviewFilter = ReviewLabel | "none" | "disagrees" | "";

export function historyPath(query: HistoryQuery): string {
  const params = new URLSearchParams();
  if (query.page && query.page > 1) params.set("page", String(query.page));
  if (query.pageSize) params.set("page_size", String(query.pageSize));
  if (query.status) params.set("status", query.status);
  if (query.verdict) params.set("verdict", query.verdict);
  if (query.search?.trim()) params.set("search", query.search.trim());
  if (query.review === "disagrees") params.set("disagrees", "true");
  else if (query.review) params.set("label", query.review);
  const text = params.toString();
  return text ? `audio/history?${text}` : "audio/history";
}

export function listHistory(client: ApiClient, query: HistoryQuery, signal?: AbortSignal): Promise<Paginated<DetectionSummary>> {
  return client.json<Paginated<DetectionSummary>>(historyPath(query), { signal });
}

/** The uploaded recording's bytes (GET audio/status/{id}/audio), for <audio> and the waveform. */
export async function fetchRecording(client: ApiClient, requestId: string, signal?: AbortSignal): Promise<Blob> {
  const response = await client.request(`audio/status/${encodeURIComponent(requestId)}/audio`, {
    signal,
    // "*/*": DRF negotiates before the view runs and answers 406 to an Accept it cannot render (audio/*).
    headers: { Accept: "*/*" },
  });
  if (!response.ok) throw await ApiError.fromResponse(response);
  return response.blob();
}

// --- Webhooks

function webhookPath(id: string, action = ""): string {
  return `webhooks/${encodeURIComponent(id)}${action ? `/${action}` : ""}`;
}

/** The user's endpoints (the first page holds them all: the server caps how many there are). */
export async function listWebhooks(client: ApiClient, signal?: AbortSignal): Promise<WebhookEndpoint[]> {
  const page = await client.json<Paginated<WebhookEndpoint>>("webhooks?page_size=100", { signal });
  return page.results;
}

export function createWebhook(client: ApiClient, endpoint: NewWebhookEndpoint): Promise<WebhookEndpointWithSecret> {
  return client.json<WebhookEndpointWithSecret>("webhooks", { method: "POST", body: JSON.stringify(endpoint) });
}

export function updateWebhook(client: ApiClient, id: string, change: WebhookEndpointChange): Promise<WebhookEndpoint> {
  return client.json<WebhookEndpoint>(webhookPath(id), { method: "PATCH", body: JSON.stringify(change) });
}

export function deleteWebhook(client: ApiClient, id: string): Promise<void> {
  return client.json<void>(webhookPath(id), { method: "DELETE" });
}

export function rotateWebhookSecret(client: ApiClient, id: string): Promise<WebhookSecret> {
  return client.json<WebhookSecret>(webhookPath(id, "rotate-secret"), { method: "POST" });
}

/** Queue a `webhook.test` event; its attempt shows up in the deliveries shortly after. */
export function sendWebhookTest(client: ApiClient, id: string): Promise<WebhookDelivery> {
  return client.json<WebhookDelivery>(webhookPath(id, "test"), { method: "POST" });
}

export function listWebhookDeliveries(
  client: ApiClient,
  id: string,
  signal?: AbortSignal,
): Promise<Paginated<WebhookDelivery>> {
  return client.json<Paginated<WebhookDelivery>>(`${webhookPath(id, "deliveries")}?page_size=10`, { signal });
}

function labelPath(requestId: string, suffix: "label" | "labels"): string {
  return `audio/status/${encodeURIComponent(requestId)}/${suffix}`;
}

/** Set the caller's label on a completed detection (PUT audio/status/{id}/label); history is kept. */
export function setLabel(client: ApiClient, requestId: string, label: ReviewLabel, comment: string): Promise<DetectionReview> {
  return client.json<DetectionReview>(labelPath(requestId, "label"), {
    method: "PUT",
    body: JSON.stringify({ label, comment }),
  });
}

/** Every label set on the detection, newest first. */
export function listLabels(client: ApiClient, requestId: string, signal?: AbortSignal): Promise<ReviewerLabel[]> {
  return client.json<ReviewerLabel[]>(labelPath(requestId, "labels"), { signal });
}
