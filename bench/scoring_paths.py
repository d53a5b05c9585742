"""Every CPU scoring path on one recording: throughput, distance from fp32, peak memory.

Run with ``make bench`` (or ``python -m bench.scoring_paths``; ``BENCH_SECONDS``
shortens the recording). For the shipped default model and a randomly
initialised WavLM of base-plus size (built here, never downloaded), each path
of ``inference.scoring_paths`` scores the same speech recording in a fresh
process, so each peak resident memory is that path's own. The ``auto`` row is
what a worker with ``DETECTOR_SCORING_PATH=auto`` picks, choice included.
ONNX Runtime rows (``bench.onnx_paths``) follow when it is installed.
End to end against model only is printed by ``bench.pipeline``.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import django
import numpy as np

from bench import onnx_paths

if TYPE_CHECKING:
    from inference.scoring_paths import Scorer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CHECKPOINT = ROOT / "models" / "default"
RECORDING_SECONDS = int(os.environ.get("BENCH_SECONDS", "180"))
CHUNK_SECONDS = 4.0
MIN_CHUNK_SECONDS = 1.0
CHILD = "--child"
EXPORT = "--export"


@dataclass(frozen=True)
class Measurement:
    model: str
    requested: str
    path: str
    audio_per_second: float
    peak_rss_bytes: int
    scores: list[float]


@dataclass(frozen=True)
class Row:
    model: str
    path: str
    audio_per_second: float
    speedup: float
    max_difference: float
    peak_mib: float


def speech_recording(seconds: int) -> np.ndarray:
    """The built-in speech and TTS clips, shuffled, each copy at its own level and noise."""
    from inference.selftest import load_clips

    clips = [clip.samples.astype(np.float32) for clip in load_clips()]
    rng = np.random.default_rng(0)
    pieces: list[np.ndarray] = []
    total = 0
    while total < seconds * 16_000:
        for index in rng.permutation(len(clips)):
            clip = clips[index] * rng.uniform(0.25, 1.0)
            noise = rng.standard_normal(clip.size) * rng.uniform(10, 100)
            pieces.append(clip + noise)
            total += clip.size
    joined = np.concatenate(pieces)[: seconds * 16_000]
    return np.clip(joined, -32768, 32767).astype(np.int16)


def load_scorer(
    checkpoint: Path, requested: str, batch: int, exports: Path
) -> tuple["Scorer", str]:
    """The scorer a path names, and the path it scores through (auto resolved)."""
    import torch

    from inference.model import load_detector

    if requested in onnx_paths.PATHS:
        onnx_file = onnx_paths.model_file(exports, requested)
        return onnx_paths.OnnxScorer(onnx_file, checkpoint, batch), requested
    detector = load_detector(
        str(checkpoint), None, torch.device("cpu"), batch, scoring_path=requested
    )
    return detector, detector.scoring_path.name


def score_recording(
    checkpoint: Path, requested: str, seconds: int, exports: Path
) -> dict[str, object]:
    """In this process: load through ``requested``, score the recording, report."""
    import torch
    from django.conf import settings

    from inference.chunking import plan_chunks

    if settings.DETECTOR_TORCH_THREADS:
        torch.set_num_threads(settings.DETECTOR_TORCH_THREADS)
    batch = settings.DETECTOR_BATCH_SIZE
    scorer, path = load_scorer(checkpoint, requested, batch, exports)
    pcm = speech_recording(seconds)
    spans = plan_chunks(pcm.size, CHUNK_SECONDS, MIN_CHUNK_SECONDS)
    chunks = [pcm[span.start_sample : span.end_sample] for span in spans]
    scorer.score(chunks[:batch])  # warm-up: one-off kernel and allocator costs
    started = time.perf_counter()
    scores = scorer.score(chunks)
    elapsed = time.perf_counter() - started
    return {
        "path": path,
        "audio_per_second": pcm.size / 16_000 / elapsed,
        "peak_rss_bytes": peak_rss_bytes(),
        "scores": scores,
    }


def in_child(*arguments: object) -> str:
    """Run this module with ``arguments`` in a fresh process; its standard output."""
    command = [sys.executable, "-m", "bench.scoring_paths", *map(str, arguments)]
    finished = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{finished.stderr[-4000:]}")
    return finished.stdout


def peak_rss_bytes() -> int:
    """This process's peak resident memory (Linux).

    Not ``ru_maxrss``: Linux carries it over ``exec`` from the forked parent,
    so every child would report at least the parent's size.
    """
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def measure(
    model: str, checkpoint: Path, requested: str, seconds: int, exports: Path
) -> Measurement:
    """One path in a fresh process, so memory peaks of other paths do not mix in."""
    output = in_child(CHILD, checkpoint, requested, seconds, exports)
    result = json.loads(output.splitlines()[-1])
    return Measurement(
        model,
        requested,
        str(result["path"]),
        float(result["audio_per_second"]),
        int(result["peak_rss_bytes"]),
        [float(score) for score in result["scores"]],
    )


def rows_for(measurements: Sequence[Measurement]) -> list[Row]:
    """Table rows: each measurement against its own model's fp32 measurement."""
    from inference.scoring_paths import largest_difference

    exact = {m.model: m for m in measurements if m.requested == "fp32"}
    rows = []
    for measured in measurements:
        reference = exact[measured.model]
        label = measured.requested
        if measured.requested != measured.path:
            label = f"{measured.requested} → {measured.path}"
        rows.append(
            Row(
                measured.model,
                label,
                measured.audio_per_second,
                measured.audio_per_second / reference.audio_per_second,
                largest_difference(reference.scores, measured.scores),
                measured.peak_rss_bytes / 1024**2,
            )
        )
    return rows


