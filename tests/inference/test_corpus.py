"""The default model's corpus: speaker rule, stitching, splits, protocols, channel."""

import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from inference.chunking import SAMPLE_RATE
from inference.training.channel import SOURCE_RATE
from inference.training.corpus import CorpusSpec
from inference.training.corpus import build_corpus
from inference.training.corpus import speaker_of
from inference.training.corpus import stitch
from inference.training.protocol import ProtocolEntry
from inference.training.protocol import parse_line
from inference.training.protocol import read_protocol
from inference.training.protocol import write_protocol
from inference.training.shortcuts import shortcut_aucs
from tests.inference.synthetic import write_espeak_speech

SPEAKERS = {"anna": "en-us+f2", "ben": "en-gb+m3", "cara": "en-029+m1"}
needs_tts = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng missing"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """A mini corpus: three espeak-ng stand-in speakers, cara held out, ten each."""
    root = tmp_path_factory.mktemp("corpus")
    write_espeak_speech(root / "human", SPEAKERS, takes=3)
    spec = CorpusSpec(
        source=root / "human",
        out_dir=root / "out",
        eval_speakers=("cara",),
        utterances_per_speaker=10,
        min_seconds=1.5,
        max_seconds=3.0,
        espeak_voices=6,
    )
    return build_corpus(spec)


def test_speaker_of_reads_fsdd_names_and_falls_back():
    """FSDD's middle field, else the part before _ or -, else the whole stem."""
    assert speaker_of(Path("7_jackson_32.wav")) == "jackson"
    assert speaker_of(Path("p225_001.wav")) == "p225"
    assert speaker_of(Path("84-121123-0000.wav")) == "84"
    assert speaker_of(Path("interview.wav")) == "interview"


def test_stitch_fills_a_length_between_the_bounds():
    """Words and pauses are padded to a random length in [min, max] seconds."""
    rng = np.random.default_rng(0)
    words = [np.ones(int(0.4 * SOURCE_RATE)), np.ones(int(0.5 * SOURCE_RATE))]
    for _ in range(20):
        audio = stitch(words, rng, 2.0, 4.0)
        assert 2.0 * SOURCE_RATE <= audio.size <= 4.0 * SOURCE_RATE
        assert np.count_nonzero(audio) >= 0.4 * SOURCE_RATE


def test_protocol_round_trip_and_2021_lines(tmp_path):
    """Written lines read back; 2021's longer lines give the attack before the label."""
    entries = [
        ProtocolEntry("anna", "DF_T_00001", "-", "bonafide"),
        ProtocolEntry("espeak-x", "DF_T_00002", "tts-espeak", "spoof"),
    ]
    path = write_protocol(tmp_path / "p.txt", entries)
    assert path.read_text().splitlines()[0] == "anna DF_T_00001 - - bonafide"
    assert read_protocol(path) == entries
    line = "LA_0009 LA_E_9332881 alaw ita_tx A07 spoof notrim eval"
    assert parse_line(line) == ProtocolEntry("LA_0009", "LA_E_9332881", "A07", "spoof")


@needs_tts
def test_build_corpus_splits_speakers_and_voices(corpus):
    """Evaluation speakers and TTS voices never appear in training."""
    train, held_out = read_protocol(corpus["train"]), read_protocol(corpus["eval"])
    train_speakers = {
        e.speaker for e in train if e.attack in {"-"} or e.attack.startswith("voc")
    }
    eval_speakers = {
        e.speaker for e in held_out if e.attack in {"-"} or e.attack.startswith("voc")
    }
    assert train_speakers == {"anna", "ben"}
    assert eval_speakers == {"cara"}
    train_voices = {e.speaker for e in train if e.attack.startswith("tts")}
    eval_voices = {e.speaker for e in held_out if e.attack.startswith("tts")}
    assert train_voices
    assert eval_voices
    assert not train_voices & eval_voices


@needs_tts
def test_build_corpus_balances_bonafide_vocoded_and_tts(corpus):
    """Per split: as many vocoded and as many TTS files as bona fide ones."""
    entries = read_protocol(corpus["train"])
    bonafide = [e for e in entries if e.label == "bonafide"]
    vocoded = [e for e in entries if e.attack.startswith("voc")]
    synthetic = [e for e in entries if e.attack.startswith("tts")]
    assert len(bonafide) == len(vocoded) == len(synthetic) == 20
    assert {e.attack for e in vocoded} == {
        "voc-griffinlim",
        "voc-world",
        "voc-lpc",
        "voc-pvoc",
    }


@needs_tts
def test_build_corpus_writes_band_limited_16khz_flac(corpus):
    """Every file is 16 kHz mono with (almost) nothing above the 4 kHz source band."""
    audio_dir = corpus["eval"].parent / "flac"
    for entry in read_protocol(corpus["eval"])[:8]:
        samples, rate = sf.read(audio_dir / f"{entry.file_id}.flac")
        assert rate == SAMPLE_RATE
        assert samples.ndim == 1
        spectrum = np.abs(np.fft.rfft(samples)) ** 2
        frequencies = np.fft.rfftfreq(samples.size, 1 / SAMPLE_RATE)
        assert spectrum[frequencies > 4200].sum() < 0.01 * spectrum.sum()


@needs_tts
def test_channel_leaves_no_trivial_feature_that_separates_the_classes(corpus):
    """Level, rolloff, bandwidth or duration alone: one-feature AUC in [0.35, 0.65]."""
    entries, samples = [], []
    for protocol in corpus.values():
        for entry in read_protocol(protocol):
            entries.append(entry)
            path = protocol.parent / "flac" / f"{entry.file_id}.flac"
            samples.append(sf.read(path, dtype="int16")[0])
    aucs = shortcut_aucs(entries, samples)
    assert set(aucs) == {"rms", "rolloff", "bandwidth", "duration"}
    for name, auc in aucs.items():
        assert 0.35 <= auc <= 0.65, f"{name} separates the classes (AUC {auc:.3f})"
