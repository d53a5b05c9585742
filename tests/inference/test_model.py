"""Loading checkpoints, resolving the fake label, and scoring in batches."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from inference import model as model_module
from inference.model import ModelConfigurationError
from inference.model import load_detector
from inference.model import resolve_fake_index
from inference.offline_model import random_wavlm
from inference.offline_model import save_random_checkpoint

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny untrained checkpoint on disk."""
    return save_random_checkpoint(tmp_path_factory.mktemp("ckpt") / "demo", "tiny")


@pytest.mark.parametrize(
    ("id2label", "expected"),
    [
        ({0: "bonafide", 1: "spoof"}, 1),
        ({0: "FAKE", 1: "real"}, 0),
        ({"0": "human", "1": "Deepfake"}, 1),
        ({0: "genuine", 1: "synthetic", 2: "noise"}, 1),
    ],
)
def test_resolve_fake_index_finds_fake_label_by_name(
    id2label: dict, expected: int
) -> None:
    """The fake class is found whatever its case or index."""
    assert resolve_fake_index(id2label) == expected


@pytest.mark.parametrize(
    "id2label",
    [{0: "LABEL_0", 1: "LABEL_1"}, {0: "fake", 1: "spoof"}, None],
    ids=["no-fake-label", "two-fake-labels", "no-labels"],
)
def test_resolve_fake_index_refuses_ambiguous_labels(id2label: dict | None) -> None:
    """Without exactly one fake label the model refuses to start, saying why."""
    with pytest.raises(ModelConfigurationError, match="exactly one is needed"):
        resolve_fake_index(id2label)


def test_load_detector_reads_identity_from_checkpoint(checkpoint: Path) -> None:
    """The demo checkpoint names itself and says it is untrained."""
    detector = load_detector(str(checkpoint), None, CPU, batch_size=4)
    assert detector.identity.name == "wavlm-tiny-random-demo"
    assert detector.identity.version == "untrained-seed0"
    assert detector.identity.trained is False
    assert detector.fake_index == 1
    assert detector.thresholds is None


def test_load_detector_versions_anonymous_checkpoint_by_weights(tmp_path: Path) -> None:
    """A checkpoint without identity is named after its folder and versioned by its weights."""
    directory = tmp_path / "my-detector"
    model = random_wavlm("tiny")
    model.save_pretrained(directory)
    from inference.offline_model import feature_extractor

    feature_extractor().save_pretrained(directory)
    identity = load_detector(str(directory), None, CPU, batch_size=1).identity
    assert identity.name == "my-detector"
    assert identity.version.startswith("sha256-")
    assert identity.trained is True


def test_load_detector_reads_calibrated_thresholds(
    checkpoint: Path, tmp_path: Path
) -> None:
    """detector_thresholds.json beside the weights becomes the verdict policy."""
    directory = save_random_checkpoint(tmp_path / "calibrated", "tiny")
    (directory / "detector_thresholds.json").write_text(
        json.dumps({"likely_fake_threshold": 0.3, "fake_threshold": 0.7})
    )
    thresholds = load_detector(str(directory), None, CPU, batch_size=1).thresholds
    assert thresholds is not None
    assert thresholds.as_dict() == {"likely_fake_threshold": 0.3, "fake_threshold": 0.7}


def test_load_detector_refuses_missing_checkpoint(tmp_path: Path) -> None:
    """A path with no checkpoint is a clear configuration error."""
    with pytest.raises(
        ModelConfigurationError, match="Cannot load the detector checkpoint"
    ):
        load_detector(str(tmp_path / "nothing-here"), None, CPU, batch_size=1)


def test_score_batches_match_single_scores(checkpoint: Path) -> None:
    """Batching gives the same probabilities as one chunk at a time, short chunks included."""
    rng = np.random.default_rng(0)
    chunks = [
        (rng.standard_normal(length) * 3000).astype(np.int16)
        for length in (64000, 64000, 30000)
    ]
    batched = load_detector(str(checkpoint), None, CPU, batch_size=3).score(chunks)
    single = load_detector(str(checkpoint), None, CPU, batch_size=1).score(chunks)
    assert len(batched) == 3
    assert all(0.0 <= score <= 1.0 for score in batched)
    assert batched == pytest.approx(single, abs=1e-4)


def test_optimized_model_scores_close_to_fp32(checkpoint: Path) -> None:
    """int8 Linear layers and the bf16 front-end barely move the scores."""
    rng = np.random.default_rng(1)
    chunks = [(rng.standard_normal(64000) * 3000).astype(np.int16) for _ in range(4)]
    exact = load_detector(str(checkpoint), None, CPU, batch_size=4).score(chunks)
    fast = load_detector(
        str(checkpoint), None, CPU, batch_size=4, scoring_path="int8-bf16"
    ).score(chunks)
    assert fast == pytest.approx(exact, abs=0.01)


def test_checkpoint_can_opt_out_of_the_cpu_fast_path(tmp_path: Path) -> None:
    """detector_cpu_fast_path=false keeps fp32 even when a fast path is forced."""
    directory = save_random_checkpoint(tmp_path / "exact", "tiny")
    config = json.loads((directory / "config.json").read_text())
    (directory / "config.json").write_text(
        json.dumps({**config, "detector_cpu_fast_path": False})
    )
    exact = load_detector(
        str(directory), None, CPU, batch_size=2, scoring_path="int8-bf16"
    )
    assert not any(
        isinstance(module, torch.ao.nn.quantized.dynamic.Linear)
        for module in exact.model.modules()
    )
    fp32 = load_detector(str(tmp_path / "exact"), None, CPU, 2, scoring_path="fp32")
    chunks = [np.arange(16_000, dtype=np.int16)]
    assert exact.score(chunks) == fp32.score(chunks)


def test_get_detector_loads_once_per_process(checkpoint: Path, settings) -> None:
    """The settings' model is loaded on first use and reused afterwards."""
    settings.DETECTOR_MODEL = str(checkpoint)
    model_module.get_detector.cache_clear()
    try:
        assert model_module.get_detector() is model_module.get_detector()
    finally:
        model_module.get_detector.cache_clear()


def test_get_detector_refuses_inverted_model_and_health_says_why(
    tmp_path: Path, settings
) -> None:
    """A trained model whose labels are swapped fails the self-test and is reported."""
    from django.conf import settings as django_settings

    from detector import health

    inverted = tmp_path / "inverted"
    shutil.copytree(django_settings.TRAINED_DEFAULT_MODEL, inverted)
    config = json.loads((inverted / "config.json").read_text())
    config["id2label"] = {"0": "spoof", "1": "bonafide"}
    config["label2id"] = {"spoof": 0, "bonafide": 1}
    (inverted / "config.json").write_text(json.dumps(config))
    settings.DETECTOR_MODEL = str(inverted)
    model_module.get_detector.cache_clear()
    try:
        with pytest.raises(ModelConfigurationError, match="failed its self-test"):
            model_module.get_detector()
    finally:
        model_module.get_detector.cache_clear()
    assert "inverted" in health.check_models()


def test_get_detector_serves_default_model_after_self_test(settings) -> None:
    """The committed default model passes its self-test and serves."""
    from django.conf import settings as django_settings

    from detector import health

    settings.DETECTOR_MODEL = str(django_settings.TRAINED_DEFAULT_MODEL)
    model_module.get_detector.cache_clear()
    try:
        detector = model_module.get_detector()
    finally:
        model_module.get_detector.cache_clear()
    assert detector.identity.trained is True
    assert detector.thresholds is not None
    assert health.check_models() is None
