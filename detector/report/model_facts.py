"""What a report says about the checkpoint: identity, weights digest, calibration, card.

Read from the files of the configured ``DETECTOR_MODEL`` directory with the
standard library only (the web process never loads torch): ``config.json``,
the weights, ``detector_thresholds.json``, ``build_info.json`` and the model
card ``README.md``. Everything is read once per set of file versions: a
digest of a real checkpoint's weights takes seconds, and reports are many.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
THRESHOLDS_FILE = "detector_thresholds.json"
BUILD_INFO_FILE = "build_info.json"
CARD_FILE = "README.md"
# The model card's sections a report quotes (inference/training/templates/model_card.md).
TRAINING_SECTION = "Training material"
LIMITS_SECTION = "What it does not cover"

_BLOCK = 1 << 20


@dataclass(frozen=True)
class ModelFacts:
    name: str
    version: str
    trained: bool
    calibrated: bool
    weights_file: str
    weights_sha256: str
    thresholds: dict[str, Any]
    calibration: dict[str, Any]
    # Held-out error per kind of held-out group (pooled), from the build.
    evaluation: list[dict[str, Any]]
    card_file: str
    summary: str
    trained_on: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)
    # What the material covered (inference/training/coverage.py); {} when undeclared.
    coverage: dict[str, Any] = field(default_factory=dict)


def facts_for(model_name: str, model_version: str) -> ModelFacts | None:
    """The configured checkpoint's facts, if it is the one that scored (name and version).

    None when another checkpoint is configured now, or it is a hub id: this
    server then holds no files of the scoring model to describe.
    """
    facts = serving_facts()
    if facts is None or (facts.name, facts.version) != (model_name, model_version):
        return None
    return facts


def serving_facts() -> ModelFacts | None:
    """The configured checkpoint's facts; None when ``DETECTOR_MODEL`` is a hub id."""
    directory = Path(settings.DETECTOR_MODEL)
    if not directory.is_dir():
        return None
    return _read_facts(str(directory), _stamp(directory))


def _stamp(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times: a rebuilt checkpoint is read again."""
    files = sorted(path for path in directory.iterdir() if path.is_file())
    return tuple(
        (path.name, status.st_size, status.st_mtime_ns)
        for path, status in ((path, path.stat()) for path in files)
    )


@lru_cache(maxsize=4)
def _read_facts(directory_name: str, stamp: object) -> ModelFacts:
    directory = Path(directory_name)
    config = _json(directory / "config.json")
    weights = next(
        (directory / name for name in WEIGHT_FILES if (directory / name).is_file()),
        None,
    )
    digest = _sha256(weights) if weights else ""
    build_info = _json(directory / BUILD_INFO_FILE)
    card = _read_card(directory / CARD_FILE)
    return ModelFacts(
        # The same identity rule as inference.model, which stamps detections.
        name=str(config.get("detector_name") or directory.name),
        version=str(
            config.get("detector_version")
            or (f"sha256-{digest[:12]}" if digest else "unknown")
        ),
        trained=bool(config.get("detector_trained", True)),
        calibrated=bool(config.get("detector_calibrated", False)),
        weights_file=weights.name if weights else "",
        weights_sha256=digest,
        thresholds=_json(directory / THRESHOLDS_FILE),
        calibration=dict(build_info.get("calibration") or {}),
        evaluation=_pooled_evaluation(build_info),
        card_file=CARD_FILE if card else "",
        summary=_first_paragraph(card),
        trained_on=_bullets(_section(card, TRAINING_SECTION)),
        limits=_bullets(_section(card, LIMITS_SECTION)),
        coverage=dict(build_info.get("coverage") or {}),
    )


def _json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    value = json.loads(path.read_text(encoding="utf-8"))
    return value if isinstance(value, dict) else {}


def _pooled_evaluation(build_info: dict[str, Any]) -> list[dict[str, Any]]:
    groups = build_info.get("cross_validation") or {}
    return [
        {"held_out": kind, "eer": row.get("eer"), "auc": row.get("auc")}
        for kind, rows in groups.items()
        for row in rows
        if row.get("name") == "pooled"
    ]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as weights:
        for block in iter(lambda: weights.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_card(path: Path) -> str:
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    # Hugging Face cards open with YAML metadata between --- lines.
    return re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)


def _section(card: str, heading: str) -> str:
    match = re.search(
        rf"^## {re.escape(heading)}\s*\n(.*?)(?=^## |\Z)",
        card,
        re.MULTILINE | re.DOTALL,
    )
    return match.group(1) if match else ""


def _first_paragraph(card: str) -> str:
    """The card's opening paragraph: what the model is and what its score means."""
    for paragraph in re.split(r"\n\s*\n", card):
        if paragraph.strip() and not paragraph.lstrip().startswith("#"):
            return _plain(paragraph)
    return ""


def _bullets(section: str) -> list[str]:
    """A section's top-level list items as plain sentences (tables are left out)."""
    items: list[str] = []
    for line in section.splitlines():
        if line.startswith("- "):
            items.append(line[2:])
        elif items and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()
    return [_plain(item) for item in items]


def _plain(markdown: str) -> str:
    text = re.sub(r"\*\*|__|`", "", markdown)
    return re.sub(r"\s+", " ", text).strip()
