"""What a chunk holds: its share of speech (Silero VAD) and its loudness.

Silero's neural detector replaced WebRTC's rather than joining it: on the
signals of ``tests/inference/test_vad.py`` WebRTC heard speech in every frame
of music, a 1 kHz tone and white or pink noise, Silero in none, while both
heard espeak speech. AND-ing them would add nothing to Silero's answer;
OR-ing them would bring the false speech back.

The model is the TorchScript file that the ``silero-vad`` wheel ships, loaded
straight from the installed package: importing ``silero_vad`` itself would
set torch to one thread for the whole process (its ``model`` module does so
on import), and the package's loader adds nothing but that path.
"""

import importlib.util
import logging
import math
import threading
import warnings
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np
import torch

from inference.chunking import BYTES_PER_SAMPLE
from inference.chunking import SAMPLE_RATE

logger = logging.getLogger(__name__)

WINDOW_SAMPLES = 512  # Silero's window at 16 kHz: 32 ms
SPEECH_PROBABILITY = 0.5  # Silero's recommended threshold for a speech window
SILENT_DBFS = -120.0  # the level of digital silence (a finite number for JSON)
_BATCH_CHUNKS = 32  # 32 chunks of 4 s: 8 MB of float samples per forward pass
_FULL_SCALE = 32768.0

# The model keeps recurrent state between windows: one forward pass at a time.
_lock = threading.Lock()


def speech_ratios(pieces: Sequence[bytes]) -> list[float]:
    """For each 16 kHz PCM16 piece, the share of 32 ms windows that hold speech."""
    ratios: list[float] = []
    for start in range(0, len(pieces), _BATCH_CHUNKS):
        ratios.extend(_batch_ratios(pieces[start : start + _BATCH_CHUNKS]))
    return ratios


def level_dbfs(pcm: bytes) -> float:
    """The RMS level of 16-bit PCM in dB below full scale (-120 for silence)."""
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float64) / _FULL_SCALE
    if samples.size == 0:
        return SILENT_DBFS
    rms = math.sqrt(float(np.mean(samples * samples)))
    return max(SILENT_DBFS, 20.0 * math.log10(rms)) if rms > 0 else SILENT_DBFS


def _batch_ratios(pieces: Sequence[bytes]) -> list[float]:
    lengths = [len(piece) // BYTES_PER_SAMPLE for piece in pieces]
    longest = max(lengths, default=0)
    if longest == 0:
        return [0.0] * len(pieces)
    # Shorter pieces are padded at the end; the model runs forward in time, so
    # the padding never changes the windows before it, and is not counted.
    batch = np.zeros((len(pieces), longest), dtype=np.float32)
    for row, piece in enumerate(pieces):
        batch[row, : lengths[row]] = np.frombuffer(piece, dtype=np.int16)
    batch /= _FULL_SCALE
    with _lock, _one_thread(), torch.inference_mode():
        # audio_forward resets the model's state, then scores every window.
        probabilities = _model().audio_forward(torch.from_numpy(batch), SAMPLE_RATE)
    speech = (probabilities >= SPEECH_PROBABILITY).numpy()
    ratios = []
    for row, length in enumerate(lengths):
        windows = math.ceil(length / WINDOW_SAMPLES)
        ratios.append(float(speech[row, :windows].mean()) if windows else 0.0)
    return ratios


@cache
def _model() -> torch.jit.ScriptModule:
    """Silero's TorchScript model, loaded once per process on first use."""
    spec = importlib.util.find_spec("silero_vad")  # locates it without importing it
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            "silero-vad is not installed; see requirements/inference.txt"
        )
    path = Path(spec.origin).parent / "data" / "silero_vad.jit"
    with warnings.catch_warnings():
        # torch deprecates TorchScript for torch.export, but TorchScript is the
        # format Silero ships for torch (its other files are for ONNX and tinygrad).
        warnings.simplefilter("ignore", DeprecationWarning)
        model = torch.jit.load(str(path), map_location="cpu")
    model.eval()
    logger.info("loaded the Silero VAD model from %s", path)
    return model


@contextmanager
def _one_thread() -> Iterator[None]:
    # A small recurrent net over 32 ms windows runs about four times faster on
    # one thread than on two (thread hand-offs per window cost more than the
    # work), but the setting is process-wide: restore it for the detector model.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
