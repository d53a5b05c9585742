"""Choosing how the worker scores: the fastest path that stays within 0.01 of fp32."""

import copy
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from bench import gpu
from bench import scoring_paths as bench_paths
from inference import model as model_module
from inference import scoring_paths
from inference.exceptions import ModelConfigurationError
from inference.model import load_detector
from inference.offline_model import save_random_checkpoint
from inference.scoring_paths import FP32
from inference.scoring_paths import ScoringPath
from inference.scoring_paths import choose_fastest

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny untrained checkpoint on disk."""
    return save_random_checkpoint(tmp_path_factory.mktemp("ckpt") / "demo", "tiny")


class FakeScorer:
    """Scores every chunk the same; counts its calls."""

    def __init__(self, value: float) -> None:
        self.value = value
        self.calls = 0

    def score(self, chunks: Sequence[np.ndarray]) -> list[float]:
        self.calls += 1
        return [self.value] * len(chunks)


def named(name: str) -> ScoringPath:
    return ScoringPath(name, lambda model: model)


REFERENCE = [np.zeros(16_000, dtype=np.int16)] * 2


def test_chooser_takes_the_fastest_path_within_tolerance() -> None:
    """The first path (fastest first) close to fp32 wins; slower ones are not built."""
    scorers = {"fastest": FakeScorer(0.505), "slower": FakeScorer(0.501)}
    built: list[str] = []

    def build(path: ScoringPath) -> FakeScorer:
        built.append(path.name)
        return scorers[path.name]

    choice = choose_fastest(
        FakeScorer(0.5), [named("fastest"), named("slower"), FP32], build, REFERENCE
    )
    assert choice.path.name == "fastest"
    assert choice.scorer is scorers["fastest"]
    assert choice.max_difference == pytest.approx(0.005)
    assert built == ["fastest"]


def test_chooser_falls_back_when_a_path_disagrees(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A faster path off by more than 0.01, or giving NaN, is refused with a warning."""
    scorers = {
        "off": FakeScorer(0.52),
        "nan": FakeScorer(float("nan")),
        "close": FakeScorer(0.495),
    }
    paths = [named("off"), named("nan"), named("close"), FP32]
    with caplog.at_level(logging.WARNING, logger="inference.scoring_paths"):
        choice = choose_fastest(
            FakeScorer(0.5), paths, lambda p: scorers[p.name], REFERENCE
        )
    assert choice.path.name == "close"
    assert "scoring path off is 0.0200 from fp32" in caplog.text
    assert "scoring path nan is nan from fp32" in caplog.text


def test_chooser_keeps_fp32_when_no_path_is_close_enough() -> None:
    """With every faster path refused, the exact scorer itself serves."""
    exact = FakeScorer(0.5)
    choice = choose_fastest(
        exact, [named("off"), FP32], lambda path: FakeScorer(0.6), REFERENCE
    )
    assert choice.path is FP32
    assert choice.scorer is exact
    assert choice.max_difference == 0.0


def test_auto_scores_through_a_cpu_path_and_records_its_difference(
    checkpoint: Path,
) -> None:
    """auto picks one of the CPU paths and keeps its measured distance from fp32."""
    detector = load_detector(str(checkpoint), None, CPU, 4, scoring_path="auto")
    assert detector.scoring_path.name in {"fp32", "int8", "int8-bf16"}
    assert detector.scoring_path_difference is not None
    assert detector.scoring_path_difference <= scoring_paths.TOLERANCE


def perturbed(model: nn.Module) -> nn.Module:
    """A copy whose fake logit is pushed up: fast, maybe, but wrong."""
    copied = copy.deepcopy(model)
    copied.classifier.register_forward_hook(
        lambda module, inputs, output: output + torch.tensor([0.0, 3.0])
    )
    return copied


