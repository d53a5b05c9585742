"""The whole default-model build on toy data, end to end."""

import json
import shutil

import pytest
import torch

from inference.model import load_detector
from inference.training.build import BuildSpec
from inference.training.build import build_default_model
from inference.training.build import default_training
from inference.training.coverage import declared_coverage
from inference.training.material import MaterialSpec
from inference.training.synthetic import write_toy_speech
from tests.neural_fixtures import write_neural_corpus

needs_tts = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng missing"
)


@needs_tts
def test_build_default_model_writes_a_calibrated_documented_checkpoint(tmp_path):
    """Toy corpora, a few steps: folds, calibration, checkpoint, card, clips."""
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
