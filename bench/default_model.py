"""The default model's figures on this machine: throughput, held-out EER, build time.

Run with ``python -m bench.default_model`` after ``make model``. Throughput is
scored the way the workers score (same batch size and CPU speed-ups), on
4-second chunks; the EER is recomputed from the held-out score file.
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


def throughput(batch_size: int, *, optimize: bool) -> float:
    """Seconds of audio scored per wall-clock second."""
    from inference.model import load_detector

    detector = load_detector(
        str(CHECKPOINT), None, torch.device("cpu"), batch_size, optimize=optimize
    )
    chunks = speech_like_chunks(CHUNKS)
    detector.score(chunks[:batch_size])
    started = time.perf_counter()
    detector.score(chunks)
    return 4.0 * CHUNKS / (time.perf_counter() - started)


def held_out_eer() -> dict[str, float]:
    """EER overall and per attack, from the build's held-out score file."""
    from inference.training.evaluate import read_scores
    from inference.training.metrics import eer

    entries, scores = read_scores(CHECKPOINT / "eval" / "scores.txt")
    values = np.array(scores)
    spoof = np.array([entry.is_spoof for entry in entries])
    attacks = np.array([entry.attack for entry in entries])
    figures = {"overall": eer(values[~spoof], values[spoof])[0]}
    for attack in sorted(set(attacks[spoof])):
        figures[attack] = eer(values[~spoof], values[attacks == attack])[0]
    return figures


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    batch = settings.DETECTOR_BATCH_SIZE
    optimize = settings.DETECTOR_CPU_OPTIMIZE
    build = json.loads((CHECKPOINT / "build_info.json").read_text())
    print(
        f"checkpoint: {CHECKPOINT} "
        f"({build['detector_name']} {build['detector_version']})"
    )
    print(f"torch threads: {torch.get_num_threads()}")
    print(
        f"throughput at batch {batch} (CPU speed-ups {'on' if optimize else 'off'}): "
        f"{throughput(batch, optimize=optimize):.1f} s of audio per second"
    )
    if optimize:
        print(f"  without speed-ups: {throughput(batch, optimize=False):.1f}")
    print("held-out EER:")
    for attack, rate in held_out_eer().items():
        print(f"  {attack:<16} {100 * rate:6.2f} %")
    baseline = build["baseline"][0]["eer"]
    print(f"  MFCC+LR baseline {100 * baseline:6.2f} %")
    print(
        f"build time: {build['build_seconds'] / 60:.1f} min ({build['stage_seconds']})"
    )


if __name__ == "__main__":
    main()
