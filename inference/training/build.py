"""``build_default_model``: material, cross-validation, calibration, final model, card.

1. Material: the neural corpus and the FSDD corpus, each file decoded as an
   upload would be (for scoring) and copied under random conditions (for
   training).
2. Grouped cross-validation (``crossval``): one model per fold, every file
   scored by a model that never heard its system, source or speaker. The
   table of held-out groups is the model's evaluation.
3. Calibration: Platt scaling fitted on the out-of-fold chunk scores;
   thresholds from the calibrated out-of-fold file scores.
4. The final model, trained the same way on everything, with the
   calibration folded into its head; the CPU fast path is kept only if it
   stays within ``FAST_PATH_TOLERANCE`` of fp32.
5. Self-test clips, throughput and the model card.
"""

import json
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
from inference.training.grouped import format_grouped
from inference.training.grouped import grouped_report
from inference.training.material import MaterialSpec
from inference.training.material import load_originals
from inference.training.material import render_copies
from inference.training.model_card import write_model_card
from inference.training.neural import read_neural_corpus
from inference.training.neural import source_summary
from inference.training.train import SMALL_WAVLM
from inference.training.train import TrainConfig
from inference.training.train import small_wavlm

logger = logging.getLogger(__name__)

DETECTOR_NAME = "wavlm-small-deepfake"
DETECTOR_VERSION = "2.0.0"
BUILD_INFO = "build_info.json"
# Calibrated scores on the fast path may differ from fp32 by at most this.
FAST_PATH_TOLERANCE = 0.01
# likely_fake and fake must be at least this far apart.
MIN_THRESHOLD_GAP = 0.1


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


def build_default_model(
    spec: BuildSpec, progress: Callable[[str], None]
) -> dict[str, Any]:
    """Run every step and return the build record also written to build_info.json."""
    torch.set_num_threads(max(spec.material.workers, 1))
    started = time.perf_counter()
    stages: dict[str, float] = {}
    clock = [time.perf_counter()]

    def stage(name: str) -> None:
        stages[name] = round(time.perf_counter() - clock[0], 1)
        progress(f"{name} done in {stages[name]:.0f} s")
        clock[0] = time.perf_counter()

    originals = load_originals(spec.material, progress)
    chunks = crossval.cut_originals(
        originals, settings.DETECTOR_CHUNK_SECONDS, settings.DETECTOR_MIN_CHUNK_SECONDS
    )
    items = render_copies(originals, spec.material)
    stage("material")

    extractor = feature_extractor()
    folds = crossval.plan_folds(items, spec.folds)
    outcome = crossval.cross_validate(
        items,
        chunks,
        folds,
        lambda: small_wavlm(spec.train.seed),
        extractor,
        replace(spec.train, max_steps_per_epoch=spec.steps),
        progress,
    )
    report = grouped_report(outcome.scored, folds)
    baseline = grouped_report(outcome.baseline, folds)
    progress("grouped cross-validation:\n" + format_grouped(report))
    progress("MFCC + logistic regression baseline:\n" + format_grouped(baseline))
    stage("cross-validation")

    platt, fit = _calibrate(outcome.scored)
    policy = _thresholds(outcome.scored, platt, spec.max_false_alarm)
    progress(f"calibration {platt}, {fit}; thresholds {policy}")
    info: dict[str, Any] = {
        "detector_name": DETECTOR_NAME,
        "detector_version": DETECTOR_VERSION,
        "folds": [_fold_dict(f) for f in folds],
        "cross_validation": report.as_dict(),
        "baseline_cross_validation": baseline.as_dict(),
        "splices": _splice_dict(outcome.splices),
        "calibration": {**platt.as_dict(), **fit},
        "thresholds": policy.as_dict(),
    }
    if spec.cross_validate_only:
        return info

    model = crossval.train_model(
        items,
        lambda: small_wavlm(spec.train.seed),
        extractor,
        replace(spec.train, max_steps_per_epoch=spec.final_steps),
        progress,
    )
    fake_index = resolve_fake_index(model.config.id2label)
    calibration.fold_into_classifier(model, platt, fake_index)
    fast_path = _fast_path_difference(model, extractor, chunks, spec.batch_size)
    _save(model, extractor, spec.output_dir, fast_path=fast_path <= FAST_PATH_TOLERANCE)
    evaluate.write_thresholds(
        spec.output_dir, policy, "calibrated out-of-fold scores of the build"
    )
    stage("final model")

    detector = load_detector(
        str(spec.output_dir),
        None,
        torch.device("cpu"),
        spec.batch_size,
        optimize=True,
    )
    neural = read_neural_corpus(spec.material.neural_root)
    self_test = (
        write_selftest_clips(detector, originals, neural, spec.clips_dir)
        if spec.clips_dir
        else None
    )
    throughput = measure_throughput(detector)
    stage("self-test and throughput")

    info.update(
        {
            "build_seconds": round(time.perf_counter() - started, 1),
            "stage_seconds": stages,
            "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads",
            "versions": {
                "torch": torch.__version__,
                "transformers": transformers.__version__,
            },
            "corpus": _corpus_counts(originals),
            "sources": source_summary(neural),
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
            "self_test": self_test,
            "throughput_audio_seconds_per_second": round(throughput, 1),
            "throughput_batch_size": spec.batch_size,
        }
    )
    info["coverage"] = declared_coverage(info["corpus"])
    (spec.output_dir / BUILD_INFO).write_text(json.dumps(info, indent=2) + "\n")
    write_model_card(spec.output_dir / "README.md", info)
    progress(f"built {spec.output_dir} in {info['build_seconds']:.0f} s")
    return info


