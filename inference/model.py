"""The detector model: loaded once per worker process, scoring chunks in batches.

Any Hugging Face audio-classification checkpoint works (a local directory or
a hub id plus revision). The fake class is found in ``id2label`` by name.
A checkpoint may carry its own identity (``detector_name``,
``detector_version``, ``detector_trained`` in ``config.json``) and its own
calibrated thresholds (``detector_thresholds.json`` beside the weights).
"""

import hashlib
import json
import logging
import time
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import torch
from django.conf import settings
from transformers import AutoFeatureExtractor
from transformers import AutoModelForAudioClassification
from transformers import FeatureExtractionMixin
from transformers import PreTrainedConfig
from transformers import PreTrainedModel

from detector.verdict import VerdictPolicy
from inference import metrics
from inference import model_status
from inference.chunking import SAMPLE_RATE
from inference.exceptions import ModelConfigurationError
from inference.scoring_paths import FP32
from inference.scoring_paths import ScoringPath
from inference.scoring_paths import choose_fastest
from inference.scoring_paths import reference_chunks
from inference.scoring_paths import requested_paths
from inference.selftest import SelfTestError
from inference.selftest import run_self_test

logger = logging.getLogger(__name__)

FAKE_LABEL_NAMES = frozenset({"spoof", "fake", "deepfake", "synthetic", "generated"})
THRESHOLDS_FILE = "detector_thresholds.json"
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


@dataclass(frozen=True)
class ModelIdentity:
    name: str
    version: str
    trained: bool


def resolve_fake_index(id2label: Mapping[int, str] | Mapping[str, str] | None) -> int:
    """The class index whose label means fake/spoof; refuse anything ambiguous."""
    labels_by_index = {
        int(index): label for index, label in dict(id2label or {}).items()
    }
    matches = [
        index
        for index, label in labels_by_index.items()
        if label.strip().lower().replace("-", "_") in FAKE_LABEL_NAMES
    ]
    if len(matches) != 1:
        labels = ", ".join(
            f"{index}={label!r}" for index, label in sorted(labels_by_index.items())
        )
        found = "none" if not matches else "several"
        raise ModelConfigurationError(
            f"The checkpoint's labels ({labels}) name {found} of the fake classes "
            f"{sorted(FAKE_LABEL_NAMES)}; exactly one is needed to know what to score."
        )
    return matches[0]


def pick_device(requested: str) -> torch.device:
    """The configured device, or the first GPU when there is one, else the CPU."""
    if requested:
        return torch.device(requested)
    return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")


class DetectorModel:
    def __init__(
        self,
        model: PreTrainedModel,
        feature_extractor: FeatureExtractionMixin,
        identity: ModelIdentity,
        thresholds: VerdictPolicy | None,
        device: torch.device,
        batch_size: int,
        scoring_path: ScoringPath = FP32,
    ) -> None:
        self.model = scoring_path.prepare(model.to(device).eval())  # type: ignore[arg-type]
        self.feature_extractor = feature_extractor
        self.fake_index = resolve_fake_index(model.config.id2label)
        self.identity = identity
        self.thresholds = thresholds
        self.device = device
        self.batch_size = batch_size
        self.scoring_path = scoring_path
        # Largest score difference from fp32 on the reference chunks; None: not measured.
        self.scoring_path_difference: float | None = (
            0.0 if scoring_path is FP32 else None
        )

    def using(self, scoring_path: ScoringPath) -> "DetectorModel":
        """This fp32 detector scoring through another path (this one stays as it is)."""
        return DetectorModel(
            self.model,  # type: ignore[arg-type]
            self.feature_extractor,
            self.identity,
            self.thresholds,
            self.device,
            self.batch_size,
            scoring_path,
        )

    def score(self, chunks: Sequence[np.ndarray]) -> list[float]:
        """Probability that each chunk (16 kHz mono samples) is fake."""
        return score_in_batches(chunks, self.batch_size, self._score_batch)

    def _score_batch(self, batch: Sequence[np.ndarray]) -> list[float]:
        features = self.feature_extractor(  # type: ignore[operator]
            [as_float(chunk) for chunk in batch],
            sampling_rate=SAMPLE_RATE,
            return_tensors="pt",
        )
        with torch.inference_mode(), self.scoring_path.context(self.device.type):
            logits = self.model(**features.to(self.device)).logits
            probabilities = torch.softmax(logits.float(), dim=-1)[:, self.fake_index]
        return [float(p) for p in probabilities.cpu()]


def score_in_batches(
    chunks: Sequence[np.ndarray],
    batch_size: int,
    score_batch: Callable[[list[np.ndarray]], list[float]],
) -> list[float]:
    """Scores in input order, from batches that hold chunks of one length only.

    Padding would leak into WavLM's group-normalised front-end and shift the
    shorter chunk's score.
    """
    by_length: dict[int, list[int]] = {}
    for position, chunk in enumerate(chunks):
        by_length.setdefault(len(chunk), []).append(position)
    scores = [0.0] * len(chunks)
    for positions in by_length.values():
        for start in range(0, len(positions), batch_size):
            batch = positions[start : start + batch_size]
            probabilities = score_batch([chunks[p] for p in batch])
            for position, probability in zip(batch, probabilities, strict=True):
                scores[position] = probability
    return scores


