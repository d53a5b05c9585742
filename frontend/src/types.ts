// The backend contract (ARCHITECTURE.md section 4), as TypeScript types.

export type DetectionStatus = "pending" | "processing" | "completed" | "failed";
export type Assessment = "real" | "likely_fake" | "fake" | "inconclusive";
/** Why a verdict is inconclusive; "" for every other verdict. */
export type InconclusiveReason = "no_speech" | "not_speech_like" | "too_short" | "";

export interface ChunkPrediction {
  /** Probability that the chunk is fake; null until the chunk is scored. */
  score: number | null;
  start: number;
  end: number;
  speech: boolean;
  /** Share of the chunk that the voice-activity detector heard as speech (absent in older maps). */
  speech_ratio?: number;
  /** The chunk is (nearly) silent (absent in older maps). */
  silent?: boolean;
}

/** Keys are `chunk_<index>`, in time order. */
export type ChunkMap = Record<string, ChunkPrediction>;

export interface Progress {
  done: number;
  total: number;
}

export interface VerdictPolicy {
  likely_fake_threshold: number;
  fake_threshold: number;
  /** Least counted speech, in seconds, for a verdict; absent (no minimum) in older policies. */
  min_speech_seconds?: number;
}

export interface AudioFileInfo {
  original_filename: string;
  file_size_bytes: number;
  content_type: string;
  sha256: string;
  duration_seconds: number | null;
  sample_rate: number | null;
  channels: number | null;
  uploaded_at: string;
}

export interface ModelInfo {
  name: string;
  version: string;
  trained: boolean | null;
  /** Non-empty when the model is an untrained demonstration model. */
  warning: string;
}

export interface DetectionSummary {
  request_id: string;
  status: DetectionStatus;
  status_url: string;
  submitted_at: string;
  started_at: string | null;
  completed_at: string | null;
  file: AudioFileInfo;
  overall_assessment: Assessment | "";
  overall_confidence: number | null;
  inconclusive_reason: InconclusiveReason;
  /** The server's sentence for the reason; "" unless inconclusive. */
  inconclusive_message: string;
  error_message: string;
  processing_duration_ms: number | null;
  chunk_count: number | null;
  model: ModelInfo;
}

export interface Detection extends DetectionSummary {
  chunk_predictions: ChunkMap;
  progress: Progress;
  verdict_policy: VerdictPolicy;
}

export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface UploadAccepted {
  request_id: string;
  status: DetectionStatus;
  status_url: string;
}

export interface User {
  id: number;
  username: string;
  email: string;
  created_at?: string;
}

export interface TokenPair {
  access: string;
  refresh: string;
}

export type DetectionMessageType = "detection.progress" | "detection.completed" | "detection.failed";

/** What the server pushes on /ws/v1/detections/. */
export interface DetectionMessage {
  type: DetectionMessageType;
  request_id: string;
  status: DetectionStatus;
  chunk_predictions: ChunkMap;
  progress: Progress;
  overall_assessment?: Assessment | "";
  overall_confidence?: number | null;
  inconclusive_reason?: InconclusiveReason;
  inconclusive_message?: string;
  error_message?: string;
}

export const TERMINAL_STATUSES: ReadonlySet<DetectionStatus> = new Set(["completed", "failed"]);

export function isTerminal(status: DetectionStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
