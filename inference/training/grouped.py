"""EER per held-out group of a cross-validation: systems, source groups, speakers."""

from collections.abc import Sequence
from dataclasses import asdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from inference.training import metrics
from inference.training.crossval import Fold
from inference.training.crossval import ScoredFile
from inference.training.material import FSDD
from inference.training.material import NEURAL

POOLED = "pooled"


@dataclass(frozen=True)
class GroupResult:
    kind: str
    name: str
    bonafide: int
    spoof: int
    eer: float
    auc: float

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "eer": round(self.eer, 4), "auc": round(self.auc, 4)}


@dataclass(frozen=True)
class GroupedReport:
    systems: list[GroupResult]
    sources: list[GroupResult]
    speakers: list[GroupResult]

    def worst(self, kind: str) -> GroupResult:
        rows = {"systems": self.systems, "sources": self.sources}.get(
            kind, self.speakers
        )
        return max((r for r in rows if r.name != POOLED), key=lambda r: r.eer)

    def as_dict(self) -> dict[str, Any]:
        return {
            "systems": [r.as_dict() for r in self.systems],
            "sources": [r.as_dict() for r in self.sources],
            "speakers": [r.as_dict() for r in self.speakers],
        }


def grouped_report(
    scored: Sequence[ScoredFile], folds: Sequence[Fold]
) -> GroupedReport:
    return GroupedReport(
        _systems(scored, folds), _sources(scored, folds), _speakers(scored, folds)
    )


def _result(
    kind: str, name: str, bonafide: list[float], spoof: list[float]
) -> GroupResult:
    genuine, fake = np.asarray(bonafide), np.asarray(spoof)
    rate, _ = metrics.eer(genuine, fake)
    return GroupResult(
        kind, name, genuine.size, fake.size, rate, metrics.roc_auc(genuine, fake)
    )


def _pooled(kind: str, genuine: list[float], fake: list[float]) -> list[GroupResult]:
    return [_result(kind, POOLED, genuine, fake)] if genuine and fake else []


def _systems(scored: Sequence[ScoredFile], folds: Sequence[Fold]) -> list[GroupResult]:
    """Each system's files against the human files its fold held out."""
    rows, pooled_fake, pooled_genuine = [], [], []
    for fold in folds:
        files = [s for s in scored if s.fold == fold.index and s.item.domain == NEURAL]
        genuine = [s.score for s in files if not s.item.is_spoof]
        pooled_genuine += genuine
        for system in sorted(fold.systems):
            fake = [
                s.score for s in files if s.item.is_spoof and s.item.system == system
            ]
            if fake and genuine:
                rows.append(_result("system", system, genuine, fake))
                pooled_fake += fake
    rows.sort(key=lambda r: r.name)
    return [*rows, *_pooled("system", pooled_genuine, pooled_fake)]


def _sources(scored: Sequence[ScoredFile], folds: Sequence[Fold]) -> list[GroupResult]:
    """Each fold's group of repositories: its own human and synthetic files."""
    rows, pooled_fake, pooled_genuine = [], [], []
    for fold in folds:
        files = [
            s
            for s in scored
            if s.fold == fold.index
            and s.item.domain == NEURAL
            and s.item.source in fold.sources
        ]
        genuine = [s.score for s in files if not s.item.is_spoof]
        fake = [s.score for s in files if s.item.is_spoof]
        if genuine and fake:
            rows.append(
                _result("sources", "+".join(sorted(fold.sources)), genuine, fake)
            )
            pooled_genuine += genuine
            pooled_fake += fake
    return [*rows, *_pooled("sources", pooled_genuine, pooled_fake)]


def _speakers(scored: Sequence[ScoredFile], folds: Sequence[Fold]) -> list[GroupResult]:
    """Each held-out FSDD speaker against the synthetic digits of its fold."""
    rows, pooled_fake, pooled_genuine = [], [], []
    for fold in folds:
        files = [s for s in scored if s.fold == fold.index and s.item.domain == FSDD]
        genuine = [s.score for s in files if not s.item.is_spoof]
        fake = [s.score for s in files if s.item.is_spoof]
        if genuine and fake and fold.speaker:
            rows.append(_result("speaker", fold.speaker, genuine, fake))
            pooled_genuine += genuine
            pooled_fake += fake
    return [*rows, *_pooled("speaker", pooled_genuine, pooled_fake)]


def format_grouped(report: GroupedReport) -> str:
    lines = []
    for title, rows in (
        ("leave-systems-out (neural systems)", report.systems),
        ("held-out source repositories", report.sources),
        ("leave-one-speaker-out (FSDD)", report.speakers),
    ):
        lines.append(title)
        lines.append(f"  {'group':<48}{'bona':>6}{'spoof':>6}{'EER %':>8}{'AUC':>8}")
        lines += [
            f"  {r.name[:48]:<48}{r.bonafide:>6}{r.spoof:>6}"
            f"{100 * r.eer:>8.2f}{r.auc:>8.3f}"
            for r in rows
        ]
    return "\n".join(lines)
