"""A live stream's audio made ready for the model: mono, 16 kHz, scored like a chunk."""

from dataclasses import dataclass

import numpy as np
import soxr

from inference.chunking import SAMPLE_RATE
from inference.scoring import score_pieces


@dataclass(frozen=True)
class WindowScore:
    score: float
    speech_ratio: float


def to_model_pcm(raw: bytes, sample_rate: int, channels: int) -> bytes:
    """Interleaved PCM16 at any rate as 16 kHz mono PCM16 (unchanged when it already is)."""
    frames = np.frombuffer(raw, dtype="<i2").reshape(-1, channels)
    if channels == 1 and sample_rate == SAMPLE_RATE:
        return frames.tobytes()
    mono = frames.astype(np.float32).mean(axis=1)
    if sample_rate != SAMPLE_RATE:
        mono = soxr.resample(mono, sample_rate, SAMPLE_RATE, quality="HQ")
    return np.clip(np.rint(mono), -32768, 32767).astype("<i2").tobytes()


def score_window(pcm: bytes) -> WindowScore:
    """The window's fake probability and its share of speech, as an upload's chunk gets them."""
    # Imported here: the Silero model loads in the workers only.
    from inference import vad

    (ratio,) = vad.speech_ratios([pcm])
    (score,) = score_pieces([pcm])
    return WindowScore(score=score, speech_ratio=ratio)
