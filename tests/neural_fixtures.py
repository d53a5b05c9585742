"""A toy neural-TTS corpus in the layout of ``shared/data/neural-tts``."""

import csv
from pathlib import Path

import numpy as np
import soundfile as sf

from inference.chunking import SAMPLE_RATE

COLUMNS = [
    "file_id",
    "repository",
    "commit",
    "path",
    "licence",
    "orig_sample_rate",
    "orig_seconds",
    "seconds",
    "key",
    "system",
    "speaker",
    "corpus",
    "file",
]
# (source tag, repository, licence, voice corpus, spoof system)
SOURCES = (
    ("alpha", "lab-a/alpha-demo", "MIT", "VCTK", "ALPHA_GAN"),
    ("beta", "lab-b/beta-demo", "none stated", "LJ", "BETA_FLOW"),
    ("gamma", "lab-c/gamma", "Apache-2.0", "VCTK", "GAMMA_VC"),
    ("delta", "lab-d/delta", "BSD-3-Clause", "LibriSpeech", "DELTA_DIFF"),
)
RESERVED_ROW = ("vits", "jaywalnut310/vits-demo", "MIT", "LJ", "VITS")


def voiced(
    seconds: float, f0: float, rng: np.random.Generator, *, smooth: bool
) -> np.ndarray:
    """A buzzy vowel-like sound; ``smooth`` ones lack the jitter of a human voice."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wobble = 0.0 if smooth else 0.02 * np.cumsum(rng.standard_normal(t.size)) / 200
    phase = np.cumsum(f0 * (1 + wobble)) / SAMPLE_RATE
    audio = sum(np.sin(2 * np.pi * k * phase) / k for k in range(1, 12))
    audio = audio * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t) ** 2)
    return 0.2 * audio / np.max(np.abs(audio)) + 0.002 * rng.standard_normal(t.size)


def write_neural_corpus(root: Path, files_per_class: int = 2, seed: int = 0) -> Path:
    """Each source gets human and synthetic files; one reserved source too."""
    rng = np.random.default_rng(seed)
    rows = []
    for tag, repository, licence, corpus, system in (*SOURCES, RESERVED_ROW):
        folder = root / "flac" / tag
        folder.mkdir(parents=True, exist_ok=True)
        for key in ("bonafide", "spoof"):
            for index in range(files_per_class):
                file_id = f"NT_{tag}_{key}_{index}"
                seconds = float(rng.uniform(2.0, 6.0))
                audio = voiced(
                    seconds, rng.uniform(90, 220), rng, smooth=key == "spoof"
                )
                sf.write(
                    folder / f"{file_id}.flac", audio, SAMPLE_RATE, subtype="PCM_16"
                )
                rows.append(
                    {
                        "file_id": file_id,
                        "repository": repository,
                        "commit": "0" * 40,
                        "path": f"samples/{file_id}.wav",
                        "licence": licence,
                        "orig_sample_rate": SAMPLE_RATE,
                        "orig_seconds": round(seconds, 3),
                        "seconds": round(seconds, 3),
                        "key": key,
                        "system": system if key == "spoof" else "-",
                        "speaker": f"{corpus}_{index}",
                        "corpus": corpus,
                        "file": f"flac/{tag}/{file_id}.flac",
                    }
                )
    with (root / "sources.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return root
