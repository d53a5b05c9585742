"""The default model's corpus: stitched human digits, TTS digits, vocoded speech.

Human speech comes from a folder of WAVs. A file's speaker is, by rule: the
middle field of a ``{digit}_{speaker}_{take}`` name (FSDD); else the part
before the first ``_`` or ``-`` (VCTK ``p225_001``, LibriSpeech
``84-121123-0000``); else the whole file stem.

Human and TTS utterances are stitched by the same procedure (random words,
pauses, lead-in and target length), the vocoders resynthesize human
utterances, and every item then goes through the one channel in
``channel.py``, so only the voice itself tells the classes apart.
"""

import csv
import logging
import multiprocessing
import re
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf
from scipy.signal import lfilter

from inference.chunking import SAMPLE_RATE
from inference.labels import BONAFIDE
from inference.labels import SPOOF
from inference.training.channel import SOURCE_RATE
from inference.training.channel import apply_channel
from inference.training.channel import draw_channel
from inference.training.channel import to_source_band
from inference.training.protocol import NO_ATTACK
from inference.training.protocol import ProtocolEntry
from inference.training.protocol import write_protocol
from inference.training.tts import digit_words
from inference.training.tts import voice_pool
from inference.training.vocoders import VOCODERS

logger = logging.getLogger(__name__)

SPLITS = ("train", "eval")
AUDIO_EXTENSION = "flac"
_FSDD_NAME = re.compile(r"^[^_]+_([^_]+)_[^_]+$")
# FSDD speakers outside the four the project was given are reserved for
# independent evaluation of the platform: never train on them.
RESERVED_FSDD_SPEAKERS = frozenset({"theo", "yweweler"})
_TRIM_TOP_DB = 30
_FRAME = SOURCE_RATE // 50


class CorpusError(ValueError):
    """The source folder cannot yield the requested corpus."""


@dataclass(frozen=True)
class CorpusSpec:
    source: Path
    out_dir: Path
    eval_speakers: tuple[str, ...]
    utterances_per_speaker: int
    seed: int = 0
    workers: int = 2
    min_seconds: float = 2.5
    max_seconds: float = 6.0
    espeak_voices: int = 40
    # With no evaluation speakers every speaker is in both splits, the
    # evaluation split with this many utterances each (and unseen TTS voices).
    eval_utterances_per_speaker: int = 40


@dataclass(frozen=True)
class Recipe:
    entry: ProtocolEntry
    audio: np.ndarray
    vocoder: str | None
    seed: int
    # A vocoded item's bona fide source: its index while planning, then its file id.
    twin: int | str | None = None


def speaker_of(path: Path) -> str:
    stem = path.stem
    if match := _FSDD_NAME.match(stem):
        return match.group(1)
    return re.split(r"[_-]", stem, maxsplit=1)[0] or stem


def load_speakers(source: Path) -> dict[str, list[np.ndarray]]:
    """Each speaker's recordings as trimmed 8 kHz float arrays, in file-name order."""
    speakers: dict[str, list[np.ndarray]] = {}
    for path in sorted(source.glob("*.wav")):
        if speaker_of(path) in RESERVED_FSDD_SPEAKERS and _FSDD_NAME.match(path.stem):
            logger.warning("skipping %s: reserved for independent evaluation", path)
            continue
        audio, rate = sf.read(path, dtype="float64")
        word = trim(to_source_band(audio, rate))
        if word.size:
            speakers.setdefault(speaker_of(path), []).append(word)
    if not speakers:
        raise CorpusError(f"no WAV files of human speech in {source}")
    return speakers


def trim(audio: np.ndarray) -> np.ndarray:
    trimmed, _ = librosa.effects.trim(audio, top_db=_TRIM_TOP_DB)
    return trimmed


