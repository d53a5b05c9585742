"""Digit words spoken by the Debian TTS engines: espeak-ng, flite and festival."""

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import soundfile as sf

from inference.training.channel import to_source_band

DIGIT_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
)

# Voices are split so the evaluation set holds voices training never heard:
# espeak-ng accents and variants are both disjoint, flite's rms and slt are
# evaluation-only, and festival (one installed voice) is an engine only the
# evaluation set uses.
ESPEAK_ACCENTS = {
    "train": ("en-us", "en-gb", "en-gb-scotland", "en-029", "en-gb-x-gbclan"),
    "eval": ("en-us-nyc", "en-gb-x-rp", "en-gb-x-gbcwmd"),
}
FLITE_EVAL_VOICES = frozenset({"rms", "slt"})
_FLITE_SKIPPED = frozenset({"awb_time"})  # a talking clock: says times, not digits
_ESPEAK_SKIPPED = frozenset({"whisper", "whisperf"})


@dataclass(frozen=True)
class Voice:
    engine: str
    name: str
    rate: float
    pitch: float

    @property
    def voice_id(self) -> str:
        return f"{self.engine}-{self.name}-r{self.rate:.2f}-p{self.pitch:.0f}"


class TTSUnavailableError(RuntimeError):
    """No TTS engine is installed for the requested split."""


def espeak_variants() -> list[str]:
    """The installed espeak-ng voice variants, in a stable order."""
    listing = _run(["espeak-ng", "--voices=variant"]).decode()
    names = [
        line.split()[4].removeprefix("!v/")
        for line in listing.splitlines()[1:]
        if line.strip()
    ]
    return sorted(
        {name for name in names if name not in _ESPEAK_SKIPPED}, key=str.lower
    )


def flite_voices() -> list[str]:
    listing = _run(["flite", "-lv"]).decode()
    return [
        name for name in listing.split(":", 1)[-1].split() if name not in _FLITE_SKIPPED
    ]


def split_of_variant(index: int) -> str:
    return "eval" if index % 4 == 3 else "train"


def voice_pool(
    split: str, rng: np.random.Generator, espeak_count: int
) -> dict[str, list[Voice]]:
    """Voices of the split per engine, with random speaking rates and pitches."""
    pool: dict[str, list[Voice]] = {}
    if shutil.which("espeak-ng"):
        variants = [
            v for i, v in enumerate(espeak_variants()) if split_of_variant(i) == split
        ]
        names = [
            f"{accent}+{variant}"
            for accent in ESPEAK_ACCENTS[split]
            for variant in variants
        ]
        chosen = rng.choice(names, size=min(espeak_count, len(names)), replace=False)
        pool["tts-espeak"] = [
            Voice(
                "espeak",
                str(name),
                float(rng.uniform(0.75, 1.2)),
                float(rng.uniform(25, 75)),
            )
            for name in chosen
        ]
    if shutil.which("flite"):
        names = [
            v for v in flite_voices() if (v in FLITE_EVAL_VOICES) == (split == "eval")
        ]
        pool["tts-flite"] = [
            Voice(
                "flite", name, float(rng.uniform(0.8, 1.2)), float(rng.uniform(80, 180))
            )
            for name in names
            for _ in range(4)
        ]
    if split == "eval" and shutil.which("festival"):
        pool["tts-festival"] = [
            Voice(
                "festival",
                "kal_diphone",
                float(rng.uniform(0.8, 1.2)),
                float(rng.uniform(80, 160)),
            )
            for _ in range(6)
        ]
    pool = {engine: voices for engine, voices in pool.items() if voices}
    if not pool:
        raise TTSUnavailableError(
            f"no TTS engine (espeak-ng, flite, festival) for {split!r}"
        )
    return pool


@cache
def digit_words(voice: Voice) -> tuple[np.ndarray, ...]:
    """The ten digit words in this voice, as 8 kHz float arrays."""
    with tempfile.TemporaryDirectory() as directory:
        paths = [Path(directory) / f"{digit}.wav" for digit in range(len(DIGIT_WORDS))]
        if voice.engine == "festival":
            _festival(voice, paths)
        else:
            for word, path in zip(DIGIT_WORDS, paths, strict=True):
                _run(_word_command(voice, word, path))
        words = []
        for path in paths:
            audio, rate = sf.read(path, dtype="float64")
            words.append(to_source_band(audio, rate))
    return tuple(words)


def _word_command(voice: Voice, word: str, path: Path) -> list[str]:
    if voice.engine == "espeak":
        rate = str(round(175 * voice.rate))
        pitch = str(round(voice.pitch))
        return [
            "espeak-ng",
            "-v",
            voice.name,
            "-s",
            rate,
            "-p",
            pitch,
            "-w",
            str(path),
            word,
        ]
    return [
        "flite", "-voice", voice.name,
        "--setf", f"duration_stretch={1 / voice.rate:.3f}",
        "--setf", f"int_f0_target_mean={voice.pitch:.0f}",
        "-t", word, "-o", str(path),
    ]  # fmt: skip


def _festival(voice: Voice, paths: list[Path]) -> None:
    lines = [
        f"(voice_{voice.name})",
        f"(Parameter.set 'Duration_Stretch {1 / voice.rate:.3f})",
        f"(set! int_lr_params '((target_f0_mean {voice.pitch:.0f}) (target_f0_std 20)"
        " (model_f0_mean 170) (model_f0_std 34)))",
    ]
    for word, path in zip(DIGIT_WORDS, paths, strict=True):
        lines.append(
            f'(utt.save.wave (utt.synth (Utterance Text "{word}")) "{path}" \'riff)'
        )
    script = paths[0].with_name("say.scm")
    script.write_text("\n".join(lines) + "\n")
    _run(["festival", "-b", str(script)])


def _run(command: list[str]) -> bytes:
    # A fixed argv, never a shell.
    return subprocess.run(  # noqa: S603
        command, capture_output=True, check=True, timeout=60
    ).stdout
