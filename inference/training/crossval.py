"""Grouped cross-validation: unseen systems, sources and speakers, one fold at a time.

Each fold holds out, all at once:

- a group of source repositories (every file they hold, both classes), so
  the recording chain, the page's human speech and its utterances are new;
- the neural systems whose files mostly come from those repositories (every
  file of those systems, from any repository), so each system is scored by a
  model that never heard it: leave-one-system-out, grouped into folds;
- one FSDD speaker (leave-one-speaker-out), scored against vocoded copies of
  that speaker and TTS voices no fold ever trains on.

Files are scored as uploads are (decoded, cut into 4 s chunks, file score =
highest chunk), from the original files, never from training copies.
"""

import copy
import logging
import zlib
from collections import Counter
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from transformers import FeatureExtractionMixin
from transformers import PreTrainedModel

from inference.acceleration import optimize_for_cpu
from inference.chunking import SAMPLE_RATE
from inference.chunking import AudioTooShortError
from inference.chunking import plan_chunks
from inference.model import DetectorModel
from inference.model import ModelIdentity
from inference.training.baseline import train_baseline
from inference.training.material import FSDD
from inference.training.material import NEURAL
from inference.training.material import Item
from inference.training.sampling import balanced_weights
from inference.training.train import BalancedCropBatches
from inference.training.train import TrainConfig
from inference.training.train import Trainer
from inference.training.train import load_audio

logger = logging.getLogger(__name__)

# A splice is this much held-out human speech, then as much synthetic speech.
SPLICE_HALF_SECONDS = 8.0


@dataclass(frozen=True)
class Fold:
    index: int
    sources: frozenset[str]
    systems: frozenset[str]
    speaker: str | None


@dataclass(frozen=True)
class ScoredFile:
    fold: int
    item: Item
    chunk_scores: list[float]

    @property
    def score(self) -> float:
        return max(self.chunk_scores)


def plan_folds(items: Sequence[Item], count: int) -> list[Fold]:
    """Deterministic folds of similar size over sources, systems and speakers."""
    originals = [item for item in items if item.copy == 0]
    neural = [item for item in originals if item.domain == NEURAL]
    files = Counter(item.source for item in neural)
    load = [0] * count
    fold_of_source: dict[str, int] = {}
    for source, size in sorted(files.items(), key=lambda kv: (-kv[1], kv[0])):
        target = int(np.argmin(load))
        fold_of_source[source] = target
        load[target] += size
    system_sources: dict[str, Counter[str]] = defaultdict(Counter)
    for item in neural:
        if item.is_spoof:
            system_sources[item.system][item.source] += 1
    fold_of_system = {
        system: fold_of_source[min(sources, key=lambda s: (-sources[s], s))]
        for system, sources in system_sources.items()
    }
    speakers = sorted(
        {i.speaker for i in originals if i.domain == FSDD and not i.is_spoof}
    )
    return [
        Fold(
            index,
            frozenset(s for s, f in fold_of_source.items() if f == index),
            frozenset(s for s, f in fold_of_system.items() if f == index),
            speakers[index] if index < len(speakers) else None,
        )
        for index in range(count)
    ]


def in_training(item: Item, fold: Fold) -> bool:
    if item.domain == NEURAL:
        return item.source not in fold.sources and not (
            item.is_spoof and item.system in fold.systems
        )
    return item.split == "train" and item.speaker != fold.speaker


def held_out(item: Item, fold: Fold, count: int) -> bool:
    """Whether this fold scores the item (originals only)."""
    if item.copy != 0:
        return False
    if item.domain == NEURAL:
        return item.source in fold.sources or (
            item.is_spoof and item.system in fold.systems
        )
    if item.split != "eval":
        return False
    if item.system.startswith("tts"):
        return zlib.crc32(item.origin.encode()) % count == fold.index
    return item.speaker == fold.speaker


def train_model(
    items: Sequence[Item],
    build_model: Callable[[], PreTrainedModel],
    extractor: FeatureExtractionMixin,
    config: TrainConfig,
    progress: Callable[[str], None],
) -> PreTrainedModel:
    """A fresh model trained on ``items`` with balanced, variable-length batches."""
    model = build_model()
    batches = BalancedCropBatches(
        [item.audio for item in items],
        [int(item.is_spoof) for item in items],
        balanced_weights(items),
        config.batch_size,
        config.max_steps_per_epoch or 1_000,
        config.seed,
    )
    trainer = Trainer(model, extractor, batches, config, torch.device("cpu"))
    for _ in range(config.epochs):
        loss = trainer.run_epoch()
        progress(f"  epoch {trainer.epoch}/{config.epochs}: loss {loss:.4f}")
    return model


