"""The training loop shared by the default model's build and by fine-tuning."""

import logging
import math
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
import soxr
import torch
from torch.utils.data import DataLoader
from torch.utils.data import Dataset
from transformers import FeatureExtractionMixin
from transformers import PreTrainedModel
from transformers import WavLMConfig
from transformers import WavLMForSequenceClassification
from transformers import set_seed

from inference.chunking import SAMPLE_RATE
from inference.labels import head_options
from inference.model import as_float
from inference.training.protocol import ProtocolEntry
from inference.training.protocol import audio_path

logger = logging.getLogger(__name__)

# The default detector: WavLM's strides and layout at a fraction of the width,
# small enough to train from scratch on two CPU cores in a quarter of an hour.
SMALL_WAVLM: dict[str, Any] = {
    "hidden_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 256,
    "conv_dim": (64,) * 7,
    "num_conv_pos_embeddings": 16,
    "num_conv_pos_embedding_groups": 4,
    "classifier_proj_size": 64,
}


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 12
    batch_size: int = 16
    learning_rate: float = 1e-3
    weight_decay: float = 1e-2
    warmup_fraction: float = 0.1
    crop_seconds: float = 4.0
    seed: int = 0
    max_steps_per_epoch: int | None = None
    num_workers: int = 0
    label_smoothing: float = 0.0
    speed_perturbation: float = 0.0


def small_wavlm(seed: int, **overrides: Any) -> WavLMForSequenceClassification:
    """The default architecture with fresh weights and the bonafide/spoof labels."""
    torch.manual_seed(seed)
    options: dict[str, Any] = {
        **SMALL_WAVLM,
        **overrides,
        **head_options(),
    }
    config = WavLMConfig(**options)
    return WavLMForSequenceClassification(config)


def load_audio(path: Path) -> np.ndarray:
    """A file as 16 kHz mono PCM16 samples (16 kHz mono files read as stored)."""
    info = sf.info(path)
    if info.samplerate == SAMPLE_RATE and info.channels == 1:
        return sf.read(path, dtype="int16")[0]
    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    if rate != SAMPLE_RATE:
        mono = soxr.resample(mono, rate, SAMPLE_RATE)
    return np.clip(np.round(mono * 32767), -32768, 32767).astype(np.int16)


class CropDataset(Dataset[tuple[np.ndarray, int]]):
    """Random ``crop_seconds`` crops; shorter files are zero-padded to that length.

    Every crop has the same length because the scorer batches equal-length
    chunks without padding or masks; ``speed`` (e.g. 0.1 for +-10 %) resamples
    each item by a random factor, which widens the range of voices.
    """

    def __init__(
        self,
        sources: Sequence[np.ndarray | Path],
        labels: Sequence[int],
        crop_seconds: float,
        speed: float = 0.0,
    ) -> None:
        self.sources = sources
        self.labels = labels
        self.crop = round(crop_seconds * SAMPLE_RATE)
        self.speed = speed

    def __len__(self) -> int:
        return len(self.sources)

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        source = self.sources[index]
        audio = as_float(load_audio(source) if isinstance(source, Path) else source)
        # torch's generator: seeded per DataLoader worker, so crops are reproducible.
        if self.speed:
            factor = 1.0 + self.speed * (2 * float(torch.rand(1)) - 1)
            audio = soxr.resample(audio, SAMPLE_RATE, SAMPLE_RATE * factor)
        if audio.size > self.crop:
            start = int(torch.randint(audio.size - self.crop + 1, (1,)))
            audio = audio[start : start + self.crop]
        return np.pad(audio, (0, self.crop - audio.size)), self.labels[index]


def protocol_dataset(
    entries: Sequence[ProtocolEntry],
    audio_dir: Path,
    extension: str,
    label_index: dict[str, int],
    crop_seconds: float,
    *,
    preload: bool,
    speed: float = 0.0,
) -> CropDataset:
    """A dataset over a protocol's files, labelled with the model's class indices."""
    paths = [audio_path(audio_dir, entry, extension) for entry in entries]
    sources: list[np.ndarray | Path] = (
        [load_audio(p) for p in paths] if preload else list(paths)
    )
    labels = [label_index[entry.label] for entry in entries]
    return CropDataset(sources, labels, crop_seconds, speed)


class BalancedCropBatches:
    """``steps`` batches drawn by sampling weight, each crop of one random length.

    Uploads are scored in chunks of 1 to 8 s without padding, so training
    crops vary in length too and are never padded: a batch's length is drawn
    between ``min_seconds`` and ``max_seconds`` and capped by its shortest
    file. Padding would also tell short files (common in some sources) apart.
    """

    def __init__(
        self,
        audio: Sequence[np.ndarray],
        labels: Sequence[int],
        weights: np.ndarray,
        batch_size: int,
        steps: int,
        seed: int,
        min_seconds: float = 1.0,
        max_seconds: float = 3.0,
    ) -> None:
        self.audio = audio
        self.labels = labels
        self.weights = np.asarray(weights, dtype=np.float64) / np.sum(weights)
        self.batch_size = batch_size
        self.steps = steps
        self.lengths = (
            round(min_seconds * SAMPLE_RATE),
            round(max_seconds * SAMPLE_RATE),
        )
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return self.steps

    def __iter__(self) -> Iterator[list[tuple[np.ndarray, int]]]:
        for _ in range(self.steps):
            picks = self.rng.choice(len(self.audio), self.batch_size, p=self.weights)
            shortest = min(self.audio[i].size for i in picks)
            length = min(int(self.rng.integers(*self.lengths, endpoint=True)), shortest)
            batch = []
            for i in picks:
                start = int(self.rng.integers(self.audio[i].size - length + 1))
                crop = as_float(self.audio[i][start : start + length])
                batch.append((crop, self.labels[i]))
            yield batch


