"""A load-time check that the detector tells built-in bona fide and spoof clips apart.

The clips in ``selftest_clips/`` are human speech, neural TTS / vocoder
output and classic TTS digits from the default model's material (see the
README there). The check fails a model whose scores are constant or
inverted, or that takes a neural-TTS clip for human speech; it cannot tell a
good model from a mediocre one.
"""

import json
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

from inference.labels import BONAFIDE
from inference.labels import SPOOF

# numpy and soundfile are imported where used, so the web process can import
# SelfTestResult/SelfTestError (e.g. for the health endpoint) and stay light.
if TYPE_CHECKING:
    import numpy as np

    from inference.model import DetectorModel

CLIPS_DIR = Path(__file__).resolve().parent / "selftest_clips"
MANIFEST = "manifest.json"
MIN_SPREAD = 1e-3


NEURAL = "neural"


class SelfTestError(RuntimeError):
    """The detector's scores on the built-in clips are constant or inverted."""


@dataclass(frozen=True)
class SelfTestResult:
    status: Literal["passed", "skipped"]
    detail: str
    bonafide_mean: float | None = None
    spoof_mean: float | None = None
    scores: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Clip:
    name: str
    label: str
    kind: str
    samples: "np.ndarray"


def load_clips(directory: Path = CLIPS_DIR) -> list[Clip]:
    """Every clip in the manifest, as 16 kHz PCM16 samples."""
    import soundfile as sf

    manifest = json.loads((directory / MANIFEST).read_text())
    clips = []
    for clip in manifest["clips"]:
        samples, _ = sf.read(directory / clip["file"], dtype="int16")
        clips.append(
            Clip(clip["file"], clip["label"], clip.get("kind", "classic"), samples)
        )
    return clips


def run_self_test(
    detector: "DetectorModel", directory: Path = CLIPS_DIR
) -> SelfTestResult:
    """Score the built-in clips; raise SelfTestError when the scores carry no signal."""
    if not detector.identity.trained:
        return SelfTestResult(
            "skipped",
            f"{detector.identity.name} is marked detector_trained=false (an untrained "
            "demo): its scores are noise, so the self-test does not apply",
        )
    clips = load_clips(directory)
    scores = detector.score([clip.samples for clip in clips])
    by_name = {
        clip.name: round(score, 6) for clip, score in zip(clips, scores, strict=True)
    }
    bonafide = [s for c, s in zip(clips, scores, strict=True) if c.label == BONAFIDE]
    spoof = [s for c, s in zip(clips, scores, strict=True) if c.label == SPOOF]
    spread = max(scores) - min(scores)
    name = f"{detector.identity.name} {detector.identity.version}"
    if spread < MIN_SPREAD:
        raise SelfTestError(
            f"{name} gives the same score ({scores[0]:.4f}, spread {spread:.1e}) "
            f"to all {len(scores)} self-test clips: its output ignores the audio"
        )
    bonafide_mean = sum(bonafide) / len(bonafide)
    spoof_mean = sum(spoof) / len(spoof)
    if spoof_mean <= bonafide_mean:
        raise SelfTestError(
            f"{name} scores the self-test's spoof clips (mean {spoof_mean:.4f}) "
            f"no higher than its bona fide clips (mean {bonafide_mean:.4f}): "
            "its labels look inverted"
        )
    for clip, score in zip(clips, scores, strict=True):
        if clip.kind == NEURAL and clip.label == "spoof" and score <= bonafide_mean:
            raise SelfTestError(
                f"{name} scores the neural TTS clip {clip.name} ({score:.4f}) no "
                f"higher than human speech (mean {bonafide_mean:.4f}): it does not "
                "recognise modern synthetic speech"
            )
    return SelfTestResult(
        "passed",
        f"{len(spoof)} spoof clips outscore {len(bonafide)} bona fide ones on average",
        bonafide_mean,
        spoof_mean,
        by_name,
    )
