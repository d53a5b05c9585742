"""The load-time self-test: the shipped clips, and constant or inverted models."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
from django.conf import settings

from inference.chunking import SAMPLE_RATE
from inference.model import ModelIdentity
from inference.model import load_detector
from inference.selftest import CLIPS_DIR
from inference.selftest import SelfTestError
from inference.selftest import load_clips
from inference.selftest import run_self_test

DEFAULT_MODEL = Path(settings.BASE_DIR) / "models" / "default"


@dataclass
class StubDetector:
    """Scores clips by a rule, standing in for a DetectorModel."""

    rule: object
    trained: bool = True

    @property
    def identity(self) -> ModelIdentity:
        return ModelIdentity("stub", "0", self.trained)

    def score(self, chunks):
        return [self.rule(chunk) for chunk in chunks]


def fingerprint(samples: np.ndarray) -> int:
    return int(samples.astype(np.int64).sum())


def clip_labels() -> dict[int, str]:
    """Clip fingerprints (sample sums) to their labels."""
    return {fingerprint(clip.samples): clip.label for clip in load_clips()}


def test_shipped_clips_are_small_labelled_16khz_flac_of_every_kind():
    """Human, neural-TTS and classic clips, 16 kHz, with redistributable licences."""
    clips = load_clips()
    kinds = {(clip.kind, clip.label) for clip in clips}
    assert kinds == {
        ("classic", "bonafide"),
        ("classic", "spoof"),
        ("neural", "bonafide"),
        ("neural", "spoof"),
    }
    assert sum(clip.kind == "neural" and clip.label == "spoof" for clip in clips) >= 3
    for clip in clips:
        info = sf.info(CLIPS_DIR / clip.name)
        assert info.samplerate == SAMPLE_RATE
        assert info.channels == 1
        assert 1.0 <= clip.samples.size / SAMPLE_RATE <= 2.0
    assert sum(p.stat().st_size for p in CLIPS_DIR.glob("*.flac")) < 300_000
    readme = (CLIPS_DIR / "README.md").read_text()
    assert "CC BY-SA 4.0" in readme
    assert "none stated" not in (CLIPS_DIR / "manifest.json").read_text()


def test_self_test_passes_a_model_that_ranks_spoof_higher():
    """Spoof clips scoring above bona fide ones pass, with the means reported."""
    labels = clip_labels()
    detector = StubDetector(
        lambda c: 0.9 if labels[int(c.astype(np.int64).sum())] == "spoof" else 0.2
    )
    result = run_self_test(detector)
    assert result.status == "passed"
    assert result.spoof_mean == pytest.approx(0.9)
    assert result.bonafide_mean == pytest.approx(0.2)
    assert len(result.scores) == len(load_clips())


def test_self_test_rejects_constant_output():
    """A model that gives every clip the same score fails loudly."""
    with pytest.raises(SelfTestError, match="same score"):
        run_self_test(StubDetector(lambda c: 0.5))


def test_self_test_rejects_inverted_labels():
    """Bona fide clips scoring above spoof ones mean the labels are swapped."""
    labels = clip_labels()
    detector = StubDetector(
        lambda c: 0.1 if labels[int(c.astype(np.int64).sum())] == "spoof" else 0.8
    )
    with pytest.raises(SelfTestError, match="inverted"):
        run_self_test(detector)


def test_self_test_rejects_a_model_that_takes_neural_tts_for_human():
    """Classic spoofs caught but a neural-TTS clip scored as human: refused."""
    kinds = {fingerprint(c.samples): (c.kind, c.label) for c in load_clips()}

    def rule(chunk: np.ndarray) -> float:
        kind, label = kinds[fingerprint(chunk)]
        if label == "bonafide":
            return 0.2
        return 0.05 if kind == "neural" else 0.99

    detector = StubDetector(rule)
    with pytest.raises(SelfTestError, match="neural TTS"):
        run_self_test(detector)


def test_self_test_skips_untrained_demo_checkpoints():
    """detector_trained=false: skipped, and the result says why."""
    demo = StubDetector(lambda c: 0.5, trained=False)
    result = run_self_test(demo)
    assert result.status == "skipped"
    assert "detector_trained=false" in result.detail


@pytest.mark.skipif(
    not (DEFAULT_MODEL / "config.json").exists(), reason="no models/default"
)
@pytest.mark.parametrize("scoring_path", ["fp32", "int8-bf16"])
def test_default_model_passes_its_self_test(scoring_path):
    """The committed default checkpoint separates its own clips, sped up or not."""
    detector = load_detector(
        str(DEFAULT_MODEL), None, torch.device("cpu"), 8, scoring_path=scoring_path
    )
    result = run_self_test(detector)
    assert result.status == "passed"
    assert result.spoof_mean > result.bonafide_mean
