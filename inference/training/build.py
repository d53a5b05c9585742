"""``build_default_model``: the default checkpoint, built as a sequence of named stages.

1. ``gather_material``: the neural corpus and the FSDD corpus, each file
   decoded as an upload would be (for scoring) and copied under random
   conditions (for training).
2. ``cross_validate``: one model per fold (``crossval``), every file scored
   by a model that never heard its system, source or speaker. The table of
   held-out groups is the model's evaluation.
3. ``calibrate``: Platt scaling fitted on the out-of-fold chunk scores;
   thresholds from the calibrated out-of-fold file scores.
4. ``train_final_model``: trained the same way on everything, with the
   calibration folded into its head; the CPU fast path is kept only if it
   stays within ``FAST_PATH_TOLERANCE`` of fp32.
5. ``write_checkpoint``, then ``check_checkpoint``: the checkpoint is loaded
   once, as the workers load it, for the self-test clips and throughput.
6. The build record (``record.py``) and the model card rendered from it.
"""

import logging
import platform
import time
from collections.abc import Callable
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import transformers
from django.conf import settings
from transformers import PreTrainedModel

from detector.verdict import VerdictPolicy
from inference.chunking import SAMPLE_RATE
from inference.model import DetectorModel
from inference.model import load_detector
from inference.model import resolve_fake_index
from inference.offline_model import feature_extractor
from inference.training import calibration
from inference.training import crossval
from inference.training import evaluate
from inference.training import metrics
from inference.training.clips import write_selftest_clips
from inference.training.coverage import declared_coverage
from inference.training.grouped import GroupedReport
from inference.training.grouped import format_grouped
from inference.training.grouped import grouped_report
from inference.training.material import Item
from inference.training.material import MaterialSpec
from inference.training.material import load_originals
from inference.training.material import render_copies
from inference.training.model_card import write_model_card
from inference.training.neural import NeuralItem
from inference.training.neural import read_neural_corpus
from inference.training.neural import source_summary
from inference.training.record import corpus_counts
from inference.training.record import fold_record
from inference.training.record import splice_record
from inference.training.record import write_record
from inference.training.train import SMALL_WAVLM
from inference.training.train import TrainConfig
from inference.training.train import small_wavlm

logger = logging.getLogger(__name__)

DETECTOR_NAME = "wavlm-small-deepfake"
DETECTOR_VERSION = "2.0.0"
# Calibrated scores on the fast path may differ from fp32 by at most this.
FAST_PATH_TOLERANCE = 0.01
# likely_fake and fake must be at least this far apart.
MIN_THRESHOLD_GAP = 0.1
Progress = Callable[[str], None]


def default_training(seed: int = 0) -> TrainConfig:
    """One long epoch of balanced batches; the step count is set per model."""
    return TrainConfig(
        epochs=1,
        # 1e-3 never left chance level from scratch; 3e-4 to 5e-4 does.
        learning_rate=5e-4,
        label_smoothing=0.05,
        warmup_fraction=0.05,
        seed=seed,
    )


@dataclass(frozen=True)
class BuildSpec:
    material: MaterialSpec
    output_dir: Path
    clips_dir: Path | None
    folds: int = 4
    train: TrainConfig = field(default_factory=default_training)
    # The final model trains as long as each fold's, so the calibration fitted
    # on the folds' scores fits it too.
    steps: int = 2_500
    final_steps: int = 2_500
    max_false_alarm: float = 0.01
    batch_size: int = 8
    cross_validate_only: bool = False


@dataclass(frozen=True)
class Material:
    neural: list[NeuralItem]
    originals: list[Item]
    # Every original cut as an upload is, keyed by its origin.
    chunks: dict[str, list[np.ndarray]]
    copies: list[Item]


@dataclass(frozen=True)
class Evaluation:
    folds: list[crossval.Fold]
    outcome: crossval.CrossValidation
    report: GroupedReport
    baseline: GroupedReport


@dataclass(frozen=True)
class Calibration:
    platt: calibration.Platt
    fit: dict[str, float]
    policy: VerdictPolicy


