"""The reference baseline: MFCC statistics and a logistic regression (numpy only)."""

from collections.abc import Sequence
from dataclasses import dataclass

import librosa
import numpy as np

from inference.chunking import SAMPLE_RATE
from inference.model import as_float

N_MFCC = 20


@dataclass(frozen=True)
class LogisticModel:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Spoof probability of each row of ``features``."""
        logits = ((features - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def score(self, chunks: Sequence[np.ndarray]) -> list[float]:
        """The DetectorModel interface: spoof probability per 16 kHz chunk."""
        return [
            float(p) for p in self.predict(np.stack([mfcc_stats(c) for c in chunks]))
        ]


def mfcc_stats(chunk: np.ndarray) -> np.ndarray:
    """Mean and standard deviation of MFCCs and their deltas over the chunk."""
    audio = as_float(chunk)
    mfcc = librosa.feature.mfcc(
        y=audio, sr=SAMPLE_RATE, n_mfcc=N_MFCC, n_fft=512, hop_length=160, n_mels=40
    )
    width = min(9, mfcc.shape[1] - (1 - mfcc.shape[1] % 2))
    delta = (
        librosa.feature.delta(mfcc, width=max(width, 3))
        if mfcc.shape[1] >= 3
        else 0 * mfcc
    )
    frames = np.concatenate([mfcc, delta])
    return np.concatenate([frames.mean(axis=1), frames.std(axis=1)])


def fit_logistic(
    features: np.ndarray, labels: np.ndarray, l2: float = 1e-2, iterations: int = 30
) -> LogisticModel:
    """L2-regularised, class-balanced logistic regression by Newton's method (IRLS)."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0) + 1e-8
    x = np.hstack([(features - mean) / scale, np.ones((features.shape[0], 1))])
    y = labels.astype(np.float64)
    # Balanced weights: each class counts as much as the other, whatever the sizes.
    sample_weight = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1))
    theta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ theta)))
        gradient = x.T @ (sample_weight * (p - y)) + penalty * theta
        hessian = (x * (sample_weight * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return LogisticModel(mean, scale, theta[:-1], float(theta[-1]))


def train_baseline(
    chunks: Sequence[Sequence[np.ndarray]], spoof: Sequence[bool]
) -> LogisticModel:
    """Fit on every chunk of every training file, each labelled as its file."""
    features, labels = [], []
    for file_chunks, is_spoof in zip(chunks, spoof, strict=True):
        for chunk in file_chunks:
            features.append(mfcc_stats(chunk))
            labels.append(float(is_spoof))
    return fit_logistic(np.stack(features), np.array(labels))
