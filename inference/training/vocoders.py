"""Vocoder resynthesis of human speech: the corpus's non-TTS spoofing attacks."""

from collections.abc import Callable

import librosa
import numpy as np
import pyworld
from scipy.signal import lfilter

_N_FFT = 512
Vocoder = Callable[[np.ndarray, int, np.random.Generator], np.ndarray]


def griffin_lim(audio: np.ndarray, rate: int, rng: np.random.Generator) -> np.ndarray:
    """Mel spectrogram inverted with Griffin-Lim phase reconstruction."""
    hop = int(rng.choice([64, 80, 128]))
    n_mels = int(rng.choice([40, 64, 80]))
    basis = librosa.filters.mel(sr=rate, n_fft=_N_FFT, n_mels=n_mels)
    power = np.abs(librosa.stft(audio, n_fft=_N_FFT, hop_length=hop)) ** 2
    # The filterbank's pseudo-inverse rather than librosa's NNLS: 50x faster.
    estimate = np.maximum(np.linalg.pinv(basis) @ (basis @ power), 0.0)
    out = librosa.griffinlim(np.sqrt(estimate), n_iter=32, hop_length=hop, n_fft=_N_FFT)
    return _same_length(out, audio.size)


def world(audio: np.ndarray, rate: int, rng: np.random.Generator) -> np.ndarray:
    """WORLD analysis-synthesis (DIO, CheapTrick, D4C) with the speaker's own F0."""
    x = np.ascontiguousarray(audio, dtype=np.float64)
    f0, times = pyworld.dio(x, rate, frame_period=5.0)
    f0 = pyworld.stonemask(x, f0, times, rate)
    envelope = pyworld.cheaptrick(x, f0, times, rate)
    aperiodicity = pyworld.d4c(x, f0, times, rate)
    out = pyworld.synthesize(f0, envelope, aperiodicity, rate, frame_period=5.0)
    return _same_length(out, audio.size)


def lpc(audio: np.ndarray, rate: int, rng: np.random.Generator) -> np.ndarray:
    """An LPC-10 style vocoder: all-pole envelope excited by pulses or noise."""
    x = np.ascontiguousarray(audio, dtype=np.float64)
    hop = rate // 100
    order = int(rng.choice([10, 12, 14]))
    f0, _ = pyworld.dio(x, rate, frame_period=1000 * hop / rate)
    window = np.hanning(2 * hop)
    padded = np.pad(x, (hop, 2 * hop))
    out = np.zeros(x.size + 2 * hop)
    state = np.zeros(order)
    phase = 0.0
    for frame in range(min(f0.size, x.size // hop + 1)):
        segment = padded[frame * hop : frame * hop + 2 * hop] * window
        if not np.any(segment):
            continue
        coefficients = librosa.lpc(
            segment + 1e-9 * rng.standard_normal(segment.size), order=order
        )
        gain = float(np.sqrt(np.mean(lfilter(coefficients, [1.0], segment) ** 2)))
        excitation, phase = _excitation(float(f0[frame]), rate, hop, phase, rng)
        if not np.all(np.isfinite(coefficients)):
            continue
        synthesized, state = lfilter([gain], coefficients, excitation, zi=state)
        out[frame * hop : frame * hop + hop] = synthesized
    return _same_length(np.clip(out, -1.0, 1.0), audio.size)


def _excitation(
    f0: float, rate: int, length: int, phase: float, rng: np.random.Generator
) -> tuple[np.ndarray, float]:
    if f0 <= 0:
        return rng.standard_normal(length), 0.0
    period = rate / f0
    excitation = np.zeros(length)
    position = phase
    while position < length:
        excitation[int(position)] = np.sqrt(period)
        position += period
    return excitation, position - length


def phase_vocoder(audio: np.ndarray, rate: int, rng: np.random.Generator) -> np.ndarray:
    """Phase-vocoder time stretch by 1.5-2.5 (or its inverse), then back again.

    Pitch, tempo and voice stay the speaker's own (a changed pitch would teach
    the model each training speaker's range); only the phase artifacts remain.
    """
    stretch = float(rng.uniform(1.5, 2.5)) ** float(rng.choice([-1.0, 1.0]))
    n_fft = int(rng.choice([512, 1024]))
    spectrum = librosa.stft(audio, n_fft=n_fft, hop_length=n_fft // 4)
    there = librosa.phase_vocoder(spectrum, rate=stretch, hop_length=n_fft // 4)
    back = librosa.phase_vocoder(there, rate=1 / stretch, hop_length=n_fft // 4)
    out = librosa.istft(back, hop_length=n_fft // 4, n_fft=n_fft, length=audio.size)
    return _same_length(out, audio.size)


def _same_length(audio: np.ndarray, size: int) -> np.ndarray:
    if audio.size >= size:
        return audio[:size]
    return np.pad(audio, (0, size - audio.size))


VOCODERS: dict[str, Vocoder] = {
    "voc-griffinlim": griffin_lim,
    "voc-world": world,
    "voc-lpc": lpc,
    "voc-pvoc": phase_vocoder,
}
