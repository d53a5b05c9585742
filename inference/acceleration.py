"""CPU speed-ups for WavLM classifiers: int8 dynamic Linear layers, a bf16 front-end.

On two cores these roughly double a base-plus WavLM's throughput; the
workers use them through ``inference.scoring_paths``, which checks the scores
against fp32 at load, and ``bench.scoring_paths`` prints both figures.
"""

import copy
from typing import Any

import torch
from torch import nn
from torch.ao.quantization import default_dynamic_qconfig
from torch.ao.quantization import quantize_dynamic
from torch.nn import functional as F
from transformers.models.wavlm.modeling_wavlm import WavLMAttention


class FusedWavLMAttention(WavLMAttention):
    """WavLM's self-attention through its own Linear layers and fused attention.

    transformers hands the q/k/v/out weights to ``multi_head_attention_forward``
    and asks for the attention weights: those four layers must stay float
    (an int8 layer has no weight tensor to hand over) and the softmax is
    computed explicitly. This is the same maths through the layers themselves
    and ``scaled_dot_product_attention``.
    """

    # No attention weights: the scorer never asks for them (transformers' own
    # annotation says a tensor, its callers take None).
    def torch_multi_head_self_attention(  # type: ignore[override]
        self,
        hidden_states: torch.Tensor,
        attention_mask: torch.Tensor | None,
        gated_position_bias: torch.Tensor,
    ) -> tuple[torch.Tensor, None]:
        batch, length, _ = hidden_states.shape

        def heads(projected: torch.Tensor) -> torch.Tensor:
            split = projected.view(batch, length, self.num_heads, self.head_dim)
            return split.transpose(1, 2)

        query = heads(self.q_proj(hidden_states))
        key = heads(self.k_proj(hidden_states))
        value = heads(self.v_proj(hidden_states))
        # transformers lays the bias out as (batch * heads, length, length).
        bias = gated_position_bias.view(batch, self.num_heads, length, length)
        if attention_mask is not None:
            padded = attention_mask.ne(1)[:, None, None, :]
            bias = bias.masked_fill(padded, float("-inf"))
        attended = F.scaled_dot_product_attention(query, key, value, attn_mask=bias)
        merged = attended.transpose(1, 2).reshape(batch, length, self.embed_dim)
        return self.out_proj(merged), None


def fuse_attention(model: nn.Module) -> nn.Module:
    """Route ``model``'s WavLM attention layers through ``FusedWavLMAttention``."""
    for module in model.modules():
        if type(module) is WavLMAttention:
            module.__class__ = FusedWavLMAttention
    return model


def quantize_linear_layers(model: nn.Module, *, inplace: bool = False) -> nn.Module:
    """Every Linear layer as a dynamic int8 one, the attention's too (fused first)."""
    target = fuse_attention(model if inplace else copy.deepcopy(model))
    spec = {
        name: default_dynamic_qconfig
        for name, module in target.named_modules()
        if isinstance(module, nn.Linear)
    }
    return quantize_dynamic(target, qconfig_spec=spec, dtype=torch.qint8, inplace=True)


def bfloat16_front_end(model: nn.Module) -> nn.Module:
    """Run the convolutional feature encoder in bfloat16, returning float32 features."""
    encoder = _feature_encoder(model)
    if encoder is None:
        return model
    encoder.to(torch.bfloat16)

    def cast_input(
        module: nn.Module, inputs: tuple[torch.Tensor, ...]
    ) -> tuple[Any, ...]:
        return (inputs[0].to(torch.bfloat16), *inputs[1:])

    def cast_output(
        module: nn.Module, inputs: Any, output: torch.Tensor
    ) -> torch.Tensor:
        return output.float()

    encoder.register_forward_pre_hook(cast_input)
    encoder.register_forward_hook(cast_output)
    return model


def optimize_for_cpu(model: nn.Module) -> nn.Module:
    """Both speed-ups, applied to ``model`` itself (copy it first to keep fp32)."""
    return quantize_linear_layers(bfloat16_front_end(model), inplace=True)


def _feature_encoder(model: nn.Module) -> nn.Module | None:
    """The convolutional front-end of a wav2vec2-family model, if it has one."""
    prefix = str(getattr(model, "base_model_prefix", ""))
    encoder = getattr(getattr(model, prefix, None), "feature_extractor", None)
    return encoder if isinstance(encoder, nn.Module) else None