def _calibrate(
    scored: list[crossval.ScoredFile],
) -> tuple[calibration.Platt, dict[str, float]]:
    """Platt on every out-of-fold chunk; its quality measured fold by fold."""
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
    return calibration.fit_platt(raw, labels), fit


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
    chunks: dict[str, list[np.ndarray]],
    batch_size: int,
) -> float:
    """The largest |fast - fp32| calibrated score over every evaluation chunk."""
    every = [chunk for file_chunks in chunks.values() for chunk in file_chunks]
    exact = crossval.score_items(model, extractor, [every], batch_size)[0]
    fast = crossval.score_items(model, extractor, [every], batch_size, optimize=True)[0]
    return float(np.max(np.abs(np.asarray(exact) - np.asarray(fast))))


def _save(
    model: PreTrainedModel,
    extractor: transformers.FeatureExtractionMixin,
    directory: Path,
    *,
    fast_path: bool,
) -> None:
    model.config.detector_name = DETECTOR_NAME
    model.config.detector_version = DETECTOR_VERSION
    model.config.detector_trained = True
    model.config.detector_calibrated = True
    model.config.detector_cpu_fast_path = fast_path
    model.save_pretrained(directory)
    extractor.save_pretrained(directory)
    # safetensors writes 0600; the checkpoint is meant to be read by others.
    (directory / "model.safetensors").chmod(0o644)


def _fold_dict(fold: crossval.Fold) -> dict[str, Any]:
    return {
        "fold": fold.index + 1,
        "sources": sorted(fold.sources),
        "systems": sorted(fold.systems),
        "fsdd_speaker": fold.speaker,
    }


def _splice_dict(trials: list[crossval.SpliceTrial]) -> dict[str, Any]:
    separated = sum(t.separated for t in trials)
    return {
        "files": len(trials),
        "separated": separated,
        "share": round(separated / len(trials), 4) if trials else None,
    }


def _corpus_counts(originals: list[crossval.Item]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for item in originals:
        key = item.system if item.is_spoof else "bonafide"
        domain = counts.setdefault(item.domain, {})
        domain[key] = domain.get(key, 0) + 1
    return {domain: dict(sorted(c.items())) for domain, c in counts.items()}


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
