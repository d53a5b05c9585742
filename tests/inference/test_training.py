"""Training: crops, balanced variable-length batches and the trainer."""

import numpy as np
import torch

from inference.chunking import SAMPLE_RATE
from inference.labels import BONAFIDE
from inference.labels import ID2LABEL
from inference.labels import SPOOF
from inference.model import resolve_fake_index
from inference.offline_model import feature_extractor
from inference.offline_model import random_wavlm
from inference.training.train import BalancedCropBatches
from inference.training.train import CropDataset
from inference.training.train import TrainConfig
from inference.training.train import Trainer
from inference.training.train import small_wavlm


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


def test_balanced_batches_follow_the_weights_and_never_pad():
    """Draws follow the weights; a batch is cut to one length, its shortest file's."""
    files = [
        np.full(5 * SAMPLE_RATE, 1, dtype=np.int16),
        np.full(2 * SAMPLE_RATE, 2, dtype=np.int16),
        np.full(3 * SAMPLE_RATE, 3, dtype=np.int16),
    ]
    batches = BalancedCropBatches(
        files, [0, 1, 1], np.array([0.5, 0.5, 0.0]), batch_size=8, steps=50, seed=0
    )
    drawn = []
    for batch in batches:
        lengths = {crop.size for crop, _ in batch}
        assert len(lengths) == 1
        assert 1.0 * SAMPLE_RATE <= lengths.pop() <= 3 * SAMPLE_RATE
        for crop, label in batch:
            value = round(float(crop[0]) * 32768)
            assert value in (1, 2)
            assert np.all(crop != 0)
            assert label == (value != 1)
            drawn.append(value)
    assert len(drawn) == 400
    assert 0.4 < drawn.count(1) / len(drawn) < 0.6


def test_balanced_batches_are_reproducible():
    files = [np.arange(4 * SAMPLE_RATE, dtype=np.int16) for _ in range(4)]

    def first_batch() -> list[np.ndarray]:
        batches = BalancedCropBatches(
            files, [0, 1, 0, 1], np.ones(4), batch_size=4, steps=1, seed=3
        )
        return [crop for crop, _ in next(iter(batches))]

    assert all(
        np.array_equal(a, b) for a, b in zip(first_batch(), first_batch(), strict=True)
    )


def test_every_fresh_head_carries_the_one_label_config():
    """The build's model and the offline demo name their classes from labels.py."""
    for model in (small_wavlm(0), random_wavlm("tiny")):
        assert model.config.id2label == ID2LABEL
        assert model.config.label2id == {BONAFIDE: 0, SPOOF: 1}
        assert resolve_fake_index(model.config.id2label) == 1
