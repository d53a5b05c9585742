"""The neural TTS / vocoder / voice-conversion corpus in ``shared/data/neural-tts``.

Each file comes from a public demo repository (``sources.csv`` names it, its
commit, licence, system, speaker and the corpus of the human voice). Some
repositories are reserved for independent evaluation of the platform: their
material must never reach training, calibration or model selection, so the
reader refuses to return it whatever the folder holds.
"""

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from inference.labels import BONAFIDE
from inference.labels import SPOOF

SOURCES_FILE = "sources.csv"
RESERVED_REPOSITORIES = frozenset(
    {
        "jaywalnut310/vits-demo",
        "styletts2/styletts2.github.io",
        "edresson/yourtts",
    }
)


class NeuralCorpusError(ValueError):
    """The corpus folder is missing or its index cannot be read."""


@dataclass(frozen=True)
class NeuralItem:
    file_id: str
    path: Path
    repository: str
    licence: str
    source_tag: str
    system: str
    speaker: str
    corpus: str
    is_spoof: bool


def read_neural_corpus(root: Path) -> list[NeuralItem]:
    """Every usable file of the corpus, in index order, reserved sources left out."""
    index = root / SOURCES_FILE
    if not index.is_file():
        raise NeuralCorpusError(f"no {SOURCES_FILE} in {root}")
    items = []
    with index.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if is_reserved(row["repository"]):
                continue
            relative = Path(row["file"])
            items.append(
                NeuralItem(
                    file_id=row["file_id"],
                    path=root / relative,
                    repository=row["repository"],
                    licence=row["licence"],
                    source_tag=relative.parent.name,
                    system=row["system"] if row["key"] == SPOOF else "-",
                    speaker=row["speaker"],
                    corpus=row["corpus"] or "unknown",
                    is_spoof=row["key"] == SPOOF,
                )
            )
    if not items:
        raise NeuralCorpusError(f"{index} lists no usable files")
    return items


def is_reserved(repository: str) -> bool:
    return repository.strip().lower() in RESERVED_REPOSITORIES


def source_summary(items: list[NeuralItem]) -> list[dict[str, str | int]]:
    """One row per repository: licence and file counts by class, for the model card."""
    bonafide = Counter(item.repository for item in items if not item.is_spoof)
    spoof = Counter(item.repository for item in items if item.is_spoof)
    licences = {item.repository: item.licence for item in items}
    return [
        {
            "repository": repository,
            "licence": licences[repository],
            BONAFIDE: bonafide[repository],
            SPOOF: spoof[repository],
        }
        for repository in sorted(licences, key=str.lower)
    ]