def format_table(rows: Sequence[Row]) -> str:
    """A fixed-width table, one line per model and path."""
    header = (
        f"{'model':<10} {'path':<18} {'audio-s/s':>9} {'speed-up':>8} "
        f"{'max |Δ| vs fp32':>15} {'peak RSS':>10}"
    )
    lines = [header, "-" * len(header)]
    lines.extend(
        f"{row.model:<10} {row.path:<18} {row.audio_per_second:>9.1f} "
        f"{row.speedup:>7.2f}x {row.max_difference:>15.4f} {row.peak_mib:>6.0f} MiB"
        for row in rows
    )
    return "\n".join(lines)


def main() -> None:
    import torch

    from inference.offline_model import save_random_checkpoint
    from inference.scoring_paths import AUTO
    from inference.scoring_paths import CPU_PATHS

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    requests = [path.name for path in reversed(CPU_PATHS)] + [AUTO]
    allocator = os.environ.get("LD_PRELOAD") or "glibc malloc"
    print(
        f"Scoring paths on CPU: {RECORDING_SECONDS} s of speech in 4 s chunks, "
        f"batch {settings.DETECTOR_BATCH_SIZE}, {torch.get_num_threads()} threads, "
        f"{allocator}"
    )
    onnx = onnx_paths.available()
    if onnx:
        requests.extend(onnx_paths.PATHS)
    else:
        print(
            "ONNX Runtime rows left out: onnxruntime and onnxscript are not "
            "installed (see bench/onnx_paths.py)"
        )
    measurements: list[Measurement] = []
    with tempfile.TemporaryDirectory() as directory:
        scratch = Path(directory)
        models = {
            "default": DEFAULT_CHECKPOINT,
            "base-plus": save_random_checkpoint(scratch / "base-plus", "base-plus"),
        }
        for model, checkpoint in models.items():
            exports = scratch / f"{model}-onnx"
            if onnx:
                in_child(EXPORT, checkpoint, exports)
            measurements.extend(
                measure(model, checkpoint, requested, RECORDING_SECONDS, exports)
                for requested in requests
            )
    print(format_table(rows_for(measurements)))


def child(command: str, arguments: Sequence[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if command == EXPORT:
        checkpoint, exports = map(Path, arguments)
        exports.mkdir()
        onnx_paths.export(checkpoint, exports)
    else:
        checkpoint, exports = Path(arguments[0]), Path(arguments[3])
        result = score_recording(checkpoint, arguments[1], int(arguments[2]), exports)
        print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1:2] in ([CHILD], [EXPORT]):
        child(sys.argv[1], sys.argv[2:])
    else:
        main()
