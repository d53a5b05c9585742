"""Scoring a protocol-described corpus the way the workers score uploads, and reporting.

Each file is decoded by ``decode_to_pcm16``, cut by ``plan_chunks`` and its
chunks scored together by the detector, as one upload's chunks are; the file's
score is its highest chunk score, the verdict policy's peak rule.
"""

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from django.conf import settings

from detector.verdict import VerdictPolicy
from inference.audio import AudioDecodeError
from inference.audio import decode_to_pcm16
from inference.chunking import AudioTooShortError
from inference.chunking import plan_chunks
from inference.model import THRESHOLDS_FILE
from inference.training import metrics
from inference.training.protocol import ProtocolEntry
from inference.training.protocol import audio_path

OVERALL = "overall"
# What keeps a file from being scored: it is set aside with the reason.
UNSCORABLE = (AudioDecodeError, AudioTooShortError)


class Scorer(Protocol):
    def score(self, chunks: Sequence[np.ndarray]) -> list[float]: ...


@dataclass(frozen=True)
class DecodeSettings:
    max_seconds: float
    cpu_seconds: int
    memory_bytes: int
    chunk_seconds: float
    min_seconds: float

    @classmethod
    def from_settings(cls) -> "DecodeSettings":
        return cls(
            max_seconds=settings.DETECTOR_MAX_DURATION_SECONDS,
            cpu_seconds=settings.DETECTOR_DECODE_CPU_SECONDS,
            memory_bytes=settings.DETECTOR_DECODE_MEMORY_BYTES,
            chunk_seconds=settings.DETECTOR_CHUNK_SECONDS,
            min_seconds=settings.DETECTOR_MIN_CHUNK_SECONDS,
        )


@dataclass(frozen=True)
class DecodedCorpus:
    entries: list[ProtocolEntry]
    chunks: list[list[np.ndarray]]
    skipped: list[tuple[ProtocolEntry, str]]


@dataclass(frozen=True)
class AttackSummary:
    attack: str
    bonafide: int
    spoof: int
    eer: float
    eer_threshold: float
    auc: float
    points: tuple[metrics.OperatingPoint, ...]


def decode_chunks(path: Path, decode: DecodeSettings) -> list[np.ndarray]:
    """The file's 16 kHz PCM16 chunks, exactly as an upload of it would be cut."""
    audio = decode_to_pcm16(
        path,
        max_seconds=decode.max_seconds,
        cpu_seconds=decode.cpu_seconds,
        memory_bytes=decode.memory_bytes,
    )
    spans = plan_chunks(audio.sample_count, decode.chunk_seconds, decode.min_seconds)
    return [np.frombuffer(span.slice(audio.pcm), dtype=np.int16) for span in spans]


def decode_corpus(
    entries: Sequence[ProtocolEntry],
    audio_dir: Path,
    extension: str,
    decode: DecodeSettings,
    threads: int = 4,
) -> DecodedCorpus:
    """Every file's chunks; files that cannot be scored are set aside, with why."""

    def attempt(entry: ProtocolEntry) -> list[np.ndarray] | str:
        try:
            return decode_chunks(audio_path(audio_dir, entry, extension), decode)
        except UNSCORABLE as error:
            return str(error)

    kept, chunks, skipped = [], [], []
    with ThreadPoolExecutor(threads) as pool:
        for entry, result in zip(entries, pool.map(attempt, entries), strict=True):
            if isinstance(result, str):
                skipped.append((entry, result))
            else:
                kept.append(entry)
                chunks.append(result)
    return DecodedCorpus(kept, chunks, skipped)


def score_files(scorer: Scorer, chunks: Sequence[Sequence[np.ndarray]]) -> list[float]:
    """Each file's score: the highest of its chunk scores."""
    return [max(scorer.score(list(file_chunks))) for file_chunks in chunks]


