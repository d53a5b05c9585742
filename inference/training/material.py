"""The default model's training material: neural corpus and FSDD corpus, with copies.

Every file becomes an ``Item`` (16 kHz PCM16 in memory) labelled with what
the balancing and the cross-validation group on: domain, source repository,
synthesis system, speaker and the corpus of the human voice. Each file
yields a clean copy (random level) and augmented copies drawn from one
distribution for both classes; copies share the file's ``origin`` so that a
split never puts one copy in training and another in evaluation.
"""

import logging
import multiprocessing
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path

import librosa
import numpy as np

from inference.training.augment import augment
from inference.training.augment import draw_augmentation
from inference.training.augment import plain_level
from inference.training.corpus import AUDIO_EXTENSION
from inference.training.corpus import CorpusSpec
from inference.training.corpus import build_corpus
from inference.training.neural import NeuralItem
from inference.training.protocol import read_protocol
from inference.training.train import load_audio

logger = logging.getLogger(__name__)

NEURAL = "neural"
FSDD = "fsdd"
# Leading and trailing silence differs by source (padding), not by class.
_TRIM_TOP_DB = 40
_TRIM_MARGIN = 1_600


@dataclass(frozen=True)
class Item:
    audio: np.ndarray
    is_spoof: bool
    domain: str
    source: str
    system: str
    speaker: str
    corpus: str
    origin: str
    # FSDD only: "eval" items use TTS voices kept out of every fold's training.
    split: str = "train"
    copy: int = 0
    path: Path | None = None


@dataclass(frozen=True)
class MaterialSpec:
    neural_root: Path
    fsdd_source: Path
    work_dir: Path
    copies: int = 3
    fsdd_utterances_per_speaker: int = 60
    fsdd_eval_utterances_per_speaker: int = 20
    seed: int = 0
    workers: int = 2
    neural_limit: int | None = None


def load_originals(
    spec: MaterialSpec,
    neural: Sequence[NeuralItem],
    progress: Callable[[str], None] = logger.info,
) -> list[Item]:
    """Every file of both corpora, as found (``neural``) or as rendered (FSDD)."""
    originals = neural_items(neural, spec.neural_limit) + fsdd_items(spec, progress)
    progress(f"material: {len(originals)} files")
    return originals


def render_copies(originals: Sequence[Item], spec: MaterialSpec) -> list[Item]:
    """``spec.copies`` copies of each file: a clean one (random level) first."""
    rng = np.random.default_rng(spec.seed)
    jobs = [
        (item, copy, int(seed))
        for item in originals
        for copy, seed in enumerate(rng.integers(2**31, size=spec.copies))
    ]
    with multiprocessing.get_context("fork").Pool(spec.workers) as workers:
        return list(workers.imap(_render_copy, jobs, chunksize=8))


def neural_items(corpus: Sequence[NeuralItem], limit: int | None = None) -> list[Item]:
    if limit is not None:
        corpus = _spread(corpus, limit)
    return [_neural_item(entry) for entry in corpus]


def fsdd_items(spec: MaterialSpec, progress: Callable[[str], None]) -> list[Item]:
    """FSDD digits, TTS digits and vocoded digits through the 8 kHz channel."""
    corpus_spec = CorpusSpec(
        spec.fsdd_source,
        spec.work_dir / "fsdd",
        eval_speakers=(),
        utterances_per_speaker=spec.fsdd_utterances_per_speaker,
        seed=spec.seed,
        workers=spec.workers,
        eval_utterances_per_speaker=spec.fsdd_eval_utterances_per_speaker,
    )
    items = []
    for split, protocol in build_corpus(corpus_spec, progress).items():
        audio_dir = protocol.parent / AUDIO_EXTENSION
        for entry in read_protocol(protocol):
            path = audio_dir / f"{entry.file_id}.{AUDIO_EXTENSION}"
            items.append(
                Item(
                    audio=load_audio(path),
                    is_spoof=entry.is_spoof,
                    domain=FSDD,
                    source=FSDD,
                    system=entry.attack,
                    speaker=entry.speaker,
                    corpus=FSDD,
                    origin=entry.file_id,
                    split=split,
                    path=path,
                )
            )
    return items


def _neural_item(entry: NeuralItem) -> Item:
    return Item(
        audio=trim_silence(load_audio(entry.path)),
        is_spoof=entry.is_spoof,
        domain=NEURAL,
        source=entry.source_tag,
        system=entry.system,
        speaker=entry.speaker,
        corpus=entry.corpus,
        origin=entry.file_id,
        path=entry.path,
    )


def trim_silence(samples: np.ndarray) -> np.ndarray:
    """Cut leading and trailing silence, keeping a 0.1 s margin."""
    _, (start, end) = librosa.effects.trim(
        samples.astype(np.float32) / 32768.0, top_db=_TRIM_TOP_DB
    )
    return samples[max(start - _TRIM_MARGIN, 0) : end + _TRIM_MARGIN]


def _render_copy(job: tuple[Item, int, int]) -> Item:
    item, copy, seed = job
    rng = np.random.default_rng(seed)
    draw = plain_level(rng) if copy == 0 else draw_augmentation(rng)
    return replace(item, audio=augment(item.audio, draw, rng), copy=copy)


def _spread(entries: Sequence[NeuralItem], limit: int) -> list[NeuralItem]:
    """``limit`` entries spread evenly over the index (for small smoke builds)."""
    if limit >= len(entries):
        return list(entries)
    picks = np.linspace(0, len(entries) - 1, limit).round().astype(int)
    return [entries[i] for i in sorted(set(picks))]
