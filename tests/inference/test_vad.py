"""What Silero's voice-activity detector hears as speech, and how chunks are gated."""

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from django.conf import settings
from django.utils import timezone

from detector import services
from detector.models import Detection
from detector.verdict import NO_SPEECH
from detector.verdict import NOT_SPEECH_LIKE
from detector.verdict import TOO_SHORT
from inference import vad
from inference.audio import decode_to_pcm16
from inference.chunking import SAMPLE_RATE
from inference.chunking import plan_chunks
from tests.audio_fixtures import music
from tests.audio_fixtures import noise
from tests.audio_fixtures import speech
from tests.audio_fixtures import tone
from tests.factories import DetectionFactory

ESPEAK = shutil.which("espeak-ng") or ""
SENTENCE = (
    "The quick brown fox jumps over the lazy dog, "
    "and then it runs back home across the wide green field."
)
SECONDS = 12.0
# Well below the share a chunk needs to count (DETECTOR_MIN_SPEECH_RATIO, 0.2).
NOT_SPEECH = 0.05

NON_SPEECH: dict[str, Callable[[], np.ndarray]] = {
    "music-120bpm": lambda: music(SECONDS),
    "music-90bpm": lambda: music(SECONDS, bpm=90),
    "tone-220hz": lambda: tone(SECONDS, frequency=220),
    "tone-1khz": lambda: tone(SECONDS, frequency=1000),
    "white-noise": lambda: noise(SECONDS),
    "pink-noise": lambda: noise(SECONDS, color="pink"),
    "loud-white-noise": lambda: noise(SECONDS, level=0.3),
    "near-silence": lambda: noise(SECONDS, level=0.0005),
    "silence": lambda: np.zeros(int(SECONDS * SAMPLE_RATE), dtype=np.float32),
}
SILENT = {"near-silence", "silence"}


def pcm16(signal: np.ndarray) -> bytes:
    return (np.clip(signal, -1, 1) * 32767).astype(np.int16).tobytes()


def chunks_of(pcm: bytes) -> list[bytes]:
    """The recording cut as the pipeline cuts it."""
    spans = plan_chunks(
        len(pcm) // 2,
        settings.DETECTOR_CHUNK_SECONDS,
        settings.DETECTOR_MIN_CHUNK_SECONDS,
    )
    return [span.slice(pcm) for span in spans]


def espeak_pcm(tmp_path: Path) -> bytes:
    """A spoken sentence from espeak-ng, through the upload decoder."""
    path = tmp_path / "speech.wav"
    subprocess.run([ESPEAK, "-w", str(path), SENTENCE], check=True, capture_output=True)
    decoded = decode_to_pcm16(
        path,
        max_seconds=60,
        cpu_seconds=settings.DETECTOR_DECODE_CPU_SECONDS,
        memory_bytes=settings.DETECTOR_DECODE_MEMORY_BYTES,
    )
    return decoded.pcm


@pytest.mark.skipif(not ESPEAK, reason="espeak-ng is not installed")
def test_speech_ratios_spoken_sentence_is_speech(tmp_path: Path) -> None:
    """Every chunk of a synthesised spoken sentence is mostly speech."""
    ratios = vad.speech_ratios(chunks_of(espeak_pcm(tmp_path)))
    assert len(ratios) >= 2
    assert min(ratios) > 0.6, ratios


@pytest.mark.parametrize("name", list(NON_SPEECH))
def test_speech_ratios_music_tones_noise_and_silence_are_not_speech(
    name: str,
) -> None:
    """Music, pure tones, white and pink noise and silence hold no speech."""
    ratios = vad.speech_ratios(chunks_of(pcm16(NON_SPEECH[name]())))
    assert len(ratios) == 3
    assert max(ratios) < NOT_SPEECH, ratios


def test_speech_ratios_of_a_short_piece_ignore_the_batch_padding() -> None:
    """A short last chunk scores the same beside long ones as alone; empty is 0."""
    voice = pcm16(speech(9.5))
    pieces = [voice[: 4 * SAMPLE_RATE * 2], voice[: int(1.5 * SAMPLE_RATE) * 2], b""]
    together = vad.speech_ratios(pieces)
    alone = [vad.speech_ratios([piece])[0] for piece in pieces]
    assert together == pytest.approx(alone)
    assert together[2] == 0.0
    assert vad.speech_ratios([]) == []


def test_speech_ratios_restore_the_torch_thread_count() -> None:
    """The VAD runs on one thread without changing the detector model's setting."""
    before = torch.get_num_threads()
    vad.speech_ratios([pcm16(tone(1.0))])
    assert torch.get_num_threads() == before


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        (np.zeros(SAMPLE_RATE, dtype=np.float32), vad.SILENT_DBFS),
        (tone(1.0), -13.5),  # a 0.3 sine: 0.3 / sqrt(2) RMS
        (noise(1.0, level=0.1), -20.0),
        (noise(1.0, level=0.0005), -66.0),  # int16 truncation takes a little off
    ],
    ids=["silence", "tone", "noise", "near-silence"],
)
def test_level_dbfs_measures_rms(signal: np.ndarray, expected: float) -> None:
    """The chunk level is its RMS in dB below full scale."""
    assert vad.level_dbfs(pcm16(signal)) == pytest.approx(expected, abs=0.5)
    assert vad.level_dbfs(b"") == vad.SILENT_DBFS


def judge(pcm: bytes) -> Detection:
    """Gate, score and finalize a recording as the pipeline does (scores 0.9)."""
    detection = DetectionFactory(
        status=Detection.Status.PROCESSING, started_at=timezone.now()
    )
    request_id = str(detection.request_id)
    spans = plan_chunks(
        len(pcm) // 2,
        settings.DETECTOR_CHUNK_SECONDS,
        settings.DETECTOR_MIN_CHUNK_SECONDS,
    )
    pieces = [span.slice(pcm) for span in spans]
    levels = [vad.level_dbfs(piece) for piece in pieces]
    services.record_chunk_plan(request_id, 0, spans, vad.speech_ratios(pieces), levels)
    model = services.ScoringModel("m", "1", True, None)
    services.record_scores(request_id, 0, dict.fromkeys(range(len(spans)), 0.9), model)
    done = services.complete_detection(request_id, 0)
    assert done is not None
    return done


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(NON_SPEECH))
def test_non_speech_recording_is_inconclusive_with_its_reason(name: str) -> None:
    """Silence gives no_speech; music, tones and noise give not_speech_like."""
    done = judge(pcm16(NON_SPEECH[name]()))
    chunks = done.results["chunk_predictions"].values()
    assert not any(chunk["speech"] for chunk in chunks)
    assert done.overall_assessment == "inconclusive"
    expected = NO_SPEECH if name in SILENT else NOT_SPEECH_LIKE
    assert done.inconclusive_reason == expected
    assert done.inconclusive_message


@pytest.mark.django_db
@pytest.mark.skipif(not ESPEAK, reason="espeak-ng is not installed")
def test_speech_recording_gets_a_verdict_unless_too_short(
    tmp_path: Path, settings
) -> None:
    """Speech is judged; with less speech than the minimum it is too_short."""
    pcm = espeak_pcm(tmp_path)
    judged = judge(pcm)
    assert judged.overall_assessment == "fake"
    assert judged.inconclusive_reason == ""

    settings.DETECTOR_MIN_SPEECH_SECONDS = len(pcm) / 2 / SAMPLE_RATE + 1
    too_short = judge(pcm)
    assert too_short.overall_assessment == "inconclusive"
    assert too_short.inconclusive_reason == TOO_SHORT
    assert "too little" in too_short.inconclusive_message
