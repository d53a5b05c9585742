"""``build_default_model``: corpus, training, evaluation, thresholds, clips."""

import json
import logging
import platform
import time
from collections.abc import Callable
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import transformers

from detector.verdict import VerdictPolicy
from inference.chunking import SAMPLE_RATE
from inference.model import DetectorModel
from inference.model import load_detector
from inference.offline_model import LABELS
from inference.offline_model import feature_extractor
from inference.training import baseline
from inference.training import evaluate
from inference.training.clips import self_test_outcome
from inference.training.clips import write_selftest_clips
from inference.training.corpus import AUDIO_EXTENSION
from inference.training.corpus import CorpusSpec
from inference.training.corpus import build_corpus
from inference.training.model_card import write_model_card
from inference.training.protocol import read_protocol
from inference.training.protocol import write_protocol
from inference.training.shortcuts import shortcut_aucs
from inference.training.train import SMALL_WAVLM
from inference.training.train import TrainConfig
from inference.training.train import Trainer
from inference.training.train import protocol_dataset
from inference.training.train import small_wavlm

logger = logging.getLogger(__name__)

DETECTOR_NAME = "wavlm-small-fsdd-tts"
DETECTOR_VERSION = "1.0.0"
BUILD_INFO = "build_info.json"


@dataclass(frozen=True)
class BuildSpec:
    source: Path
    output_dir: Path
    work_dir: Path
    clips_dir: Path | None
    eval_speakers: tuple[str, ...] = ("lucas",)
    utterances_per_speaker: int = 160
    train: TrainConfig = field(default_factory=TrainConfig)
    workers: int = 2
    max_false_alarm: float = 0.01
    batch_size: int = 8
    # Score as the workers do: their CPU speed-ups change scores slightly.
    optimize: bool = True


def build_default_model(
    spec: BuildSpec, progress: Callable[[str], None]
) -> dict[str, Any]:
    """Run every step and return the build record also written to build_info.json."""
    torch.set_num_threads(max(spec.workers, 1))
    started = time.perf_counter()
    stages: dict[str, float] = {}

    def stage(name: str, since: float) -> float:
        stages[name] = round(time.perf_counter() - since, 1)
        progress(f"{name} done in {stages[name]:.0f} s")
        return time.perf_counter()

    now = time.perf_counter()
    corpus_spec = CorpusSpec(
        spec.source,
        spec.work_dir / "corpus",
        spec.eval_speakers,
        spec.utterances_per_speaker,
        spec.train.seed,
        spec.workers,
    )
    protocols = build_corpus(corpus_spec, progress)
    now = stage("corpus", now)

    decode = evaluate.DecodeSettings.from_settings()
    decoded = {
        split: evaluate.decode_corpus(
            read_protocol(path), path.parent / AUDIO_EXTENSION, AUDIO_EXTENSION, decode
        )
        for split, path in protocols.items()
    }
    shortcuts = _shortcut_aucs(decoded)
    progress(f"one-feature AUCs (0.5 = no shortcut): {shortcuts}")
    now = stage("decode", now)

    parameters = _train(spec, protocols["train"], progress)
    now = stage("training", now)

    detector = load_detector(
        str(spec.output_dir),
        None,
        torch.device("cpu"),
        spec.batch_size,
        optimize=spec.optimize,
    )
    provisional = VerdictPolicy(0.5, 0.5)
    result = evaluate.evaluate_corpus(detector, decoded["eval"], provisional)
    policy = evaluate.derive_thresholds(
        result.entries, result.scores, spec.max_false_alarm
    )
    evaluate.write_thresholds(spec.output_dir, policy, "held-out split of the build")
    result = evaluate.Evaluation(
        result.entries,
        result.scores,
        evaluate.summarize(result.entries, result.scores, policy),
        result.skipped,
    )
    evaluate.write_scores(
        spec.output_dir / "eval" / "scores.txt", result.entries, result.scores
    )
    write_protocol(
        spec.output_dir / "eval" / "protocol.txt", read_protocol(protocols["eval"])
    )
    progress("held-out split:\n" + evaluate.format_report(result.summaries, policy))
    now = stage("evaluation", now)

    reference = baseline.train_baseline(
        decoded["train"].chunks, [e.is_spoof for e in decoded["train"].entries]
    )
    baseline_result = evaluate.evaluate_corpus(reference, decoded["eval"], policy)
    progress(
        "MFCC + logistic regression baseline:\n"
        + evaluate.format_report(baseline_result.summaries, policy)
    )
    now = stage("baseline", now)

    detector = load_detector(
        str(spec.output_dir),
        None,
        torch.device("cpu"),
        spec.batch_size,
        optimize=spec.optimize,
    )
    if spec.clips_dir:
        write_selftest_clips(
            detector, decoded["eval"].entries, decoded["eval"].chunks, spec.clips_dir
        )
    self_test = self_test_outcome(detector, spec.clips_dir, progress)
    throughput = measure_throughput(detector)
    now = stage("self-test and throughput", now)

    info = {
        "detector_name": DETECTOR_NAME,
        "detector_version": DETECTOR_VERSION,
        "build_seconds": round(time.perf_counter() - started, 1),
        "stage_seconds": stages,
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads",
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
        },
        "corpus": _corpus_counts(protocols),
        "eval_speakers": list(spec.eval_speakers),
        "training": {**asdict(spec.train), "architecture": SMALL_WAVLM},
        "parameters": parameters,
        "thresholds": policy.as_dict(),
        "held_out": [_summary_dict(s) for s in result.summaries],
        "baseline": [_summary_dict(s) for s in baseline_result.summaries],
        "shortcut_auc": shortcuts,
        "self_test": self_test,
        "throughput_audio_seconds_per_second": round(throughput, 1),
        "throughput_batch_size": spec.batch_size,
    }
    (spec.output_dir / BUILD_INFO).write_text(json.dumps(info, indent=2) + "\n")
    write_model_card(spec.output_dir / "README.md", info)
    progress(f"built {spec.output_dir} in {info['build_seconds']:.0f} s")
    return info