def as_float(chunk: np.ndarray) -> np.ndarray:
    """PCM16 samples as float32 in [-1, 1]; float input passes through."""
    if chunk.dtype == np.int16:
        return chunk.astype(np.float32) / 32768.0
    return chunk.astype(np.float32, copy=False)


def load_detector(
    name_or_path: str,
    revision: str | None,
    device: torch.device,
    batch_size: int,
    *,
    scoring_path: str = FP32.name,
) -> DetectorModel:
    """Load a checkpoint from a directory or the hub cache (never downloading here).

    ``scoring_path`` names a path of ``inference.scoring_paths`` or is ``auto``
    (the fastest within tolerance of fp32). A checkpoint that sets
    ``detector_cpu_fast_path`` to false scores in fp32 on the CPU.
    """
    local = Path(name_or_path).is_dir()
    try:
        model = AutoModelForAudioClassification.from_pretrained(
            name_or_path, revision=revision
        )
        feature_extractor = AutoFeatureExtractor.from_pretrained(
            name_or_path, revision=revision
        )
    except (OSError, ValueError) as error:
        raise ModelConfigurationError(
            f"Cannot load the detector checkpoint {name_or_path!r}: {error}"
        ) from error
    candidates, reason = _candidate_paths(scoring_path, device, model.config)
    identity = _identity(model, name_or_path, revision, local=local)
    thresholds = _thresholds(Path(name_or_path)) if local else None
    detector = DetectorModel(
        model,
        feature_extractor,
        identity,
        thresholds,
        device,
        batch_size,
        candidates[0] if len(candidates) == 1 else FP32,
    )
    if len(candidates) > 1:
        choice = choose_fastest(
            detector, candidates, detector.using, reference_chunks()
        )
        detector = choice.scorer
        detector.scoring_path_difference = choice.max_difference
    difference = detector.scoring_path_difference
    logger.info(
        "%s scores on %s through %s (%s; largest score difference from fp32 on "
        "the reference chunks: %s)",
        identity.name,
        device,
        detector.scoring_path.name,
        reason,
        "not measured" if difference is None else f"{difference:.4f}",
    )
    return detector


def _candidate_paths(
    requested: str, device: torch.device, config: PreTrainedConfig
) -> tuple[tuple[ScoringPath, ...], str]:
    """The paths to choose from, fastest first, and why those."""
    candidates = requested_paths(requested, device)
    # A checkpoint whose build measured the fast path too far from fp32 opts out.
    if device.type == "cpu" and not getattr(config, "detector_cpu_fast_path", True):
        return (FP32,), "the checkpoint sets detector_cpu_fast_path=false"
    return candidates, f"DETECTOR_SCORING_PATH={requested}"


@cache
def get_detector() -> DetectorModel:
    """The process's detector, loaded on first use from the settings.

    A trained model must pass the self-test on the built-in clips (scores
    neither constant nor inverted) or it refuses to serve; the health
    endpoint reports the refusal.
    """
    started = time.perf_counter()
    if settings.DETECTOR_TORCH_THREADS:
        torch.set_num_threads(settings.DETECTOR_TORCH_THREADS)
    detector = load_detector(
        settings.DETECTOR_MODEL,
        settings.DETECTOR_MODEL_REVISION,
        pick_device(settings.DETECTOR_DEVICE),
        settings.DETECTOR_BATCH_SIZE,
        scoring_path=settings.DETECTOR_SCORING_PATH,
    )
    try:
        self_test = run_self_test(detector)
    except SelfTestError as error:
        model_status.record("refused", str(error), model=detector.identity.name)
        raise ModelConfigurationError(
            f"The detector model failed its self-test and will not serve: {error}"
        ) from error
    model_status.record(
        "ready",
        self_test.detail,
        model=detector.identity.name,
        version=detector.identity.version,
    )
    seconds = time.perf_counter() - started
    metrics.record_model_loaded(
        name=detector.identity.name,
        version=detector.identity.version,
        trained=detector.identity.trained,
        device=str(detector.device),
        seconds=seconds,
    )
    logger.info(
        "loaded detector %s %s on %s in %.1f s",
        detector.identity.name,
        detector.identity.version,
        detector.device,
        seconds,
    )
    return detector


def _identity(
    model: PreTrainedModel, name_or_path: str, revision: str | None, *, local: bool
) -> ModelIdentity:
    config = model.config
    name = getattr(config, "detector_name", None) or (
        Path(name_or_path).name if local else name_or_path
    )
    version = getattr(config, "detector_version", None) or (
        _weights_digest(Path(name_or_path)) if local else revision or "main"
    )
    return ModelIdentity(
        name=str(name),
        version=str(version),
        trained=bool(getattr(config, "detector_trained", True)),
    )


def _weights_digest(directory: Path) -> str:
    for filename in _WEIGHT_FILES:
        path = directory / filename
        if path.exists():
            digest = hashlib.sha256()
            with path.open("rb") as weights:
                for block in iter(lambda: weights.read(1 << 20), b""):
                    digest.update(block)
            return f"sha256-{digest.hexdigest()[:12]}"
    return "unknown"


def _thresholds(directory: Path) -> VerdictPolicy | None:
    path = directory / THRESHOLDS_FILE
    if not path.exists():
        return None
    values = json.loads(path.read_text())
    try:
        return VerdictPolicy(
            likely_fake_threshold=float(values["likely_fake_threshold"]),
            fake_threshold=float(values["fake_threshold"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ModelConfigurationError(
            f"{path} is not a valid thresholds file: {error}"
        ) from error
