"""Recordings generated in the tests (never read from ../shared)."""

import io

import numpy as np
import soundfile as sf


def tone(seconds: float, rate: int = 16_000, frequency: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def wav_bytes(seconds: float = 1.0, rate: int = 16_000, channels: int = 1) -> bytes:
    """A WAV of a tone, in memory."""
    return encode_wav(np.repeat(tone(seconds, rate)[:, None], channels, axis=1), rate)


SENTENCE = (
    "The quarterly results were discussed at length during the meeting, "
    "and everyone agreed to continue the project next year. "
)


def speech(seconds: float, rate: int = 16_000) -> np.ndarray:
    """Synthetic speech from espeak-ng, repeated or cut to exactly ``seconds``."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".wav") as output:
        subprocess.run(
            ["espeak-ng", "-s", "160", "-w", output.name, SENTENCE * 2], check=True
        )
        voice, voice_rate = sf.read(output.name, dtype="float32")
    if voice_rate != rate:
        import librosa

        voice = librosa.resample(voice, orig_sr=voice_rate, target_sr=rate)
    needed = int(seconds * rate)
    return np.resize(voice, needed).astype(np.float32)


def encode_wav(signal: np.ndarray, rate: int = 16_000) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, signal, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()
