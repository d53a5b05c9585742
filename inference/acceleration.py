"""CPU speed-ups for WavLM classifiers: int8 dynamic Linear layers, a bf16 front-end.

On two cores these roughly double a base-plus WavLM's throughput; the
workers use them through ``inference.scoring_paths``, which checks the scores
against fp32 at load, and ``bench.scoring_paths`` prints both figures.
"""

from typing import Any

import torch
from torch import nn
from torch.ao.quantization import default_dynamic_qconfig
from torch.ao.quantization import quantize_dynamic

# WavLM's attention hands these weights to torch's fused attention directly,
# so they must stay ordinary float Linear layers.
_FUSED_ATTENTION_WEIGHTS = ("q_proj", "k_proj", "v_proj", "out_proj")


def quantize_linear_layers(model: nn.Module, *, inplace: bool = False) -> nn.Module:
    """Swap every Linear layer that can be swapped for a dynamic int8 one."""
    spec = {
        name: default_dynamic_qconfig
        for name, module in model.named_modules()
        if isinstance(module, nn.Linear) and not name.endswith(_FUSED_ATTENTION_WEIGHTS)
    }
    return quantize_dynamic(
        model, qconfig_spec=spec, dtype=torch.qint8, inplace=inplace
    )


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
