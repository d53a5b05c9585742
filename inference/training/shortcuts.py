"""Features a detector could cheat with (level, band, rolloff, length); their AUCs."""

from collections.abc import Sequence

import librosa
import numpy as np

from inference.chunking import SAMPLE_RATE
from inference.model import as_float
from inference.training.metrics import roc_auc
from inference.training.protocol import ProtocolEntry

FEATURES = ("rms", "rolloff", "bandwidth", "duration")
_N_FFT = 512
# The band edge: the highest frequency whose long-term level is within this of the peak.
_BAND_EDGE_DB = 50.0


def shortcut_features(samples: np.ndarray) -> dict[str, float]:
    """Overall RMS, mean 85 % spectral rolloff, bandwidth (Hz) and duration (s)."""
    audio = as_float(samples).astype(np.float64)
    power = np.abs(librosa.stft(audio, n_fft=_N_FFT)) ** 2
    spectrum_db = 10 * np.log10(power.mean(axis=1) + 1e-12)
    frequencies = librosa.fft_frequencies(sr=SAMPLE_RATE, n_fft=_N_FFT)
    in_band = np.flatnonzero(spectrum_db > spectrum_db.max() - _BAND_EDGE_DB)
    return {
        "rms": float(np.sqrt(np.mean(audio**2))),
        "rolloff": float(
            librosa.feature.spectral_rolloff(S=power, sr=SAMPLE_RATE).mean()
        ),
        "bandwidth": float(frequencies[in_band.max()]),
        "duration": audio.size / SAMPLE_RATE,
    }


def shortcut_aucs(
    entries: Sequence[ProtocolEntry], samples: Sequence[np.ndarray]
) -> dict[str, float]:
    """Each feature's ROC AUC as a one-feature spoof detector (0.5 = useless)."""
    rows = [shortcut_features(audio) for audio in samples]
    spoof = np.array([entry.is_spoof for entry in entries])
    aucs = {}
    for name in FEATURES:
        values = np.array([row[name] for row in rows])
        aucs[name] = roc_auc(values[~spoof], values[spoof])
    return aucs