class StageClock:
    """Times each stage for the build record and reports it as it ends."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self.started = self._last = time.perf_counter()

    def done(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self._last, 1)
        self.progress(f"{stage} done in {self.seconds[stage]:.0f} s")
        self._last = now

    def total(self) -> float:
        return round(time.perf_counter() - self.started, 1)


def build_default_model(spec: BuildSpec, progress: Progress) -> dict[str, Any]:
    """Run every stage and return the build record also written to build_info.json."""
    torch.set_num_threads(max(spec.material.workers, 1))
    clock = StageClock(progress)
    material = gather_material(spec, progress)
    clock.done("material")
    evaluation = cross_validate(spec, material, progress)
    clock.done("cross-validation")
    calibrated = calibrate(evaluation, spec.max_false_alarm, progress)
    clock.done("calibration")
    info = evaluation_record(evaluation, calibrated)
    if spec.cross_validate_only:
        return info
    model, fast_path = train_final_model(spec, material, calibrated.platt, progress)
    write_checkpoint(spec, model, calibrated.policy, fast_path)
    clock.done("final model")
    checks = check_checkpoint(spec, material)
    clock.done("self-test and throughput")
    info |= build_facts(spec, material, model, fast_path, clock) | checks
    write_record(spec.output_dir, info)
    write_model_card(spec.output_dir)
    progress(f"built {spec.output_dir} in {info['build_seconds']:.0f} s")
    return info


def gather_material(spec: BuildSpec, progress: Progress) -> Material:
    """Both corpora's originals, their upload-style chunks and training copies."""
    neural = read_neural_corpus(spec.material.neural_root)
    originals = load_originals(spec.material, neural, progress)
    chunks = crossval.cut_originals(
        originals, settings.DETECTOR_CHUNK_SECONDS, settings.DETECTOR_MIN_CHUNK_SECONDS
    )
    return Material(neural, originals, chunks, render_copies(originals, spec.material))


def cross_validate(
    spec: BuildSpec, material: Material, progress: Progress
) -> Evaluation:
    """Fold models and the MFCC baseline, scored on what each fold held out."""
    folds = crossval.plan_folds(material.copies, spec.folds)
    outcome = crossval.cross_validate(
        material.copies,
        material.chunks,
        folds,
        lambda: small_wavlm(spec.train.seed),
        feature_extractor(),
        replace(spec.train, max_steps_per_epoch=spec.steps),
        progress,
    )
    report = grouped_report(outcome.scored, folds)
    baseline = grouped_report(outcome.baseline, folds)
    progress("grouped cross-validation:\n" + format_grouped(report))
    progress("MFCC + logistic regression baseline:\n" + format_grouped(baseline))
    return Evaluation(folds, outcome, report, baseline)


def calibrate(
    evaluation: Evaluation, max_false_alarm: float, progress: Progress
) -> Calibration:
    """Platt on every out-of-fold chunk, its quality measured fold by fold; thresholds."""
    scored = evaluation.outcome.scored
    raw = [score for s in scored for score in s.chunk_scores]
    labels = [s.item.is_spoof for s in scored for _ in s.chunk_scores]
    groups = [s.fold for s in scored for _ in s.chunk_scores]
    held = calibration.cross_fitted(raw, labels, groups)
    fit = {
        "chunks": len(raw),
        "ece_raw": round(metrics.expected_calibration_error(raw, labels), 4),
        "ece": round(metrics.expected_calibration_error(held, labels), 4),
        "brier_raw": round(calibration.brier_score(raw, labels), 4),
        "brier": round(calibration.brier_score(held, labels), 4),
    }
    platt = calibration.fit_platt(raw, labels)
    policy = _thresholds(scored, platt, max_false_alarm)
    progress(f"calibration {platt}, {fit}; thresholds {policy}")
    return Calibration(platt, fit, policy)


def evaluation_record(
    evaluation: Evaluation, calibrated: Calibration
) -> dict[str, Any]:
    """The record's identity and held-out figures (all a cross-validation run has)."""
    return {
        "detector_name": DETECTOR_NAME,
        "detector_version": DETECTOR_VERSION,
        "folds": [fold_record(f) for f in evaluation.folds],
        "cross_validation": evaluation.report.as_dict(),
        "baseline_cross_validation": evaluation.baseline.as_dict(),
        "splices": splice_record(evaluation.outcome.splices),
        "calibration": {**calibrated.platt.as_dict(), **calibrated.fit},
        "thresholds": calibrated.policy.as_dict(),
    }


def train_final_model(
    spec: BuildSpec, material: Material, platt: calibration.Platt, progress: Progress
) -> tuple[PreTrainedModel, float]:
    """The model trained on everything, calibrated; and its fast path's deviation."""
    extractor = feature_extractor()
    model = crossval.train_model(
        material.copies,
        lambda: small_wavlm(spec.train.seed),
        extractor,
        replace(spec.train, max_steps_per_epoch=spec.final_steps),
        progress,
    )
    calibration.fold_into_classifier(
        model, platt, resolve_fake_index(model.config.id2label)
    )
    every = [chunk for chunks in material.chunks.values() for chunk in chunks]
    return model, _fast_path_difference(model, extractor, every, spec.batch_size)


