"""The whole default-model build on toy data, end to end."""

import inspect
import json
import shutil

import pytest
import torch

from inference.model import load_detector
from inference.training import build
from inference.training.build import BuildSpec
from inference.training.build import build_default_model
from inference.training.build import default_training
from inference.training.coverage import declared_coverage
from inference.training.material import MaterialSpec
from inference.training.model_card import render
from tests.inference.synthetic import write_toy_speech
from tests.neural_fixtures import write_neural_corpus

needs_tts = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng missing"
)


@needs_tts
def test_build_default_model_writes_a_calibrated_documented_checkpoint(
    tmp_path, monkeypatch
):
    """Toy corpora, a few steps: folds, calibration, checkpoint, card, clips."""
    loads: list[str] = []

    def load_once(name_or_path: str, *args, **options):
        loads.append(name_or_path)
        return load_detector(name_or_path, *args, **options)

    monkeypatch.setattr(build, "load_detector", load_once)
    write_toy_speech(
        tmp_path / "human", {"anna": 210.0, "ben": 115.0, "cara": 170.0}, 2
    )
    output = tmp_path / "model"
    spec = BuildSpec(
        material=MaterialSpec(
            neural_root=write_neural_corpus(tmp_path / "neural"),
            fsdd_source=tmp_path / "human",
            work_dir=tmp_path / "work",
            copies=2,
            fsdd_utterances_per_speaker=2,
            fsdd_eval_utterances_per_speaker=2,
        ),
        output_dir=output,
        clips_dir=tmp_path / "clips",
        folds=2,
        train=default_training(),
        steps=2,
        final_steps=2,
        batch_size=4,
    )
    messages: list[str] = []
    info = build_default_model(spec, messages.append)

    assert loads == [str(output)]  # the written checkpoint, loaded once
    detector = load_detector(str(output), None, torch.device("cpu"), 4)
    assert detector.identity.name == "wavlm-small-deepfake"
    assert detector.thresholds is not None
    gap = detector.thresholds.fake_threshold - detector.thresholds.likely_fake_threshold
    assert detector.thresholds.likely_fake_threshold == 0.5
    assert gap >= 0.1 - 1e-9
    config = json.loads((output / "config.json").read_text())
    assert config["detector_calibrated"] is True
    assert config["detector_cpu_fast_path"] == info["fast_path"]["enabled"]

    record = json.loads((output / "build_info.json").read_text())
    assert record["build_seconds"] == info["build_seconds"] > 0
    assert list(record["stage_seconds"]) == [
        "material",
        "cross-validation",
        "calibration",
        "final model",
        "self-test and throughput",
    ]
    assert [f["fold"] for f in record["folds"]] == [1, 2]
    systems = {row["name"] for row in record["cross_validation"]["systems"]}
    assert "pooled" in systems
    assert "VITS" not in systems  # the reserved source never enters
    assert {r["repository"] for r in record["sources"]} == {
        "lab-a/alpha-demo",
        "lab-b/beta-demo",
        "lab-c/gamma",
        "lab-d/delta",
    }
    assert 0.0 <= record["calibration"]["ece"] <= 1.0
    assert record["splices"]["files"] > 0
    assert record["coverage"] == declared_coverage(record["corpus"])

    card = (output / "README.md").read_text()
    assert card == render(record)
    for phrase in (
        "CC BY-SA 4.0",
        "jaywalnut310/vits-demo",
        "leave-one-speaker-out",
        "expected calibration error",
        "What it does not cover",
    ):
        assert phrase in card
    manifest = json.loads((tmp_path / "clips" / "manifest.json").read_text())
    kinds = {(c["kind"], c["label"]) for c in manifest["clips"]}
    assert ("neural", "spoof") in kinds
    assert all(c["licence"] != "none stated" for c in manifest["clips"])
    assert sum(p.stat().st_size for p in output.rglob("*")) < 50 * 1024**2
    assert any("fold 2/2" in m for m in messages)


@needs_tts
def test_build_default_model_cross_validate_only_writes_nothing(tmp_path):
    """The evaluation stages alone: held-out figures returned, no checkpoint."""
    write_toy_speech(tmp_path / "human", {"anna": 210.0, "ben": 115.0}, 2)
    spec = BuildSpec(
        material=MaterialSpec(
            neural_root=write_neural_corpus(tmp_path / "neural"),
            fsdd_source=tmp_path / "human",
            work_dir=tmp_path / "work",
            copies=1,
            fsdd_utterances_per_speaker=2,
            fsdd_eval_utterances_per_speaker=2,
        ),
        output_dir=tmp_path / "model",
        clips_dir=None,
        folds=2,
        steps=1,
        batch_size=4,
        cross_validate_only=True,
    )

    info = build_default_model(spec, lambda message: None)

    assert {"cross_validation", "calibration", "thresholds"} <= info.keys()
    assert "build_seconds" not in info
    assert not (tmp_path / "model").exists()


def test_build_stages_each_fit_on_a_screen():
    """The build reads as named stages: no function of build.py passes 40 lines."""
    lengths = {
        name: len(inspect.getsourcelines(function)[0])
        for name, function in inspect.getmembers(build, inspect.isfunction)
        if function.__module__ == build.__name__
    }

    assert {"gather_material", "cross_validate", "calibrate"} <= lengths.keys()
    assert {
        "train_final_model",
        "write_checkpoint",
        "check_checkpoint",
    } <= lengths.keys()
    assert max(lengths.values()) <= 40, lengths
