"""Recordings generated in the tests (never read from ../shared)."""

import io

import numpy as np
import soundfile as sf


def tone(seconds: float, rate: int = 16_000, frequency: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def wav_bytes(seconds: float = 1.0, rate: int = 16_000, channels: int = 1) -> bytes:
    """A WAV of a tone, in memory."""
    signal = np.repeat(tone(seconds, rate)[:, None], channels, axis=1)
    buffer = io.BytesIO()
    sf.write(buffer, signal, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()
