"""Fine-tuning: new heads, per-epoch checkpoints and validation EER, resuming."""

import json
import shutil
from pathlib import Path

import pytest
import torch
from django.core.management import call_command
from transformers import WavLMConfig
from transformers import WavLMForSequenceClassification

from inference.model import load_detector
from inference.offline_model import _TINY
from inference.offline_model import feature_extractor
from inference.offline_model import save_random_checkpoint
from inference.training.corpus import CorpusSpec
from inference.training.corpus import build_corpus
from inference.training.finetune import HISTORY_FILE
from inference.training.finetune import FinetuneSpec
from inference.training.finetune import finetune
from inference.training.finetune import load_for_finetuning
from inference.training.train import TrainConfig
from tests.inference.synthetic import write_toy_speech

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng missing"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """A tiny protocol corpus: two toy speakers for training, one for validation."""
    root = tmp_path_factory.mktemp("finetune")
    write_toy_speech(root / "human", {"anna": 210.0, "ben": 115.0, "cara": 170.0}, 2)
    spec = CorpusSpec(
        root / "human",
        root / "corpus",
        ("cara",),
        utterances_per_speaker=2,
        min_seconds=1.5,
        max_seconds=2.5,
        espeak_voices=3,
    )
    return build_corpus(spec)


def spec_for(corpus, output: Path, model: str, epochs: int, **options) -> FinetuneSpec:
    return FinetuneSpec(
        model=model,
        output_dir=output,
        train_protocol=corpus["train"],
        train_audio_dir=corpus["train"].parent / "flac",
        val_protocol=corpus["eval"],
        train=TrainConfig(
            epochs=epochs, batch_size=4, learning_rate=1e-4, max_steps_per_epoch=2
        ),
        **options,
    )


def test_new_head_replaces_a_foreign_classifier(tmp_path):
    """A three-label checkpoint gets a bonafide/spoof head with --new-head."""
    labels = {0: "cat", 1: "dog", 2: "bird"}
    config = WavLMConfig(
        **_TINY,
        num_labels=3,
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    WavLMForSequenceClassification(config).save_pretrained(tmp_path)
    feature_extractor().save_pretrained(tmp_path)
    model, _ = load_for_finetuning(str(tmp_path), None, new_head=True)
    assert model.config.id2label == {0: "bonafide", 1: "spoof"}
    assert model.classifier.out_features == 2


def test_finetune_checkpoints_each_epoch_and_resumes(corpus, tmp_path):
    """Two epochs leave epoch-1/2 with validation EERs; resuming adds only epoch 3."""
    base = save_random_checkpoint(tmp_path / "base", "tiny")
    output = tmp_path / "tuned"
    history = finetune(spec_for(corpus, output, str(base), epochs=2), lambda _: None)
    assert [r.epoch for r in history] == [1, 2]
    assert all(
        0.0 <= (r.val_eer or 0.0) <= 1.0 and r.val_eer is not None for r in history
    )
    assert (output / "epoch-2" / "trainer_state.pt").exists()
    resumed = finetune(
        spec_for(corpus, output, str(base), epochs=3, resume=True), lambda _: None
    )
    assert [r.epoch for r in resumed] == [1, 2, 3]
    saved = json.loads((output / HISTORY_FILE).read_text())
    assert [r["epoch"] for r in saved] == [1, 2, 3]
    detector = load_detector(str(output), None, torch.device("cpu"), 4)
    assert len(detector.score([torch.zeros(16000).numpy()])) == 1


def test_finetune_model_command_runs_a_new_head_for_a_few_steps(corpus, tmp_path):
    """The command fine-tunes with --new-head for one short epoch."""
    base = save_random_checkpoint(tmp_path / "base", "tiny")
    call_command(
        "finetune_model",
        str(base),
        str(tmp_path / "out"),
        "--train-protocol",
        str(corpus["train"]),
        "--val-protocol",
        str(corpus["eval"]),
        "--new-head",
        "--epochs",
        "1",
        "--batch-size",
        "4",
        "--max-steps-per-epoch",
        "1",
    )
    assert (tmp_path / "out" / "epoch-1" / "config.json").exists()
    assert (tmp_path / "out" / "model.safetensors").exists()
