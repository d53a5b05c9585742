"""Training: crops, the trainer, and the whole default-model build on toy data."""

import json
import shutil

import numpy as np
import pytest
import torch

from inference.chunking import SAMPLE_RATE
from inference.model import load_detector
from inference.offline_model import feature_extractor
from inference.offline_model import random_wavlm
from inference.training.build import BuildSpec
from inference.training.build import build_default_model
from inference.training.synthetic import write_toy_speech
from inference.training.train import CropDataset
from inference.training.train import TrainConfig
from inference.training.train import Trainer

needs_tts = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng missing"
)


def test_crop_dataset_crops_long_files_and_pads_short_ones():
    """Six seconds become a 4-second crop; two seconds are zero-padded to four."""
    long_file = np.arange(6 * SAMPLE_RATE, dtype=np.int16)
    short_file = np.ones(2 * SAMPLE_RATE, dtype=np.int16)
    dataset = CropDataset([long_file, short_file], [0, 1], crop_seconds=4.0)
    crop, label = dataset[0]
    assert crop.size == 4 * SAMPLE_RATE
    assert crop.dtype == np.float32
    assert label == 0
    padded, _ = dataset[1]
    assert padded.size == 4 * SAMPLE_RATE
    assert np.all(padded[: 2 * SAMPLE_RATE] > 0)
    assert not np.any(padded[2 * SAMPLE_RATE :])


def test_crop_dataset_speed_perturbation_changes_the_length():
    """With speed perturbation a short file is resampled before padding."""
    short_file = np.ones(2 * SAMPLE_RATE, dtype=np.int16)
    dataset = CropDataset([short_file], [0], crop_seconds=4.0, speed=0.2)
    torch.manual_seed(0)
    lengths = {int(np.count_nonzero(dataset[0][0])) for _ in range(5)}
    assert len(lengths) > 1


def test_trainer_steps_are_reproducible_with_a_seed():
    """Two runs with the same seed end with the same loss and weights."""
    rng = np.random.default_rng(0)
    clips = [
        (rng.standard_normal(SAMPLE_RATE * 2) * 3000).astype(np.int16) for _ in range(8)
    ]
    losses = []
    for _ in range(2):
        torch.manual_seed(0)
        model = random_wavlm("tiny", seed=0)
        dataset = CropDataset(clips, [0, 1] * 4, crop_seconds=1.0)
        config = TrainConfig(epochs=1, batch_size=4, seed=0, max_steps_per_epoch=2)
        trainer = Trainer(
            model, feature_extractor(), dataset, config, torch.device("cpu")
        )
        losses.append(trainer.run_epoch())
        assert trainer.epoch == 1
    assert np.isfinite(losses[0])
    assert losses[0] == losses[1]


@needs_tts
def test_build_default_model_writes_a_loadable_documented_checkpoint(tmp_path):
    """Toy speakers, one epoch: checkpoint, thresholds, scores, card, record, clips."""
    write_toy_speech(
        tmp_path / "human", {"anna": 210.0, "ben": 115.0, "cara": 170.0}, 2
    )
    output = tmp_path / "model"
    spec = BuildSpec(
        source=tmp_path / "human",
        output_dir=output,
        work_dir=tmp_path / "work",
        clips_dir=tmp_path / "clips",
        eval_speakers=("cara",),
        utterances_per_speaker=3,
        train=TrainConfig(epochs=1, batch_size=4, max_steps_per_epoch=2),
        batch_size=4,
    )
    messages: list[str] = []
    info = build_default_model(spec, messages.append)
    detector = load_detector(str(output), None, torch.device("cpu"), 4)
    assert detector.identity.name == "wavlm-small-fsdd-tts"
    assert detector.identity.trained
    assert detector.thresholds is not None
    record = json.loads((output / "build_info.json").read_text())
    assert record["build_seconds"] == info["build_seconds"] > 0
    assert record["held_out"][0]["attack"] == "overall"
    assert set(record["shortcut_auc"]) == {"rms", "rolloff", "bandwidth", "duration"}
    card = (output / "README.md").read_text()
    assert "CC BY-SA 4.0" in card
    assert "Free Spoken Digit Dataset" in card
    scores = (output / "eval" / "scores.txt").read_text().splitlines()
    assert len(scores) == len(
        (output / "eval" / "protocol.txt").read_text().splitlines()
    )
    manifest = json.loads((tmp_path / "clips" / "manifest.json").read_text())
    assert (
        sorted(c["label"] for c in manifest["clips"])
        == ["bonafide"] * 3 + ["spoof"] * 3
    )
    assert sum(p.stat().st_size for p in output.rglob("*")) < 20 * 1024**2
    assert any("epoch 1/1" in m for m in messages)
