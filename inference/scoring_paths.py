"""Named scoring paths (precision and quantisation per device) and the load-time chooser.

A path turns the fp32 model into the one a worker scores with. With
``DETECTOR_SCORING_PATH=auto`` the worker scores a few reference chunks with
fp32 and with the device's other paths, fastest first, and keeps the first
whose scores stay within ``TOLERANCE`` of fp32. ``bench.scoring_paths`` (CPU)
and ``bench.gpu`` (CUDA) measure that order on a longer recording.
"""

import copy
import logging
from collections.abc import Callable
from collections.abc import Sequence
from contextlib import AbstractContextManager
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Generic
from typing import Protocol
from typing import TypeVar

import numpy as np
import torch
from torch import nn

from inference.acceleration import optimize_for_cpu
from inference.acceleration import quantize_linear_layers
from inference.chunking import SAMPLE_RATE
from inference.exceptions import ModelConfigurationError
from inference.selftest import load_clips

logger = logging.getLogger(__name__)

AUTO = "auto"
# Largest |score - fp32 score| a faster path may show on the reference chunks.
TOLERANCE = 0.01
REFERENCE_CHUNK_SECONDS = 4.0


@dataclass(frozen=True)
class ScoringPath:
    name: str
    # Returns the model to score with; the fp32 model it is given stays unchanged.
    prepare: Callable[[nn.Module], nn.Module]
    autocast: torch.dtype | None = None

    def context(self, device_type: str) -> AbstractContextManager[object]:
        """The autocast region the forward pass runs in (none for fp32 weights)."""
        if self.autocast is None:
            return nullcontext()
        return torch.autocast(device_type, dtype=self.autocast)


def _unchanged(model: nn.Module) -> nn.Module:
    return model


def _int8(model: nn.Module) -> nn.Module:
    return quantize_linear_layers(model)  # a copy: the fp32 model stays as it is


def _int8_bf16(model: nn.Module) -> nn.Module:
    return optimize_for_cpu(copy.deepcopy(model))


FP32 = ScoringPath("fp32", _unchanged)
# Fastest first, as bench.scoring_paths measured on two cores (AVX-512 with bf16):
# int8-bf16 beat int8 and fp32 for both the default and a base-plus WavLM.
CPU_PATHS = (ScoringPath("int8-bf16", _int8_bf16), ScoringPath("int8", _int8), FP32)
# fp16 and bf16 run at the same tensor-core speed; fp16 keeps more mantissa bits,
# bf16 is the fallback when fp16 overflows.
CUDA_PATHS = (
    ScoringPath("fp16", _unchanged, torch.float16),
    ScoringPath("bf16", _unchanged, torch.bfloat16),
    FP32,
)


def paths_for(device: torch.device) -> tuple[ScoringPath, ...]:
    """Every path a device can score with (only fp32 on devices other than CPU and CUDA)."""
    return {"cpu": CPU_PATHS, "cuda": CUDA_PATHS}.get(device.type, (FP32,))


def requested_paths(requested: str, device: torch.device) -> tuple[ScoringPath, ...]:
    """The candidates for a ``DETECTOR_SCORING_PATH`` value: all for auto, else one."""
    available = paths_for(device)
    if requested == AUTO:
        return available
    for path in available:
        if path.name == requested:
            return (path,)
    names = ", ".join(path.name for path in available)
    raise ModelConfigurationError(
        f"DETECTOR_SCORING_PATH={requested!r} is no scoring path on {device.type}; "
        f"use {AUTO} or one of {names}."
    )


def reference_chunks() -> list[np.ndarray]:
    """The built-in self-test clips, joined and cut into chunks of the workers' length.

    Three 4-second chunks: about two seconds of fp32 scoring for a base-plus WavLM.
    """
    joined = np.concatenate([clip.samples for clip in load_clips()])
    size = round(REFERENCE_CHUNK_SECONDS * SAMPLE_RATE)
    return [
        joined[start : start + size] for start in range(0, joined.size - size + 1, size)
    ]


def largest_difference(expected: Sequence[float], actual: Sequence[float]) -> float:
    """Largest absolute score difference; NaN when either side has a NaN."""
    return float(np.max(np.abs(np.asarray(expected) - np.asarray(actual))))


class Scorer(Protocol):
    def score(self, chunks: Sequence[np.ndarray]) -> list[float]: ...


ScorerT = TypeVar("ScorerT", bound=Scorer)


@dataclass(frozen=True)
class Choice(Generic[ScorerT]):
    scorer: ScorerT
    path: ScoringPath
    max_difference: float


def choose_fastest(
    exact: ScorerT,
    candidates: Sequence[ScoringPath],
    build: Callable[[ScoringPath], ScorerT],
    reference: Sequence[np.ndarray],
    tolerance: float = TOLERANCE,
) -> Choice[ScorerT]:
    """The first candidate (fastest first) within ``tolerance`` of ``exact`` (fp32).

    The order is not timed here: a second of timing on a busy machine would
    pick a path at random, and the benchmark measures the order properly.
    """
    expected = exact.score(reference)
    for path in candidates:
        if path is FP32:
            break
        trial = build(path)
        difference = largest_difference(expected, trial.score(reference))
        if difference <= tolerance:  # False for NaN too, e.g. an fp16 overflow
            return Choice(trial, path, difference)
        logger.warning(
            "scoring path %s is %.4f from fp32 on the reference chunks (over %g)",
            path.name,
            difference,
            tolerance,
        )
        del trial  # free the refused copy before building the next
    return Choice(exact, FP32, 0.0)
