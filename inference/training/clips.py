"""The self-test clips: picked from the held-out split, checked against the model."""

import json
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from inference.chunking import SAMPLE_RATE
from inference.model import DetectorModel
from inference.selftest import MANIFEST
from inference.selftest import SelfTestError
from inference.selftest import run_self_test
from inference.training.protocol import ProtocolEntry

CLIP_SECONDS = 1.5


def write_selftest_clips(
    detector: DetectorModel,
    entries: Sequence[ProtocolEntry],
    chunks: Sequence[Sequence[np.ndarray]],
    directory: Path,
) -> list[dict[str, str]]:
    """Three bona fide and three spoof held-out crops, the clearest the model sees."""
    length = round(CLIP_SECONDS * SAMPLE_RATE)
    crops = [_loudest_window(np.concatenate(c), length) for c in chunks]
    scores = detector.score(crops)
    ranked = sorted(zip(scores, entries, crops, strict=True), key=lambda row: row[0])
    bonafide = [row for row in ranked if not row[1].is_spoof][:3]
    spoof, attacks = [], set()
    for row in reversed(ranked):
        if row[1].is_spoof and row[1].attack not in attacks:
            spoof.append(row)
            attacks.add(row[1].attack)
        if len(spoof) == 3:
            break
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.flac"):
        old.unlink()
    clips = []
    for _, entry, crop in bonafide + spoof:
        kind = entry.attack.replace("-", "") or "human"
        name = f"{entry.label}_{kind}_{entry.file_id}.flac"
        sf.write(directory / name, crop, SAMPLE_RATE)
        clips.append(
            {
                "file": name,
                "label": entry.label,
                "attack": entry.attack,
                "source": entry.file_id,
            }
        )
    (directory / MANIFEST).write_text(
        json.dumps({"sample_rate": SAMPLE_RATE, "clips": clips}, indent=2) + "\n"
    )
    return clips


def _loudest_window(samples: np.ndarray, length: int) -> np.ndarray:
    if samples.size <= length:
        return samples
    power = np.concatenate([[0.0], np.cumsum(samples.astype(np.float64) ** 2)])
    start = int(np.argmax(power[length:] - power[:-length]))
    return samples[start : start + length]


def self_test_outcome(
    detector: DetectorModel, clips: Path | None, progress: Callable[[str], None]
) -> dict[str, Any] | None:
    """The self-test's outcome; a failure is recorded and shouted, not raised."""
    if clips is None:
        return None
    try:
        return run_self_test(detector, clips).as_dict()
    except SelfTestError as error:
        progress(f"WARNING: the new checkpoint fails its self-test: {error}")
        return {"status": "failed", "detail": str(error)}
