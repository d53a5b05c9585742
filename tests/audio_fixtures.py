"""Recordings generated in the tests (never read from ../shared)."""

import io

import numpy as np
import soundfile as sf


def tone(seconds: float, rate: int = 16_000, frequency: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def music(seconds: float, rate: int = 16_000, bpm: float = 120.0) -> np.ndarray:
    """Chords of five harmonics changing every second over a kick-and-hiss beat."""
    rng = np.random.default_rng(1)
    t = np.arange(int(seconds * rate)) / rate
    chords = ((220.0, 277.18, 329.63), (196.0, 246.94, 293.66), (174.61, 220.0, 261.63))
    note = 0.5  # each chord is struck twice, decaying
    since_note = t % note
    chord = np.asarray(chords)[(t // (2 * note)).astype(int) % len(chords)]
    harmonics = np.arange(1, 6)
    phases = 2 * np.pi * since_note[:, None, None] * chord[:, :, None] * harmonics
    signal = (np.sin(phases) / harmonics).sum(axis=(1, 2)) * np.exp(-3 * since_note)
    since_beat = t % (60.0 / bpm)
    kick = 1.5 * np.sin(2 * np.pi * 60 * since_beat) * np.exp(-40 * since_beat)
    hiss = 0.3 * rng.standard_normal(t.size) * np.exp(-60 * since_beat)
    mix = signal + kick + hiss
    return (0.3 * mix / np.abs(mix).max()).astype(np.float32)


def noise(
    seconds: float, rate: int = 16_000, color: str = "white", level: float = 0.1
) -> np.ndarray:
    """White or pink (1/f power) Gaussian noise with an RMS of ``level``."""
    rng = np.random.default_rng(2)
    samples = rng.standard_normal(int(seconds * rate))
    if color == "pink":
        spectrum = np.fft.rfft(samples)
        frequencies = np.fft.rfftfreq(samples.size)
        frequencies[0] = frequencies[1]
        samples = np.fft.irfft(spectrum / np.sqrt(frequencies), samples.size)
    return (level * samples / samples.std()).astype(np.float32)


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