def with_noise_floor(
    word: np.ndarray, snr_db: float, rng: np.random.Generator
) -> np.ndarray:
    """The word with its background raised to ``snr_db`` below its level, if cleaner.

    Recordings differ most in their background (FSDD's speakers range from a
    floor about 10 dB under the speech to 35 dB, TTS has none): every word of
    every class is brought to a floor drawn from one distribution, mostly
    above the recordings' own, so cleanliness says nothing about the class.
    """
    frames = word[: word.size // _FRAME * _FRAME].reshape(-1, _FRAME)
    if frames.shape[0] < 2:
        return word
    powers = np.mean(frames**2, axis=1)
    speech, floor = float(np.mean(powers)), float(np.percentile(powers, 10))
    missing = speech / 10 ** (snr_db / 10) - floor
    if missing <= 0:
        return word
    # Backgrounds differ in colour too (one FSDD speaker's is 35 dB darker at
    # 3 kHz than at 200 Hz, another's nearly flat): a random first-order colour.
    noise = lfilter(
        [1.0], [1.0, -rng.uniform(-0.3, 0.95)], rng.standard_normal(word.size)
    )
    noise /= np.sqrt(np.mean(noise**2)) or 1.0
    return word + noise * np.sqrt(missing)


def stitch(
    words: Sequence[np.ndarray],
    rng: np.random.Generator,
    min_seconds: float,
    max_seconds: float,
) -> np.ndarray:
    """Random words with short pauses, padded with silence to a random length."""
    target = int(rng.uniform(min_seconds, max_seconds) * SOURCE_RATE)
    pieces = [np.zeros(int(rng.uniform(0.05, 0.4) * SOURCE_RATE))]
    length = pieces[0].size
    while True:
        word = words[int(rng.integers(len(words)))]
        if length + word.size > target and len(pieces) > 1:
            break
        word = with_noise_floor(word, float(rng.uniform(8.0, 20.0)), rng)
        rms = float(np.sqrt(np.mean(word**2))) or 1.0
        gain = 0.1 * 10 ** (rng.uniform(-3, 3) / 20) / rms
        pieces.append(word[: target - length] * gain)
        pause = np.zeros(int(rng.uniform(0.08, 0.35) * SOURCE_RATE))
        pieces.append(pause)
        length += pieces[-2].size + pause.size
    audio = np.concatenate(pieces)[:target]
    return np.pad(audio, (0, target - audio.size))


def plan_split(
    split: str,
    humans: dict[str, list[np.ndarray]],
    spec: CorpusSpec,
    rng: np.random.Generator,
) -> list[Recipe]:
    """Bona fide utterances, a vocoded twin of each, and as many TTS utterances."""
    plain: list[Recipe] = []
    vocoded: list[Recipe] = []
    vocoders = list(VOCODERS)
    per_speaker = (
        spec.eval_utterances_per_speaker
        if split == "eval" and not spec.eval_speakers
        else spec.utterances_per_speaker
    )
    for name in sorted(humans):
        for _ in range(per_speaker):
            audio = stitch(humans[name], rng, spec.min_seconds, spec.max_seconds)
            plain.append(_recipe(name, NO_ATTACK, BONAFIDE, audio, None, rng))
            attack = vocoders[len(vocoded) % len(vocoders)]
            twin = _recipe(name, attack, SPOOF, audio, attack, rng)
            vocoded.append(replace(twin, twin=len(plain) - 1))
    pool = voice_pool(split, rng, spec.espeak_voices)
    engines = sorted(pool)
    synthetic = []
    for index in range(len(plain)):
        engine = engines[index % len(engines)]
        voice = pool[engine][int(rng.integers(len(pool[engine])))]
        words = [trim(word) for word in digit_words(voice)]
        audio = stitch(words, rng, spec.min_seconds, spec.max_seconds)
        synthetic.append(_recipe(voice.voice_id, engine, SPOOF, audio, None, rng))
    recipes = plain + vocoded + synthetic
    order = rng.permutation(len(recipes))
    prefix = f"DF_{split[0].upper()}"
    ids = {
        int(index): f"{prefix}_{number:05d}" for number, index in enumerate(order, 1)
    }
    return [
        Recipe(
            ProtocolEntry(r.entry.speaker, ids[int(i)], r.entry.attack, r.entry.label),
            r.audio,
            r.vocoder,
            r.seed,
            ids[r.twin] if isinstance(r.twin, int) else None,
        )
        for i, r in ((i, recipes[i]) for i in order)
    ]


def _recipe(
    speaker: str,
    attack: str,
    label: str,
    audio: np.ndarray,
    vocoder: str | None,
    rng: np.random.Generator,
) -> Recipe:
    entry = ProtocolEntry(speaker, "", attack, label)
    return Recipe(entry, audio, vocoder, int(rng.integers(2**31)))


def render(recipe: Recipe, audio_dir: Path) -> tuple[str, str]:
    """Vocode (for vocoder attacks), pass through the channel and write one FLAC."""
    rng = np.random.default_rng(recipe.seed)
    audio = recipe.audio
    if recipe.vocoder:
        audio = VOCODERS[recipe.vocoder](audio, SOURCE_RATE, rng)
    draw = draw_channel(rng)
    pcm = apply_channel(audio, draw, rng)
    sf.write(audio_dir / f"{recipe.entry.file_id}.{AUDIO_EXTENSION}", pcm, SAMPLE_RATE)
    return recipe.entry.file_id, draw.describe()


def _render_star(args: tuple[Recipe, Path]) -> tuple[str, str]:
    return render(*args)


def build_corpus(
    spec: CorpusSpec, progress: Callable[[str], None] = logger.info
) -> dict[str, Path]:
    """Write each split's FLAC files and protocol; the protocol paths by split."""
    humans = load_speakers(spec.source)
    missing = sorted(set(spec.eval_speakers) - set(humans))
    if missing or len(humans) <= len(spec.eval_speakers):
        raise CorpusError(
            f"speakers found: {sorted(humans)}; evaluation speakers "
            f"{list(spec.eval_speakers)} "
            "must be among them and leave at least one for training"
        )
    rng = np.random.default_rng(spec.seed)
    protocols = {}
    for split in SPLITS:
        speakers = {
            name: words
            for name, words in humans.items()
            if not spec.eval_speakers
            or (name in spec.eval_speakers) == (split == "eval")
        }
        recipes = plan_split(split, speakers, spec, rng)
        audio_dir = spec.out_dir / split / AUDIO_EXTENSION
        audio_dir.mkdir(parents=True, exist_ok=True)
        jobs = [(recipe, audio_dir) for recipe in recipes]
        with multiprocessing.get_context("fork").Pool(spec.workers) as workers:
            channels = dict(workers.imap(_render_star, jobs, chunksize=4))
        protocols[split] = write_protocol(
            spec.out_dir / split / "protocol.txt", [r.entry for r in recipes]
        )
        _write_channels(spec.out_dir / split / "channels.tsv", recipes, channels)
        progress(f"{split}: {len(recipes)} files from speakers {sorted(speakers)}")
    return protocols


def _write_channels(
    path: Path, recipes: list[Recipe], channels: dict[str, str]
) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["file_id", "speaker", "attack", "twin_of", "channel"])
        for recipe in recipes:
            entry = recipe.entry
            twin = recipe.twin or "-"
            channel = channels[entry.file_id]
            writer.writerow([entry.file_id, entry.speaker, entry.attack, twin, channel])
