// The backend contract (ARCHITECTURE.md section 4), as TypeScript types. The REST
// types are aliases of the OpenAPI schema's (docs/openapi.yaml, turned into
// api/schema.d.ts by `npm run generate:api`, which build and typecheck run), so
// they cannot drift from the API; only what the schema does not describe (the
// WebSocket messages, UI-side types) is written by hand.
import type { components } from "./api/schema";

type Schemas = components["schemas"];

export type DetectionStatus = Schemas["DetectionStatus"];
export type Assessment = Schemas["Assessment"];
/** Why a verdict is inconclusive; "" for every other verdict. */
export type InconclusiveReason = Schemas["InconclusiveReason"] | Schemas["BlankEnum"];

/** `score` is null until the chunk is scored; `speech_ratio` and `silent` are absent in older maps. */
export type ChunkPrediction = Schemas["ChunkPrediction"];

/** Keys are `chunk_<index>`, in time order. */
export type ChunkMap = Record<string, ChunkPrediction>;

export type Progress = Schemas["Progress"];

/** A detection's recorded policy: {} until its first chunk is scored; older ones lack `min_speech_seconds`. */
export type RecordedVerdictPolicy = Schemas["VerdictPolicy"];

/** A policy the verdict rule can apply: both thresholds (`policyOf` fills in the defaults). */
export type VerdictPolicy = Required<Pick<RecordedVerdictPolicy, "likely_fake_threshold" | "fake_threshold">> &
  Pick<RecordedVerdictPolicy, "min_speech_seconds">;

export type AudioFileInfo = Schemas["AudioFile"];
/** `warning` is non-empty when the model is an untrained demonstration model. */
export type ModelInfo = Schemas["ModelInfo"];
/** The serving model's card (GET model): description, coverage, evaluation, limits. */
export type ModelCard = Schemas["ModelCard"];
export type DetectionSummary = Schemas["DetectionSummary"];
export type Detection = Schemas["Detection"];
/** A reviewer's label on a completed detection; `Detection.review` is the newest one. */
export type ReviewerLabel = Schemas["ReviewerLabel"];
export type ReviewLabel = Schemas["LabelEnum"];
/** The answer to setting a label: the detection's review fields, updated. */
export type DetectionReview = Schemas["DetectionReview"];

/** The API's page envelope, around any kind of result. */
export type Paginated<T> = Omit<Schemas["PaginatedDetectionSummaryList"], "results"> & { results: T[] };

export type UploadAccepted = Schemas["UploadAccepted"];
export type User = Schemas["User"];
export type TokenPair = Schemas["TokenPair"];

/** An API key as listed: never the key itself, which only `ApiKeyCreated` carries, once. */
export type ApiKey = Schemas["ApiKey"];
export type ApiKeyCreated = Schemas["ApiKeyCreated"];
export type ApiKeyScope = Schemas["ApiKeyScope"];
export type NewApiKey = Schemas["NewApiKeyRequest"];

/** A webhook endpoint as listed: never its secret, which only `WebhookEndpointWithSecret` and `WebhookSecret` carry. */
export type WebhookEndpoint = Schemas["WebhookEndpoint"];
export type WebhookEndpointWithSecret = Schemas["WebhookEndpointWithSecret"];
export type WebhookEndpointChange = Schemas["PatchedWebhookEndpointRequest"];
export type NewWebhookEndpoint = Schemas["WebhookEndpointRequest"];
export type WebhookSecret = Schemas["WebhookSecret"];
export type WebhookEventType = Schemas["WebhookEventType"];
export type WebhookDelivery = Schemas["WebhookDelivery"];
export type WebhookDeliveryStatus = Schemas["WebhookDeliveryStatus"];
export type WebhookAttempt = Schemas["WebhookAttempt"];

export type DetectionMessageType = "detection.progress" | "detection.completed" | "detection.failed";

/** What the server pushes on /ws/v1/detections/ (docs/websocket.md): the status body's live fields. */
export type DetectionMessage = { type: DetectionMessageType } & Pick<
  Detection,
  "request_id" | "status" | "chunk_predictions" | "progress"
> &
  Partial<
    Pick<
      Detection,
      "overall_assessment" | "overall_confidence" | "inconclusive_reason" | "inconclusive_message" | "error_message"
    >
  >;

export const TERMINAL_STATUSES: ReadonlySet<DetectionStatus> = new Set(["completed", "failed"]);

export function isTerminal(status: DetectionStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
