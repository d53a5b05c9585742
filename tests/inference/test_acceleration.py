"""The CPU speed-ups keep a WavLM's outputs: fused attention exactly, int8 closely."""

import copy

import pytest
import torch
from torch import nn

from inference.acceleration import FusedWavLMAttention
from inference.acceleration import fuse_attention
from inference.acceleration import quantize_linear_layers
from inference.offline_model import random_wavlm

SAMPLES = 32_000


@pytest.fixture(scope="module")
def model() -> nn.Module:
    torch.manual_seed(0)
    return random_wavlm("tiny").eval()


def logits(model: nn.Module, **inputs: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return model(**inputs).logits


def test_fused_attention_gives_the_same_logits(model: nn.Module) -> None:
    """Padded or not, the fused layers compute what transformers' layers compute."""
    audio = torch.randn(2, SAMPLES, generator=torch.Generator().manual_seed(1))
    mask = torch.ones(2, SAMPLES, dtype=torch.long)
    mask[1, SAMPLES * 3 // 4 :] = 0
    fused = fuse_attention(copy.deepcopy(model))

    assert any(isinstance(m, FusedWavLMAttention) for m in fused.modules())
    for inputs in (
        {"input_values": audio},
        {"input_values": audio, "attention_mask": mask},
    ):
        torch.testing.assert_close(
            logits(fused, **inputs), logits(model, **inputs), atol=1e-5, rtol=1e-5
        )


def test_int8_covers_the_attention_projections_and_leaves_fp32_alone(
    model: nn.Module,
) -> None:
    quantized = quantize_linear_layers(model)

    float_linears = [
        name for name, module in quantized.named_modules() if type(module) is nn.Linear
    ]
    assert float_linears == []
    assert not any(isinstance(m, FusedWavLMAttention) for m in model.modules())
    audio = torch.randn(1, SAMPLES, generator=torch.Generator().manual_seed(2))
    exact = torch.softmax(logits(model, input_values=audio), dim=-1)
    fast = torch.softmax(logits(quantized, input_values=audio), dim=-1)
    assert (exact - fast).abs().max().item() < 0.01
