"""The build record, ``build_info.json``: every figure a build measured.

The model card is rendered from it (``model_card.py``) and the web reads it
(``detector/report/model_facts.py``), so both describe the same build.
"""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from inference.labels import BONAFIDE

# Typing only: the card renders from a record without torch.
if TYPE_CHECKING:
    from inference.training.crossval import Fold
    from inference.training.crossval import SpliceTrial
    from inference.training.material import Item

BUILD_INFO = "build_info.json"


def write_record(directory: Path, info: dict[str, Any]) -> Path:
    path = directory / BUILD_INFO
    path.write_text(json.dumps(info, indent=2) + "\n")
    return path


def read_record(directory: Path) -> dict[str, Any]:
    record: dict[str, Any] = json.loads((directory / BUILD_INFO).read_text())
    return record


def fold_record(fold: "Fold") -> dict[str, Any]:
    return {
        "fold": fold.index + 1,
        "sources": sorted(fold.sources),
        "systems": sorted(fold.systems),
        "fsdd_speaker": fold.speaker,
    }


def splice_record(trials: Sequence["SpliceTrial"]) -> dict[str, Any]:
    separated = sum(t.separated for t in trials)
    return {
        "files": len(trials),
        "separated": separated,
        "share": round(separated / len(trials), 4) if trials else None,
    }


def corpus_counts(originals: Sequence["Item"]) -> dict[str, dict[str, int]]:
    """Files per domain, by spoofing system or as bona fide."""
    counts: dict[str, dict[str, int]] = {}
    for item in originals:
        key = item.system if item.is_spoof else BONAFIDE
        domain = counts.setdefault(item.domain, {})
        domain[key] = domain.get(key, 0) + 1
    return {domain: dict(sorted(c.items())) for domain, c in counts.items()}
