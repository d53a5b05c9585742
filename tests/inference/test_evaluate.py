"""Evaluation: worker-identical scoring, peak rule, reports, thresholds, the command."""

import io
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from django.core.management import call_command

from inference.chunking import SAMPLE_RATE
from inference.model import THRESHOLDS_FILE
from inference.model import load_detector
from inference.offline_model import save_random_checkpoint
from inference.training import evaluate
from inference.training import metrics
from inference.training.protocol import ProtocolEntry
from inference.training.protocol import read_protocol
from inference.training.protocol import write_protocol


class LoudnessScorer:
    """Scores a chunk by its peak amplitude, so tests know every chunk's score."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def score(self, chunks):
        self.calls.append(len(chunks))
        return [float(np.abs(chunk).max()) / 32768 for chunk in chunks]


def write_clip(
    path: Path, seconds: float, amplitude: float, loud_from: float = -1.0
) -> None:
    """A 16 kHz tone, louder (0.9) from ``loud_from`` seconds when given."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    audio = amplitude * np.sin(2 * np.pi * 220 * t)
    if loud_from >= 0:
        audio[t >= loud_from] *= 0.9 / amplitude
    sf.write(path, audio, SAMPLE_RATE)


@pytest.fixture
def toy_protocol(tmp_path) -> Path:
    """Quiet bona fide files, louder spoofs, and one spoof loud only at its end."""
    audio_dir = tmp_path / "flac"
    audio_dir.mkdir()
    entries = []
    for index, (label, amplitude) in enumerate(
        [
            ("bonafide", 0.1),
            ("bonafide", 0.2),
            ("bonafide", 0.3),
            ("spoof", 0.25),
            ("spoof", 0.6),
            ("spoof", 0.7),
        ]
    ):
        entry = ProtocolEntry(
            "s1", f"F{index}", "-" if label == "bonafide" else "A01", label
        )
        entries.append(entry)
        write_clip(audio_dir / f"{entry.file_id}.flac", 3.0, amplitude)
    long_spoof = ProtocolEntry("s2", "F6", "A02", "spoof")
    entries.append(long_spoof)
    write_clip(audio_dir / "F6.flac", 8.5, 0.05, loud_from=7.5)
    return write_protocol(tmp_path / "protocol.txt", entries)


def decode_settings() -> evaluate.DecodeSettings:
    return evaluate.DecodeSettings(
        max_seconds=60,
        cpu_seconds=30,
        memory_bytes=1024**3,
        chunk_seconds=4.0,
        min_seconds=1.0,
    )


def test_decode_corpus_cuts_files_like_the_workers(toy_protocol):
    """An 8.5 s file becomes chunks of 4 s and 4.5 s (the short tail joins the last)."""
    corpus = evaluate.decode_corpus(
        read_protocol(toy_protocol),
        toy_protocol.parent / "flac",
        "flac",
        decode_settings(),
    )
    assert not corpus.skipped
    long_file = corpus.chunks[-1]
    assert [chunk.size for chunk in long_file] == [4 * SAMPLE_RATE, 4.5 * SAMPLE_RATE]
    assert long_file[0].dtype == np.int16


def test_file_score_is_the_peak_chunk_score(toy_protocol):
    """The file whose last second is loud scores as its loudest chunk."""
    corpus = evaluate.decode_corpus(
        read_protocol(toy_protocol),
        toy_protocol.parent / "flac",
        "flac",
        decode_settings(),
    )
    scorer = LoudnessScorer()
    scores = evaluate.score_files(scorer, corpus.chunks)
    assert scores[-1] == pytest.approx(0.9, abs=0.01)
    assert scorer.calls == [1, 1, 1, 1, 1, 1, 2]


def test_summary_reports_overall_and_each_attack(toy_protocol):
    """Overall and per-attack EER/AUC; A02's one spoof is above every bona fide file."""
    corpus = evaluate.decode_corpus(
        read_protocol(toy_protocol),
        toy_protocol.parent / "flac",
        "flac",
        decode_settings(),
    )
    policy = evaluate.VerdictPolicy(0.5, 0.8)
    result = evaluate.evaluate_corpus(LoudnessScorer(), corpus, policy)
    by_attack = {summary.attack: summary for summary in result.summaries}
    assert list(by_attack) == ["overall", "A01", "A02"]
    assert by_attack["overall"].eer == pytest.approx(
        metrics.eer(result.scores[:3], result.scores[3:])[0]
    )
    assert by_attack["A02"].eer == 0.0
    assert by_attack["A02"].auc == 1.0
    report = evaluate.format_report(result.summaries, policy)
    assert "EER %" in report
    assert "A02" in report


def test_derive_thresholds_orders_and_limits_false_alarms():
    """likely_fake is the EER cut; fake flags at most 1 % of bona fide, not lower."""
    rng = np.random.default_rng(0)
    bonafide, spoof = rng.beta(2, 6, 300), rng.beta(6, 2, 300)
    entries = [ProtocolEntry("s", f"b{i}", "-", "bonafide") for i in range(300)]
    entries += [ProtocolEntry("s", f"s{i}", "A01", "spoof") for i in range(300)]
    policy = evaluate.derive_thresholds(entries, [*bonafide, *spoof], 0.01)
    assert policy.likely_fake_threshold == pytest.approx(
        metrics.eer(bonafide, spoof)[1]
    )
    assert policy.fake_threshold >= policy.likely_fake_threshold
    assert np.mean(bonafide >= policy.fake_threshold) <= 0.01


def test_score_file_round_trip_keeps_the_eer(tmp_path):
    """Written scores read back to the same EER."""
    entries = [
        ProtocolEntry("s", "a", "-", "bonafide"),
        ProtocolEntry("s", "b", "A01", "spoof"),
        ProtocolEntry("s", "c", "-", "bonafide"),
        ProtocolEntry("s", "d", "A02", "spoof"),
    ]
    scores = [0.1, 0.7, 0.4, 0.3]
    path = evaluate.write_scores(tmp_path / "scores.txt", entries, scores)
    assert path.read_text().splitlines()[1] == "b A01 spoof 0.70000000"
    read_entries, read = evaluate.read_scores(path)
    assert [e.label for e in read_entries] == [e.label for e in entries]
    assert metrics.eer(read[::2], read[1::2]) == metrics.eer(scores[::2], scores[1::2])


def test_evaluate_model_command_writes_scores_and_thresholds(toy_protocol, tmp_path):
    """The command scores with a real checkpoint, prints figures, stores thresholds."""
    checkpoint = save_random_checkpoint(tmp_path / "model", "tiny")
    scores = tmp_path / "scores.txt"
    out = io.StringIO()
    call_command(
        "evaluate_model",
        str(toy_protocol),
        "--model",
        str(checkpoint),
        "--scores",
        str(scores),
        "--write-thresholds",
        "--baseline-train",
        str(toy_protocol),
        stdout=out,
    )
    printed = out.getvalue()
    assert "overall" in printed
    assert "MFCC + logistic regression baseline" in printed
    assert len(scores.read_text().splitlines()) == 7
    stored = json.loads((checkpoint / THRESHOLDS_FILE).read_text())
    assert stored["likely_fake_threshold"] <= stored["fake_threshold"]
    detector = load_detector(str(checkpoint), None, evaluate_device(), 4)
    assert detector.thresholds is not None
    assert detector.thresholds.fake_threshold == stored["fake_threshold"]


def evaluate_device():
    import torch

    return torch.device("cpu")
