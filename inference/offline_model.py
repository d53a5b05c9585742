"""Randomly initialised WavLM checkpoints: the offline demo model and benchmark stand-ins."""

from pathlib import Path
from typing import Any
from typing import Literal

import torch
from transformers import Wav2Vec2FeatureExtractor
from transformers import WavLMConfig
from transformers import WavLMForSequenceClassification

from inference.chunking import SAMPLE_RATE
from inference.labels import head_options

Size = Literal["tiny", "base-plus"]

# The feature encoder keeps WavLM's strides (one frame per 20 ms); only widths shrink.
_TINY: dict[str, Any] = {
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "intermediate_size": 128,
    "conv_dim": (64,) * 7,
    "num_conv_pos_embeddings": 16,
    "num_conv_pos_embedding_groups": 4,
    "classifier_proj_size": 32,
}


def random_wavlm(size: Size, seed: int = 0) -> WavLMForSequenceClassification:
    """A WavLM classifier with random weights: ``base-plus`` has the real model's compute."""
    torch.manual_seed(seed)
    options: dict[str, Any] = {
        **(_TINY if size == "tiny" else {}),
        **head_options(),
    }
    config = WavLMConfig(**options)
    return WavLMForSequenceClassification(config).eval()


def feature_extractor() -> Wav2Vec2FeatureExtractor:
    return Wav2Vec2FeatureExtractor(
        feature_size=1,
        sampling_rate=SAMPLE_RATE,
        padding_value=0.0,
        do_normalize=True,
        return_attention_mask=True,
    )


def save_random_checkpoint(directory: Path, size: Size = "tiny", seed: int = 0) -> Path:
    """Write an untrained checkpoint that the platform can load offline and flags as a demo."""
    model = random_wavlm(size, seed)
    model.config.detector_name = f"wavlm-{size}-random-demo"
    model.config.detector_version = f"untrained-seed{seed}"
    model.config.detector_trained = False
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)
    feature_extractor().save_pretrained(directory)
    return directory