def _train(spec: BuildSpec, protocol: Path, progress: Callable[[str], None]) -> int:
    """Train, save the checkpoint and its feature extractor; the parameter count."""
    model = small_wavlm(spec.train.seed)
    extractor = feature_extractor()
    labels = {label: index for index, label in LABELS.items()}
    dataset = protocol_dataset(
        read_protocol(protocol),
        protocol.parent / AUDIO_EXTENSION,
        AUDIO_EXTENSION,
        labels,
        spec.train.crop_seconds,
        preload=True,
        speed=spec.train.speed_perturbation,
    )
    trainer = Trainer(model, extractor, dataset, spec.train, torch.device("cpu"))
    for _ in range(spec.train.epochs):
        started = time.perf_counter()
        loss = trainer.run_epoch()
        progress(
            f"epoch {trainer.epoch}/{spec.train.epochs}: loss {loss:.4f} "
            f"({time.perf_counter() - started:.0f} s)"
        )
    model.config.detector_name = DETECTOR_NAME
    model.config.detector_version = DETECTOR_VERSION
    model.config.detector_trained = True
    model.save_pretrained(spec.output_dir)
    extractor.save_pretrained(spec.output_dir)
    # safetensors writes 0600; the checkpoint is meant to be read by others.
    (spec.output_dir / "model.safetensors").chmod(0o644)
    return sum(p.numel() for p in model.parameters())


def _shortcut_aucs(decoded: dict[str, evaluate.DecodedCorpus]) -> dict[str, float]:
    entries = [e for corpus in decoded.values() for e in corpus.entries]
    samples = [
        np.concatenate(chunks)
        for corpus in decoded.values()
        for chunks in corpus.chunks
    ]
    return {
        name: round(auc, 3) for name, auc in shortcut_aucs(entries, samples).items()
    }


def _corpus_counts(protocols: dict[str, Path]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for split, path in protocols.items():
        split_counts: dict[str, int] = {}
        for entry in read_protocol(path):
            key = entry.attack if entry.is_spoof else entry.label
            split_counts[key] = split_counts.get(key, 0) + 1
        counts[split] = dict(sorted(split_counts.items()))
    return counts


def _summary_dict(summary: evaluate.AttackSummary) -> dict[str, Any]:
    return {
        "attack": summary.attack,
        "bonafide": summary.bonafide,
        "spoof": summary.spoof,
        "eer": round(summary.eer, 6),
        "eer_threshold": round(summary.eer_threshold, 4),
        "auc": round(summary.auc, 6),
        "operating_points": [
            {k: round(v, 4) for k, v in asdict(point).items()}
            for point in summary.points
        ],
    }


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