class Collator:
    def __init__(self, feature_extractor: FeatureExtractionMixin) -> None:
        self.feature_extractor = feature_extractor

    def __call__(self, batch: list[tuple[np.ndarray, int]]) -> dict[str, torch.Tensor]:
        features = self.feature_extractor(  # type: ignore[operator]
            [audio for audio, _ in batch],
            sampling_rate=SAMPLE_RATE,
            padding=True,
            return_attention_mask=True,
            return_tensors="pt",
        )
        return {**features, "labels": torch.tensor([label for _, label in batch])}


class Trainer:
    """AdamW with warm-up and cosine decay, epoch by epoch.

    Given a ``CropDataset`` it shuffles it and balances the classes in the
    loss; given ``BalancedCropBatches`` the batches are balanced already.
    """

    def __init__(
        self,
        model: PreTrainedModel,
        feature_extractor: FeatureExtractionMixin,
        data: CropDataset | BalancedCropBatches,
        config: TrainConfig,
        device: torch.device,
    ) -> None:
        self.model = model.to(device)  # type: ignore[arg-type]
        self.config = config
        self.device = device
        self.collate = Collator(feature_extractor)
        self.loader: Iterable[list[tuple[np.ndarray, int]]]
        classes = int(model.config.num_labels or 2)
        if isinstance(data, CropDataset):
            self.loader = DataLoader(
                data,
                batch_size=config.batch_size,
                shuffle=True,
                drop_last=len(data) > config.batch_size,
                collate_fn=list,
                num_workers=config.num_workers,
                generator=torch.Generator().manual_seed(config.seed),
            )
            counts = np.bincount(np.asarray(data.labels), minlength=classes)
            weights = counts.sum() / np.maximum(counts, 1) / np.count_nonzero(counts)
        else:
            self.loader = data
            weights = np.ones(classes)
        steps = len(self.loader)
        self.steps_per_epoch = min(steps, config.max_steps_per_epoch or steps)
        total = max(self.steps_per_epoch * config.epochs, 1)
        warmup = max(1, round(config.warmup_fraction * total))
        self.optimizer = torch.optim.AdamW(
            model.parameters(),
            lr=config.learning_rate,
            weight_decay=config.weight_decay,
        )
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda step: _warmup_cosine(step, warmup, total)
        )
        self.loss = torch.nn.CrossEntropyLoss(
            weight=torch.tensor(weights, dtype=torch.float32),
            label_smoothing=config.label_smoothing,
        )
        self.loss.to(device)
        self.epoch = 0
        # Dropout, crops and speed draw from torch; WavLM's time masking from numpy.
        set_seed(config.seed)

    def run_epoch(self, progress: Callable[[str], None] | None = None) -> float:
        """One pass (or ``max_steps_per_epoch`` batches); the mean training loss."""
        self.model.train()
        losses = []
        autocast = torch.autocast(
            "cuda", dtype=torch.bfloat16, enabled=self.device.type == "cuda"
        )
        for step, items in enumerate(self.loader):
            if step >= self.steps_per_epoch:
                break
            batch = self.collate(items)
            labels = batch.pop("labels").to(self.device)
            inputs = {key: value.to(self.device) for key, value in batch.items()}
            with autocast:
                logits = self.model(**inputs).logits
            loss = self.loss(logits.float(), labels)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.optimizer.step()
            self.scheduler.step()
            losses.append(loss.item())
            if progress and (step + 1) % 20 == 0:
                recent = np.mean(losses[-20:])
                position = f"{step + 1}/{self.steps_per_epoch}"
                progress(f"epoch {self.epoch + 1} step {position} loss {recent:.4f}")
        self.epoch += 1
        self.model.eval()
        return float(np.mean(losses)) if losses else math.nan

    def state_dict(self) -> dict[str, Any]:
        generator = getattr(self.loader, "generator", None)
        return {
            "epoch": self.epoch,
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "numpy_rng": _numpy_rng_state(),
            "loader_rng": generator.get_state() if generator else None,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.epoch = int(state["epoch"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        _set_numpy_rng_state(state["numpy_rng"])
        generator = getattr(self.loader, "generator", None)
        if state.get("loader_rng") is not None and generator is not None:
            generator.set_state(state["loader_rng"])


def _numpy_rng_state() -> dict[str, Any]:
    """numpy's global RNG state as tensors, which ``torch.load`` accepts safely."""
    state: dict[str, Any] = np.random.get_state(legacy=False)
    return {
        "key": torch.from_numpy(state["state"]["key"].astype(np.int64)),
        "pos": int(state["state"]["pos"]),
        "has_gauss": int(state["has_gauss"]),
        "gauss": float(state["gauss"]),
    }


def _set_numpy_rng_state(saved: dict[str, Any]) -> None:
    key = saved["key"].numpy().astype(np.uint32)
    np.random.set_state(
        {
            "bit_generator": "MT19937",
            "state": {"key": key, "pos": saved["pos"]},
            "has_gauss": saved["has_gauss"],
            "gauss": saved["gauss"],
        }
    )


def _warmup_cosine(step: int, warmup: int, total: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(total - warmup, 1)
    return 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))
