import { useEffect, useState } from "react";
import { fetchRecording } from "../api/endpoints";
import { errorMessage } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import { computeSpectrogram, monoOf, type Spectrogram } from "../lib/spectrogram";
import { decodeRecording, peaksOf } from "../lib/waveform";

export interface Recording {
  /** Object URL of the fetched bytes, for <audio>. */
  url: string | null;
  peaks: Float32Array | null;
  /** Computed here from the decoded audio, for the spectrogram view. */
  spectrogram: Spectrogram | null;
  /** Duration of the decoded audio, seconds. */
  decodedDuration: number | null;
  loading: boolean;
  error: string | null;
  /** The audio was fetched but WebAudio could not decode it (no waveform). */
  decodeError: string | null;
}

const PEAK_BUCKETS = 2000;
const SPECTROGRAM_COLUMNS = 600;

/** Fetch the recording with the bearer token, expose it as an object URL and decode its peaks. */
export function useRecording(requestId: string): Recording {
  const { client } = useAuth();
  const [state, setState] = useState<Recording>({
    url: null,
    peaks: null,
    spectrogram: null,
    decodedDuration: null,
    loading: true,
    error: null,
    decodeError: null,
  });

  useEffect(() => {
    const controller = new AbortController();
    let url: string | null = null;
    setState({ url: null, peaks: null, spectrogram: null, decodedDuration: null, loading: true, error: null, decodeError: null });
    fetchRecording(client, requestId, controller.signal)
      .then(async (blob) => {
        if (controller.signal.aborted) return;
        url = URL.createObjectURL(blob);
        setState((s) => ({ ...s, url, loading: false }));
        try {
          const buffer = await decodeRecording(blob);
          if (controller.signal.aborted) return;
          const spectrogram = computeSpectrogram(monoOf(buffer), buffer.sampleRate, SPECTROGRAM_COLUMNS);
          setState((s) => ({ ...s, peaks: peaksOf(buffer, PEAK_BUCKETS), spectrogram, decodedDuration: buffer.duration }));
        } catch {
          if (!controller.signal.aborted) {
            setState((s) => ({ ...s, decodeError: "This browser cannot decode the recording, so no waveform is drawn." }));
          }
        }
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ ...s, loading: false, error: errorMessage(error) }));
      });
    return () => {
      controller.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [client, requestId]);

  return state;
}