def score_items(
    model: PreTrainedModel,
    extractor: FeatureExtractionMixin,
    chunks: Sequence[Sequence[np.ndarray]],
    batch_size: int = 8,
    *,
    optimize: bool = False,
) -> list[list[float]]:
    """Every file's chunk scores by an in-memory model (fp32 unless ``optimize``)."""
    scorer = optimize_for_cpu(copy.deepcopy(model)) if optimize else model
    detector = DetectorModel(
        scorer,  # type: ignore[arg-type]
        extractor,
        ModelIdentity("fold", "0", trained=True),
        None,
        torch.device("cpu"),
        batch_size,
    )
    return [detector.score(list(file_chunks)) for file_chunks in chunks]


@dataclass(frozen=True)
class SpliceTrial:
    fold: int
    genuine: list[float]
    fake: list[float]

    @property
    def separated(self) -> bool:
        """Every synthetic chunk outscores every genuine one."""
        return min(self.fake) > max(self.genuine)


@dataclass(frozen=True)
class CrossValidation:
    scored: list[ScoredFile]
    baseline: list[ScoredFile]
    splices: list[SpliceTrial]


def cross_validate(
    items: Sequence[Item],
    chunks: dict[str, list[np.ndarray]],
    folds: Sequence[Fold],
    build_model: Callable[[], PreTrainedModel],
    extractor: FeatureExtractionMixin,
    config: TrainConfig,
    progress: Callable[[str], None],
    splices_per_fold: int = 25,
) -> CrossValidation:
    """Train one model (and one baseline) per fold and score what it held out."""
    scored, reference, splices = [], [], []
    for fold in folds:
        training = [item for item in items if in_training(item, fold)]
        scoring = [
            item
            for item in items
            if held_out(item, fold, len(folds)) and item.origin in chunks
        ]
        progress(
            f"fold {fold.index + 1}/{len(folds)}: train on {len(training)} copies, "
            f"score {len(scoring)} files (speaker {fold.speaker}, "
            f"{len(fold.sources)} sources, {len(fold.systems)} systems)"
        )
        model = train_model(training, build_model, extractor, config, progress)
        files = [chunks[item.origin] for item in scoring]
        scored += _scored(fold, scoring, score_items(model, extractor, files))
        baseline = train_baseline(
            [[item.audio] for item in training], [item.is_spoof for item in training]
        )
        reference += _scored(fold, scoring, [baseline.score(f) for f in files])
        splices += splice_trials(
            fold, scoring, chunks, model, extractor, splices_per_fold
        )
    return CrossValidation(scored, reference, splices)


def _scored(
    fold: Fold, items: Sequence[Item], scores: Sequence[list[float]]
) -> list[ScoredFile]:
    return [
        ScoredFile(fold.index, item, file_scores)
        for item, file_scores in zip(items, scores, strict=True)
    ]


def splice_trials(
    fold: Fold,
    scoring: Sequence[Item],
    chunks: dict[str, list[np.ndarray]],
    model: PreTrainedModel,
    extractor: FeatureExtractionMixin,
    count: int,
) -> list[SpliceTrial]:
    """Held-out human speech (8 s) followed by held-out unseen-system speech (8 s)."""
    genuine = [i for i in scoring if i.domain == NEURAL and not i.is_spoof]
    fake = [
        i
        for i in scoring
        if i.domain == NEURAL and i.is_spoof and i.system in fold.systems
    ]
    if not genuine or not fake:
        return []
    rng = np.random.default_rng(fold.index)
    half = round(SPLICE_HALF_SECONDS * SAMPLE_RATE)
    spliced = [
        [*_halves(genuine, chunks, half, rng), *_halves(fake, chunks, half, rng)]
        for _ in range(count)
    ]
    scores = score_items(model, extractor, spliced)
    return [SpliceTrial(fold.index, s[:2], s[2:]) for s in scores]


def _halves(
    pool: Sequence[Item],
    chunks: dict[str, list[np.ndarray]],
    length: int,
    rng: np.random.Generator,
) -> list[np.ndarray]:
    """``length`` samples from random files of ``pool``, as two equal chunks."""
    pieces, total = [], 0
    while total < length:
        item = pool[int(rng.integers(len(pool)))]
        audio = np.concatenate(chunks[item.origin])
        pieces.append(audio)
        total += audio.size
    audio = np.concatenate(pieces)[:length]
    return [audio[: length // 2], audio[length // 2 :]]


def cut_originals(
    items: Sequence[Item], chunk_seconds: float, min_seconds: float
) -> dict[str, list[np.ndarray]]:
    """Each original file's chunks, cut exactly as an upload of it would be.

    The corpus files are 16-bit PCM WAV/FLAC (lossless), so soundfile yields
    the samples the workers' ffmpeg decoder would, without a process per file.
    """
    cut = {}
    for item in items:
        if item.copy != 0 or item.path is None:
            continue
        samples = load_audio(item.path)
        try:
            spans = plan_chunks(samples.size, chunk_seconds, min_seconds)
        except AudioTooShortError as error:
            logger.warning("cannot score %s: %s", item.path, error)
            continue
        cut[item.origin] = [samples[s.start_sample : s.end_sample] for s in spans]
    return cut
