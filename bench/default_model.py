"""The default model's figures on this machine: throughput, held-out EER, build time.

Run with ``python -m bench.default_model`` after ``make model``. Throughput is
scored the way the workers score (same batch size and scoring path), on
4-second chunks (``bench.scoring_paths`` compares every path); the EER is recomputed from the held-out score file.
"""

import json
import os
import time
from pathlib import Path

import django
import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
CHECKPOINT = ROOT / "models" / "default"
CHUNKS = 64


def speech_like_chunks(count: int) -> list[np.ndarray]:
    """Noise shaped into syllable-rate bursts (the model's cost ignores content)."""
    rng = np.random.default_rng(0)
    t = np.arange(4 * 16_000)
    envelope = 0.5 + 0.5 * np.sin(t * 2 * np.pi * 4 / 16_000)
    return [
        (rng.standard_normal(t.size) * envelope * 3000).astype(np.int16)
        for _ in range(count)
    ]


def throughput(batch_size: int, scoring_path: str) -> tuple[float, str]:
    """Seconds of audio scored per wall-clock second, and the path that scored them."""
    from inference.model import load_detector

    detector = load_detector(
        str(CHECKPOINT),
        None,
        torch.device("cpu"),
        batch_size,
        scoring_path=scoring_path,
    )
    chunks = speech_like_chunks(CHUNKS)
    detector.score(chunks[:batch_size])
    started = time.perf_counter()
    detector.score(chunks)
    seconds = time.perf_counter() - started
    return 4.0 * CHUNKS / seconds, detector.scoring_path.name


def pooled_eers(record: dict) -> dict[str, tuple[float, float]]:
    """Pooled cross-validation EER per kind of held-out group: model and baseline."""

    def pooled(rows: list[dict]) -> float:
        return next((r["eer"] for r in rows if r["name"] == "pooled"), float("nan"))

    model, baseline = record["cross_validation"], record["baseline_cross_validation"]
    return {kind: (pooled(model[kind]), pooled(baseline[kind])) for kind in model}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    batch = settings.DETECTOR_BATCH_SIZE
    requested = settings.DETECTOR_SCORING_PATH
    build = json.loads((CHECKPOINT / "build_info.json").read_text())
    print(
        f"checkpoint: {CHECKPOINT} "
        f"({build['detector_name']} {build['detector_version']})"
    )
    print(f"torch threads: {torch.get_num_threads()}")
    figure, path = throughput(batch, requested)
    print(
        f"throughput at batch {batch} (scoring path {requested}: {path}): "
        f"{figure:.1f} s of audio per second"
    )
    if path != "fp32":
        print(f"  in fp32: {throughput(batch, 'fp32')[0]:.1f}")
    print("grouped cross-validation, pooled EER (MFCC+LR baseline):")
    for kind, (model, baseline) in pooled_eers(build).items():
        print(f"  {kind:<10} {100 * model:6.2f} %  ({100 * baseline:.2f} %)")
    print(
        f"build time: {build['build_seconds'] / 60:.1f} min ({build['stage_seconds']})"
    )


if __name__ == "__main__":
    main()