def test_auto_refuses_a_path_that_moves_the_scores(
    checkpoint: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A candidate whose scores drift from fp32 is not used, so the worker stays exact."""
    monkeypatch.setattr(
        scoring_paths, "CPU_PATHS", (ScoringPath("perturbed", perturbed), FP32)
    )
    detector = load_detector(str(checkpoint), None, CPU, 4, scoring_path="auto")
    assert detector.scoring_path is FP32
    assert detector.scoring_path_difference == 0.0


def test_forced_path_is_used_without_a_check(checkpoint: Path) -> None:
    """DETECTOR_SCORING_PATH=int8 quantizes the Linear layers and measures nothing."""
    detector = load_detector(str(checkpoint), None, CPU, 4, scoring_path="int8")
    assert detector.scoring_path.name == "int8"
    assert detector.scoring_path_difference is None
    assert any(
        isinstance(module, torch.ao.nn.quantized.dynamic.Linear)
        for module in detector.model.modules()
    )


def test_unknown_path_for_the_device_is_a_configuration_error(
    checkpoint: Path,
) -> None:
    """fp16 is a CUDA path: asking for it on CPU says which paths exist."""
    with pytest.raises(ModelConfigurationError, match="int8-bf16, int8, fp32"):
        load_detector(str(checkpoint), None, CPU, 4, scoring_path="fp16")


def test_checkpoint_opt_out_keeps_auto_in_fp32(tmp_path: Path) -> None:
    """detector_cpu_fast_path=false wins over auto: no candidate is even tried."""
    directory = save_random_checkpoint(tmp_path / "exact", "tiny")
    config = json.loads((directory / "config.json").read_text())
    (directory / "config.json").write_text(
        json.dumps({**config, "detector_cpu_fast_path": False})
    )
    detector = load_detector(str(directory), None, CPU, 4, scoring_path="auto")
    assert detector.scoring_path is FP32


def test_get_detector_scores_through_the_configured_path(
    checkpoint: Path, settings
) -> None:
    """The worker's detector follows DETECTOR_SCORING_PATH."""
    settings.DETECTOR_MODEL = str(checkpoint)
    settings.DETECTOR_SCORING_PATH = "int8"
    model_module.get_detector.cache_clear()
    try:
        assert model_module.get_detector().scoring_path.name == "int8"
    finally:
        model_module.get_detector.cache_clear()


def test_cuda_tries_half_precision_autocast_before_fp32() -> None:
    """On a GPU auto tries fp16, then bf16 (fp16 can overflow), then keeps fp32."""
    cuda = torch.device("cuda", 0)
    paths = scoring_paths.requested_paths("auto", cuda)

    assert [(path.name, path.autocast) for path in paths] == [
        ("fp16", torch.float16),
        ("bf16", torch.bfloat16),
        ("fp32", None),
    ]
    assert scoring_paths.requested_paths("bf16", cuda) == (paths[1],)
    assert [path.name for path in scoring_paths.paths_for(torch.device("cpu"))] == [
        "int8-bf16",
        "int8",
        "fp32",
    ]


def test_reference_chunks_are_worker_sized_cuts_of_the_self_test_clips() -> None:
    """The chooser's reference: whole 4-second chunks of real speech and TTS."""
    chunks = scoring_paths.reference_chunks()
    assert len(chunks) == 3
    assert {chunk.size for chunk in chunks} == {64_000}


def measurement(model: str, requested: str, path: str, speed: float, scores):
    return bench_paths.Measurement(model, requested, path, speed, 512 * 1024**2, scores)


def test_bench_table_compares_each_path_with_its_models_fp32() -> None:
    """Speed-up and score difference are taken against the same model's fp32 row."""
    rows = bench_paths.rows_for(
        [
            measurement("default", "fp32", "fp32", 100.0, [0.1, 0.9]),
            measurement("default", "auto", "int8", 250.0, [0.1, 0.903]),
            measurement("base-plus", "fp32", "fp32", 10.0, [0.5, 0.5]),
            measurement("base-plus", "int8-bf16", "int8-bf16", 27.0, [0.49, 0.5]),
        ]
    )
    assert [row.path for row in rows] == ["fp32", "auto → int8", "fp32", "int8-bf16"]
    assert rows[1].speedup == pytest.approx(2.5)
    assert rows[1].max_difference == pytest.approx(0.003)
    assert rows[3].speedup == pytest.approx(2.7)
    assert rows[3].max_difference == pytest.approx(0.01)
    table = bench_paths.format_table(rows).splitlines()
    assert len(table) == 2 + len(rows)
    assert (
        " ".join(table[3].split()) == "default auto → int8 250.0 2.50x 0.0030 512 MiB"
    )


def gpu_run(model: str, path: str, batch: int, speed: float, difference: float):
    return gpu.GpuRun(model, path, batch, speed, difference, 3 * 1024**3)


def test_gpu_bench_keeps_the_fastest_run_within_tolerance() -> None:
    """A faster fp16 run that drifts too far (or gives NaN) is not the answer."""
    runs = [
        gpu_run("base-plus", "fp32", 64, 900.0, 0.0),
        gpu_run("base-plus", "bf16", 64, 3000.0, 0.002),
        gpu_run("base-plus", "fp16", 64, 3100.0, 0.02),
        gpu_run("default", "fp16", 16, 9000.0, float("nan")),
        gpu_run("default", "fp32", 16, 5000.0, 0.0),
    ]
    best = gpu.fastest_safe(runs, 0.01)
    assert (best["base-plus"].path, best["base-plus"].batch) == ("bf16", 64)
    assert best["default"].path == "fp32"
    line = " ".join(gpu.format_run(runs[1]).split())
    assert line == "base-plus bf16 64 3000 0.0020 3072 MiB"


def test_gpu_bench_exits_with_a_message_without_cuda(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no CUDA device the script says so instead of failing obscurely."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(SystemExit, match="needs a CUDA device"):
        gpu.main()


def test_gpu_sweep_measures_every_cuda_path_and_batch(
    checkpoint: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep's bookkeeping, run on CPU with the CUDA calls stubbed out."""
    monkeypatch.setattr(gpu, "CHUNKS", 4)
    monkeypatch.setattr(gpu, "BATCH_SIZES", (1, 4))
    for name in ("synchronize", "reset_peak_memory_stats"):
        monkeypatch.setattr(torch.cuda, name, lambda device: None)
    monkeypatch.setattr(torch.cuda, "max_memory_allocated", lambda device: 1024**2)
    runs = gpu.sweep("tiny", checkpoint, CPU)
    assert [(run.path, run.batch) for run in runs] == [
        (path, batch) for path in ("fp32", "fp16", "bf16") for batch in (1, 4)
    ]
    assert runs[0].max_difference == 0.0
    assert all(run.audio_per_second > 0 for run in runs)
    assert all(run.max_difference < 0.05 for run in runs)
