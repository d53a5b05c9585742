"""The self-test clips: human, neural-TTS and classic-TTS crops of the build's material.

Only material the project may redistribute becomes a clip: FSDD-derived
digits (CC BY-SA 4.0) and neural-corpus files from repositories with a
permissive licence. None comes from a source reserved for evaluation: the
material reader never returns those.
"""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from inference.chunking import SAMPLE_RATE
from inference.labels import BONAFIDE
from inference.labels import SPOOF
from inference.model import DetectorModel
from inference.selftest import MANIFEST
from inference.selftest import NEURAL
from inference.selftest import SelfTestError
from inference.selftest import run_self_test
from inference.training.material import FSDD
from inference.training.material import Item
from inference.training.neural import NeuralItem

CLIP_SECONDS = 1.5
FSDD_LICENCE = "CC BY-SA 4.0 (derived from the Free Spoken Digit Dataset)"
_PERMISSIVE = ("MIT", "Apache", "BSD", "MPL")
# (domain, label) -> how many clips, and whether spoof clips need distinct systems.
_QUOTA = {
    (FSDD, BONAFIDE): 2,
    (FSDD, SPOOF): 2,
    (NEURAL, BONAFIDE): 2,
    (NEURAL, SPOOF): 3,
}


def write_selftest_clips(
    detector: DetectorModel,
    originals: Sequence[Item],
    neural: Sequence[NeuralItem],
    directory: Path,
) -> dict[str, Any]:
    """Write the clips the model finds clearest per kind; the self-test's outcome."""
    licences = {entry.file_id: entry.licence for entry in neural}
    candidates = [
        item
        for item in originals
        if (item.domain == FSDD and item.split == "eval")
        or licences.get(item.origin, "").startswith(_PERMISSIVE)
    ]
    length = round(CLIP_SECONDS * SAMPLE_RATE)
    crops = [_loudest_window(item.audio, length) for item in candidates]
    scores = detector.score(crops)
    chosen = _choose(candidates, crops, scores)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.flac"):
        old.unlink()
    clips = []
    for item, crop in chosen:
        label = SPOOF if item.is_spoof else BONAFIDE
        kind = NEURAL if item.domain != FSDD else "classic"
        name = f"{label}_{kind}_{item.origin}.flac"
        sf.write(directory / name, crop, SAMPLE_RATE)
        clips.append(
            {
                "file": name,
                "label": label,
                "kind": kind,
                "system": item.system,
                "source": item.origin,
                "licence": licences.get(item.origin, FSDD_LICENCE),
            }
        )
    (directory / MANIFEST).write_text(
        json.dumps({"sample_rate": SAMPLE_RATE, "clips": clips}, indent=2) + "\n"
    )
    try:
        return run_self_test(detector, directory).as_dict()
    except SelfTestError as error:
        return {"status": "failed", "detail": str(error)}


def _choose(
    items: Sequence[Item], crops: Sequence[np.ndarray], scores: Sequence[float]
) -> list[tuple[Item, np.ndarray]]:
    """Per kind: human crops scored lowest, spoof crops (distinct systems) highest."""
    chosen = []
    for (domain, label), quota in _QUOTA.items():
        spoof = label == SPOOF
        rows = sorted(
            (
                (score, item, crop)
                for item, crop, score in zip(items, crops, scores, strict=True)
                if (item.domain == FSDD) == (domain == FSDD) and item.is_spoof == spoof
            ),
            key=lambda row: -row[0] if spoof else row[0],
        )
        systems: set[str] = set()
        for _, item, crop in rows:
            if len(systems) == quota:
                break
            key = item.system if spoof else item.origin
            if key not in systems:
                systems.add(key)
                chosen.append((item, crop))
    return chosen


def _loudest_window(samples: np.ndarray, length: int) -> np.ndarray:
    if samples.size <= length:
        return samples
    power = np.concatenate([[0.0], np.cumsum(samples.astype(np.float64) ** 2)])
    start = int(np.argmax(power[length:] - power[:-length]))
    return samples[start : start + length]
