"""Stand-in "human" digit recordings (numpy or espeak-ng) for the training tests."""

from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import lfilter

from inference.training.channel import SOURCE_RATE
from inference.training.tts import Voice
from inference.training.tts import digit_words

# Rough (F1, F2, F3) targets per digit word, start and end of the vowel.
_FORMANTS = (
    ((400, 2000, 2600), (600, 1200, 2500)),
    ((600, 1000, 2400), (400, 1800, 2500)),
    ((300, 900, 2300), (300, 1000, 2300)),
    ((450, 1800, 2500), (300, 2200, 2900)),
    ((500, 900, 2400), (450, 1100, 2300)),
    ((750, 1300, 2500), (400, 2000, 2600)),
    ((400, 1900, 2600), (500, 1700, 2500)),
    ((550, 1700, 2500), (500, 1400, 2400)),
    ((500, 1900, 2600), (350, 2200, 2800)),
    ((700, 1200, 2500), (400, 2000, 2600)),
)

_FRICATIVE_ONSETS = frozenset({3, 4, 5, 6, 7})


def toy_word(digit: int, f0: float, rng: np.random.Generator) -> np.ndarray:
    """A voiced, formant-filtered sound with jitter, shimmer and breath noise."""
    length = int(rng.uniform(0.3, 0.55) * SOURCE_RATE)
    t = np.arange(length) / SOURCE_RATE
    contour = (
        f0
        * (1.1 - 0.2 * t / t[-1])
        * (1 + 0.01 * rng.standard_normal(length).cumsum() / 30)
    )
    phase = np.cumsum(contour) / SOURCE_RATE
    source = (phase % 1.0) - 0.5 + 0.05 * rng.standard_normal(length)
    start, end = _FORMANTS[digit % len(_FORMANTS)]
    halves = []
    for formants, part in (
        (start, source[: length // 2]),
        (end, source[length // 2 :]),
    ):
        out = part
        for frequency in formants:
            radius = np.exp(-np.pi * 90 / SOURCE_RATE)
            angle = 2 * np.pi * frequency / SOURCE_RATE
            out = lfilter(
                [1 - radius], [1, -2 * radius * np.cos(angle), radius**2], out
            )
        halves.append(out)
    voiced = np.concatenate(halves) * np.hanning(length) ** 0.5
    voiced /= np.max(np.abs(voiced)) + 1e-9
    frication = int(rng.uniform(0.06, 0.12) * SOURCE_RATE)
    if digit in _FRICATIVE_ONSETS:
        # A hissing onset (f, s, th): high-passed noise before the vowel.
        hiss = lfilter([1.0, -0.95], [1.0], rng.standard_normal(frication))
        voiced = np.concatenate([0.15 * hiss, voiced])
    word = voiced + np.pad(
        0.2 * rng.standard_normal(length // 10), (0, voiced.size - length // 10)
    )
    return 0.5 * word / np.max(np.abs(word))


def write_toy_speech(
    directory: Path, speakers: dict[str, float], takes: int, seed: int = 0
) -> list[Path]:
    """``{digit}_{speaker}_{take}.wav`` files at 8 kHz, one f0 (Hz) per speaker."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for speaker, f0 in speakers.items():
        for digit in range(10):
            for take in range(takes):
                path = directory / f"{digit}_{speaker}_{take}.wav"
                word = toy_word(digit, f0 * rng.uniform(0.95, 1.05), rng)
                sf.write(
                    path, word + 0.003 * rng.standard_normal(word.size), SOURCE_RATE
                )
                paths.append(path)
    return paths


def write_espeak_speech(
    directory: Path, speakers: dict[str, str], takes: int, seed: int = 0
) -> list[Path]:
    """``{digit}_{speaker}_{take}.wav`` at 8 kHz spoken by espeak-ng stand-in voices.

    Stand-in humans whose timbre is as synthetic as the TTS class's, so a test
    can check that the corpus pipeline itself adds nothing class-specific.
    """
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for speaker, voice in speakers.items():
        for take in range(takes):
            rate, pitch = float(rng.uniform(0.8, 1.2)), float(rng.uniform(30, 70))
            words = digit_words(Voice("espeak", voice, rate, pitch))
            for digit, word in enumerate(words):
                path = directory / f"{digit}_{speaker}_{take}.wav"
                noisy = word + 0.002 * rng.standard_normal(word.size)
                sf.write(path, noisy, SOURCE_RATE)
                paths.append(path)
    return paths
