"""Detector throughput on a CUDA GPU: every CUDA scoring path at several batch sizes.

Run with ``python -m bench.gpu`` on a machine with a CUDA device (a few
minutes; nothing is downloaded). For the shipped default model and a randomly
initialised WavLM of base-plus size on ``cuda:0``, each CUDA path of
``inference.scoring_paths`` (fp32, fp16 and bf16 autocast) scores the same
4-second chunks through the workers' scoring code at batch sizes 1, 4, 16
and 64. It prints audio-seconds per wall-second, the largest score difference
from fp32, peak GPU memory, the fastest run within tolerance, and the path a
worker with ``DETECTOR_SCORING_PATH=auto`` takes on this GPU.
"""

import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import django
import numpy as np
import torch

if TYPE_CHECKING:
    from inference.model import DetectorModel
    from inference.scoring_paths import ScoringPath

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CHECKPOINT = ROOT / "models" / "default"
BATCH_SIZES = (1, 4, 16, 64)
CHUNKS = int(os.environ.get("BENCH_GPU_CHUNKS", "128"))
NO_CUDA = (
    "bench.gpu needs a CUDA device, and torch sees none "
    "(torch.cuda.is_available() is false): nothing was measured."
)


@dataclass(frozen=True)
class GpuRun:
    model: str
    path: str
    batch: int
    audio_per_second: float
    max_difference: float
    peak_bytes: int


def require_cuda() -> torch.device:
    """The first CUDA device, or exit with a message saying why nothing ran."""
    if not torch.cuda.is_available():
        raise SystemExit(NO_CUDA)
    return torch.device("cuda:0")


def measure(
    model: str,
    exact: "DetectorModel",
    path: "ScoringPath",
    batch: int,
    chunks: Sequence[np.ndarray],
    expected: Sequence[float] | None,
) -> tuple[GpuRun, list[float]]:
    """One path at one batch size; ``expected`` None means this run is the reference."""
    from inference.scoring_paths import largest_difference

    detector = exact.using(path)
    detector.batch_size = batch
    detector.score(chunks[:batch])  # warm-up: kernel selection, allocator growth
    torch.cuda.synchronize(exact.device)
    torch.cuda.reset_peak_memory_stats(exact.device)
    started = time.perf_counter()
    scores = detector.score(chunks)  # returns floats, so the GPU has finished
    elapsed = time.perf_counter() - started
    difference = 0.0 if expected is None else largest_difference(expected, scores)
    run = GpuRun(
        model,
        path.name,
        batch,
        sum(chunk.size for chunk in chunks) / 16_000 / elapsed,
        difference,
        torch.cuda.max_memory_allocated(exact.device),
    )
    return run, scores


def fastest_safe(runs: Sequence[GpuRun], tolerance: float) -> dict[str, GpuRun]:
    """Per model, the fastest run whose scores stay within ``tolerance`` of fp32."""
    best: dict[str, GpuRun] = {}
    for run in runs:
        if not run.max_difference <= tolerance:
            continue
        if (
            run.model not in best
            or run.audio_per_second > best[run.model].audio_per_second
        ):
            best[run.model] = run
    return best


HEADER = (
    f"{'model':<10} {'path':<5} {'batch':>5} {'audio-s/s':>10} "
    f"{'max |Δ| vs fp32':>15} {'peak GPU':>10}"
)


def format_run(run: GpuRun) -> str:
    """One line of the table under ``HEADER``."""
    return (
        f"{run.model:<10} {run.path:<5} {run.batch:>5} {run.audio_per_second:>10.0f} "
        f"{run.max_difference:>15.4f} {run.peak_bytes / 1024**2:>6.0f} MiB"
    )


def sweep(model: str, checkpoint: Path, device: torch.device) -> list[GpuRun]:
    """Every CUDA path at every batch size, against fp32 at batch 1."""
    from bench.default_model import speech_like_chunks
    from inference.model import load_detector
    from inference.scoring_paths import CUDA_PATHS
    from inference.scoring_paths import FP32

    exact = load_detector(str(checkpoint), None, device, 1, scoring_path=FP32.name)
    chunks = speech_like_chunks(CHUNKS)
    runs: list[GpuRun] = []
    expected: list[float] | None = None
    for path in (FP32, *(path for path in CUDA_PATHS if path is not FP32)):
        for batch in BATCH_SIZES:
            run, scores = measure(model, exact, path, batch, chunks, expected)
            if expected is None:
                expected = scores
            runs.append(run)
            print(format_run(run), flush=True)
    return runs


def main() -> None:
    device = require_cuda()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from inference.model import load_detector
    from inference.offline_model import save_random_checkpoint
    from inference.scoring_paths import AUTO
    from inference.scoring_paths import TOLERANCE

    print(
        f"{torch.cuda.get_device_name(device)}, torch {torch.__version__}, "
        f"{CHUNKS} chunks of 4 s"
    )
    print(f"{HEADER}\n{'-' * len(HEADER)}")
    with tempfile.TemporaryDirectory() as directory:
        models = {
            "default": DEFAULT_CHECKPOINT,
            "base-plus": save_random_checkpoint(Path(directory) / "bp", "base-plus"),
        }
        runs = []
        for model, checkpoint in models.items():
            runs.extend(sweep(model, checkpoint, device))
            worker = load_detector(
                str(checkpoint), None, device, BATCH_SIZES[-1], scoring_path=AUTO
            )
            print(
                f"{model}: a worker with DETECTOR_SCORING_PATH=auto takes "
                f"{worker.scoring_path.name} "
                f"({worker.scoring_path_difference or 0.0:.4f} from fp32)",
                flush=True,
            )
            del worker
            torch.cuda.empty_cache()
    for model, run in fastest_safe(runs, TOLERANCE).items():
        print(
            f"{model}: fastest within {TOLERANCE} of fp32: {run.path} at batch "
            f"{run.batch}, {run.audio_per_second:.0f} audio-s/s"
        )


if __name__ == "__main__":
    main()