def summarize(
    entries: Sequence[ProtocolEntry], scores: Sequence[float], policy: VerdictPolicy
) -> list[AttackSummary]:
    """Figures overall and per attack (each attack's spoofs against all bona fide)."""
    values = np.asarray(scores, dtype=np.float64)
    spoof = np.array([entry.is_spoof for entry in entries])
    attacks = np.array([entry.attack for entry in entries])
    groups = [(OVERALL, spoof)] + [
        (attack, spoof & (attacks == attack)) for attack in sorted(set(attacks[spoof]))
    ]
    bonafide = values[~spoof]
    summaries = []
    for attack, selected in groups:
        attacked = values[selected]
        rate, threshold = metrics.eer(bonafide, attacked)
        points = tuple(
            metrics.operating_point(bonafide, attacked, cut)
            for cut in (policy.likely_fake_threshold, policy.fake_threshold)
        )
        summaries.append(
            AttackSummary(
                attack,
                bonafide.size,
                attacked.size,
                rate,
                threshold,
                metrics.roc_auc(bonafide, attacked),
                points,
            )
        )
    return summaries


def format_report(summaries: Sequence[AttackSummary], policy: VerdictPolicy) -> str:
    likely, fake = policy.likely_fake_threshold, policy.fake_threshold
    header = (
        f"{'attack':<16}{'bona':>6}{'spoof':>6}{'EER %':>8}{'thr@EER':>9}{'AUC':>8}"
        f"{f'P/R@{likely:.3f}':>16}{f'P/R@{fake:.3f}':>16}"
    )
    lines = [header, "-" * len(header)]
    for s in summaries:
        cells = "".join(f"{p.precision:>8.3f}{p.recall:>8.3f}" for p in s.points)
        lines.append(
            f"{s.attack:<16}{s.bonafide:>6}{s.spoof:>6}{100 * s.eer:>8.2f}"
            f"{s.eer_threshold:>9.4f}{s.auc:>8.4f}{cells}"
        )
    return "\n".join(lines)


def derive_thresholds(
    entries: Sequence[ProtocolEntry], scores: Sequence[float], max_false_alarm: float
) -> VerdictPolicy:
    """likely_fake at the EER; fake flags at most ``max_false_alarm`` of bona fide."""
    values = np.asarray(scores, dtype=np.float64)
    spoof = np.array([entry.is_spoof for entry in entries])
    _, at_eer = metrics.eer(values[~spoof], values[spoof])
    likely = float(np.clip(at_eer, 0.0, 1.0))
    strict = metrics.threshold_for_false_alarms(values[~spoof], max_false_alarm)
    return VerdictPolicy(
        likely_fake_threshold=likely, fake_threshold=max(strict, likely)
    )


def write_thresholds(directory: Path, policy: VerdictPolicy, source: str) -> Path:
    """Store the thresholds beside the checkpoint, where ``load_detector`` looks."""
    path = directory / THRESHOLDS_FILE
    path.write_text(
        json.dumps({**policy.as_dict(), "derived_from": source}, indent=2) + "\n"
    )
    return path


def write_scores(
    path: Path, entries: Sequence[ProtocolEntry], scores: Sequence[float]
) -> Path:
    """ASVspoof 2019 CM score-file columns; the score is the fake probability."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (
        f"{e.file_id} {e.attack} {e.label} {s:.8f}\n"
        for e, s in zip(entries, scores, strict=True)
    )
    path.write_text("".join(lines))
    return path


def read_scores(path: Path) -> tuple[list[ProtocolEntry], list[float]]:
    entries, scores = [], []
    for line in path.read_text().splitlines():
        if line.strip():
            file_id, attack, label, score = line.split()
            entries.append(ProtocolEntry("-", file_id, attack, label))
            scores.append(float(score))
    return entries, scores


@dataclass(frozen=True)
class Evaluation:
    entries: list[ProtocolEntry]
    scores: list[float]
    summaries: list[AttackSummary]
    skipped: list[tuple[ProtocolEntry, str]]

    @property
    def overall(self) -> AttackSummary:
        return self.summaries[0]


def evaluate_corpus(
    scorer: Scorer, corpus: DecodedCorpus, policy: VerdictPolicy
) -> Evaluation:
    """Score every decoded file and summarise overall and per attack."""
    scores = score_files(scorer, corpus.chunks)
    return Evaluation(
        corpus.entries,
        scores,
        summarize(corpus.entries, scores, policy),
        corpus.skipped,
    )
