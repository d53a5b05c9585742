"""Fine-tuning any audio-classification checkpoint on a protocol-described corpus.

Checkpoints go to ``output_dir/epoch-N`` after every epoch (weights, feature
extractor, optimizer and scheduler state); ``resume`` continues from the last
one. At the end the epoch with the lowest validation EER (else the last) is
copied to ``output_dir`` itself, so the platform can load that directory.
"""

import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import numpy as np
import torch
from transformers import AutoFeatureExtractor
from transformers import AutoModelForAudioClassification
from transformers import FeatureExtractionMixin
from transformers import PreTrainedModel

from inference.labels import BONAFIDE
from inference.labels import SPOOF
from inference.labels import head_options
from inference.model import DetectorModel
from inference.model import ModelIdentity
from inference.model import pick_device
from inference.model import resolve_fake_index
from inference.training import metrics
from inference.training.evaluate import DecodedCorpus
from inference.training.evaluate import DecodeSettings
from inference.training.evaluate import decode_corpus
from inference.training.protocol import read_protocol
from inference.training.train import TrainConfig
from inference.training.train import Trainer
from inference.training.train import protocol_dataset

logger = logging.getLogger(__name__)

STATE_FILE = "trainer_state.pt"
HISTORY_FILE = "finetune_history.json"
_MODEL_FILES = ("config.json", "model.safetensors", "preprocessor_config.json")


@dataclass(frozen=True)
class FinetuneSpec:
    model: str
    output_dir: Path
    train_protocol: Path
    train_audio_dir: Path
    extension: str = "flac"
    val_protocol: Path | None = None
    val_audio_dir: Path | None = None
    revision: str | None = None
    new_head: bool = False
    resume: bool = False
    device: str = ""
    preload: bool = False
    decode_threads: int = 4
    train: TrainConfig = field(default_factory=TrainConfig)


@dataclass(frozen=True)
class EpochRecord:
    epoch: int
    loss: float
    val_eer: float | None
    checkpoint: str


def load_for_finetuning(
    name_or_path: str, revision: str | None, *, new_head: bool
) -> tuple[PreTrainedModel, FeatureExtractionMixin]:
    """The checkpoint, with a fresh bonafide/spoof head when ``new_head`` is set."""
    options = {}
    if new_head:
        options = {
            **head_options(),
            "ignore_mismatched_sizes": True,
        }
    model = AutoModelForAudioClassification.from_pretrained(
        name_or_path, revision=revision, **options
    )
    extractor = AutoFeatureExtractor.from_pretrained(name_or_path, revision=revision)
    return model, extractor


def label_index(model: PreTrainedModel) -> dict[str, int]:
    """The model's class index for each protocol label (two classes only)."""
    if model.config.num_labels != 2:
        raise ValueError(
            f"the checkpoint has {model.config.num_labels} labels; "
            "use --new-head for a two-label head"
        )
    fake = resolve_fake_index(model.config.id2label)
    return {SPOOF: fake, BONAFIDE: 1 - fake}


def latest_checkpoint(output_dir: Path) -> Path | None:
    candidates = [
        p
        for p in output_dir.glob("epoch-*")
        if (p / STATE_FILE).exists() and p.name[6:].isdigit()
    ]
    return max(candidates, key=lambda p: int(p.name[6:]), default=None)


def validation_eer(
    model: PreTrainedModel,
    extractor: FeatureExtractionMixin,
    corpus: DecodedCorpus,
    device: torch.device,
    batch_size: int,
) -> float:
    """EER on the validation files, chunks batched across files, file score = peak."""
    detector = DetectorModel(
        model,
        extractor,
        ModelIdentity("val", "val", trained=True),
        None,
        device,
        batch_size,
    )
    flat = [chunk for chunks in corpus.chunks for chunk in chunks]
    scores = iter(detector.score(flat))
    per_file = np.array([max(next(scores) for _ in chunks) for chunks in corpus.chunks])
    spoof = np.array([entry.is_spoof for entry in corpus.entries])
    return metrics.eer(per_file[~spoof], per_file[spoof])[0]


def finetune(
    spec: FinetuneSpec, progress: Callable[[str], None] = logger.info
) -> list[EpochRecord]:
    """Train to ``spec.train.epochs`` epochs, checkpointing and validating each."""
    torch.manual_seed(spec.train.seed)
    device = pick_device(spec.device)
    resume_from = latest_checkpoint(spec.output_dir) if spec.resume else None
    if resume_from:
        progress(f"resuming from {resume_from}")
        model, extractor = load_for_finetuning(str(resume_from), None, new_head=False)
    else:
        model, extractor = load_for_finetuning(
            spec.model, spec.revision, new_head=spec.new_head
        )
    labels = label_index(model)
    dataset = protocol_dataset(
        read_protocol(spec.train_protocol),
        spec.train_audio_dir,
        spec.extension,
        labels,
        spec.train.crop_seconds,
        preload=spec.preload,
        speed=spec.train.speed_perturbation,
    )
    trainer = Trainer(model, extractor, dataset, spec.train, device)
    history: list[EpochRecord] = []
    if resume_from:
        trainer.load_state_dict(
            torch.load(resume_from / STATE_FILE, map_location="cpu")
        )
        history = [
            EpochRecord(**r)
            for r in json.loads((spec.output_dir / HISTORY_FILE).read_text())
        ]
    validation = None
    if spec.val_protocol:
        validation = decode_corpus(
            read_protocol(spec.val_protocol),
            spec.val_audio_dir or spec.val_protocol.parent / spec.extension,
            spec.extension,
            DecodeSettings.from_settings(),
            spec.decode_threads,
        )
    while trainer.epoch < spec.train.epochs:
        loss = trainer.run_epoch(progress)
        val_eer = None
        if validation:
            val_eer = validation_eer(
                model, extractor, validation, device, spec.train.batch_size
            )
        checkpoint = spec.output_dir / f"epoch-{trainer.epoch}"
        model.save_pretrained(checkpoint)
        extractor.save_pretrained(checkpoint)
        torch.save(trainer.state_dict(), checkpoint / STATE_FILE)
        history.append(EpochRecord(trainer.epoch, loss, val_eer, str(checkpoint)))
        _write_history(spec.output_dir, history)
        shown = "-" if val_eer is None else f"{100 * val_eer:.2f} %"
        progress(f"epoch {trainer.epoch}: loss {loss:.4f}, validation EER {shown}")
    _publish_best(spec.output_dir, history)
    return history


def _write_history(output_dir: Path, history: list[EpochRecord]) -> None:
    (output_dir / HISTORY_FILE).write_text(
        json.dumps([asdict(r) for r in history], indent=2) + "\n"
    )


def _publish_best(output_dir: Path, history: list[EpochRecord]) -> None:
    validated = [r for r in history if r.val_eer is not None]
    best = min(validated, key=lambda r: r.val_eer or 0.0) if validated else history[-1]
    for name in _MODEL_FILES:
        source = Path(best.checkpoint) / name
        if source.exists():
            shutil.copy2(source, output_dir / name)
