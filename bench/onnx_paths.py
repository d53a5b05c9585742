"""ONNX Runtime rows for ``bench.scoring_paths``: export a checkpoint, score like a worker.

The model is exported with ``torch.onnx`` (the dynamo exporter, which needs
onnxscript) and quantized with ONNX Runtime's dynamic int8 quantization. Only
the benchmark uses this: on the 2-core machine neither ONNX Runtime path beat
torch's int8 + bf16 path, so the workers do not offer it and the images do not
install it. The rows appear when ``onnxruntime`` and ``onnxscript`` are
installed (``pip install onnxruntime==1.32.0 onnxscript==0.7.2``).
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

PATHS = ("onnx-fp32", "onnx-int8")
EXAMPLE_SAMPLES = 4 * 16_000


def available() -> bool:
    return all(importlib.util.find_spec(name) for name in ("onnxruntime", "onnxscript"))


def model_file(directory: Path, path: str) -> Path:
    return directory / f"{path}.onnx"


def export(checkpoint: Path, directory: Path) -> None:
    """Write the checkpoint as ONNX, fp32 and int8, any batch size and length."""
    from onnxruntime.quantization import QuantType
    from onnxruntime.quantization import quantize_dynamic
    from transformers import AutoModelForAudioClassification

    model = AutoModelForAudioClassification.from_pretrained(checkpoint).eval()
    batch = torch.export.Dim("batch", min=1, max=1024)
    samples = torch.export.Dim("samples", min=16_000, max=160_000)
    fp32, int8 = (model_file(directory, path) for path in PATHS)
    torch.onnx.export(
        model,
        (torch.zeros(2, EXAMPLE_SAMPLES),),
        fp32,
        input_names=["input_values"],
        output_names=["logits"],
        dynamic_shapes=({0: batch, 1: samples},),
        dynamo=True,
        verbose=False,
    )
    # Matrix products only, like torch's int8 path (the weight-normed
    # positional convolution has no constant weight to quantize).
    quantize_dynamic(
        fp32, int8, op_types_to_quantize=["MatMul", "Gemm"], weight_type=QuantType.QInt8
    )


class OnnxScorer:
    """``DetectorModel.score`` on an ONNX Runtime session: same features and batches."""

    def __init__(self, onnx_file: Path, checkpoint: Path, batch_size: int) -> None:
        import onnxruntime
        from transformers import AutoConfig
        from transformers import AutoFeatureExtractor

        from inference.model import resolve_fake_index

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads()
        self.session = onnxruntime.InferenceSession(
            onnx_file, options, providers=["CPUExecutionProvider"]
        )
        self.feature_extractor = AutoFeatureExtractor.from_pretrained(checkpoint)
        config = AutoConfig.from_pretrained(checkpoint)
        self.fake_index = resolve_fake_index(config.id2label)
        self.batch_size = batch_size

    def score(self, chunks: Sequence[np.ndarray]) -> list[float]:
        from inference.model import score_in_batches

        return score_in_batches(chunks, self.batch_size, self._score_batch)

    def _score_batch(self, batch: list[np.ndarray]) -> list[float]:
        from inference.chunking import SAMPLE_RATE
        from inference.model import as_float

        features = self.feature_extractor(
            [as_float(chunk) for chunk in batch],
            sampling_rate=SAMPLE_RATE,
            return_tensors="np",
        )
        logits = self.session.run(
            ["logits"], {"input_values": features["input_values"]}
        )
        probabilities = torch.softmax(torch.from_numpy(logits[0]).float(), dim=-1)
        return [float(p) for p in probabilities[:, self.fake_index]]