def write_checkpoint(
    spec: BuildSpec, model: PreTrainedModel, policy: VerdictPolicy, fast_path: float
) -> None:
    """Weights, feature extractor, identity and thresholds, as the workers read them."""
    model.config.detector_name = DETECTOR_NAME
    model.config.detector_version = DETECTOR_VERSION
    model.config.detector_trained = True
    model.config.detector_calibrated = True
    model.config.detector_cpu_fast_path = fast_path <= FAST_PATH_TOLERANCE
    model.save_pretrained(spec.output_dir)
    feature_extractor().save_pretrained(spec.output_dir)
    # safetensors writes 0600; the checkpoint is meant to be read by others.
    (spec.output_dir / "model.safetensors").chmod(0o644)
    evaluate.write_thresholds(
        spec.output_dir, policy, "calibrated out-of-fold scores of the build"
    )


def check_checkpoint(spec: BuildSpec, material: Material) -> dict[str, Any]:
    """Load the written checkpoint once, as served: self-test clips and throughput."""
    detector = load_detector(
        str(spec.output_dir),
        None,
        torch.device("cpu"),
        spec.batch_size,
        scoring_path=settings.DETECTOR_SCORING_PATH,
    )
    self_test = (
        write_selftest_clips(
            detector, material.originals, material.neural, spec.clips_dir
        )
        if spec.clips_dir
        else None
    )
    return {
        "self_test": self_test,
        "throughput_audio_seconds_per_second": round(measure_throughput(detector), 1),
        "throughput_batch_size": spec.batch_size,
    }


def build_facts(
    spec: BuildSpec,
    material: Material,
    model: PreTrainedModel,
    fast_path: float,
    clock: StageClock,
) -> dict[str, Any]:
    """How, on what and from what the final model was built."""
    corpus = corpus_counts(material.originals)
    return {
        "build_seconds": clock.total(),
        "stage_seconds": clock.seconds,
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads",
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
        },
        "corpus": corpus,
        "sources": source_summary(material.neural),
        "copies_per_file": spec.material.copies,
        "training": {
            **asdict(spec.train),
            "steps_per_fold": spec.steps,
            "final_steps": spec.final_steps,
            "architecture": SMALL_WAVLM,
        },
        "parameters": sum(p.numel() for p in model.parameters()),
        "fast_path": {
            "max_difference": round(fast_path, 5),
            "enabled": fast_path <= FAST_PATH_TOLERANCE,
        },
        "coverage": declared_coverage(corpus),
    }


def _thresholds(
    scored: list[crossval.ScoredFile],
    platt: calibration.Platt,
    max_false_alarm: float,
) -> VerdictPolicy:
    """likely_fake at even odds; fake where few held-out human files are flagged."""
    genuine = [float(platt.apply([s.score])[0]) for s in scored if not s.item.is_spoof]
    strict = metrics.threshold_for_false_alarms(np.asarray(genuine), max_false_alarm)
    likely = 0.5
    fake = float(np.clip(max(strict, likely + MIN_THRESHOLD_GAP), 0.0, 1.0))
    return VerdictPolicy(likely_fake_threshold=likely, fake_threshold=fake)


def _fast_path_difference(
    model: PreTrainedModel,
    extractor: transformers.FeatureExtractionMixin,
    chunks: list[np.ndarray],
    batch_size: int,
) -> float:
    """The largest |fast - fp32| calibrated score over ``chunks``."""
    exact = crossval.score_items(model, extractor, [chunks], batch_size)[0]
    fast = crossval.score_items(model, extractor, [chunks], batch_size, optimize=True)
    return float(np.max(np.abs(np.asarray(exact) - np.asarray(fast[0]))))


def measure_throughput(detector: DetectorModel, chunks: int = 32) -> float:
    """Seconds of audio scored per wall-clock second (4-second chunks, batched)."""
    rng = np.random.default_rng(0)
    audio = [
        (rng.standard_normal(4 * SAMPLE_RATE) * 3000).astype(np.int16)
        for _ in range(chunks)
    ]
    detector.score(audio[: detector.batch_size])
    started = time.perf_counter()
    detector.score(audio)
    return 4.0 * chunks / (time.perf_counter() - started)
