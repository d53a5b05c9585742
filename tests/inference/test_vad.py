"""How much of a chunk WebRTC's voice-activity detector hears as speech."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from inference.audio import decode_to_pcm16
from inference.chunking import SAMPLE_RATE
from inference.vad import SpeechDetector

ESPEAK = shutil.which("espeak-ng") or ""
SENTENCE = (
    "The quick brown fox jumps over the lazy dog, "
    "and then it runs back home across the wide green field."
)


@pytest.fixture
def detector() -> SpeechDetector:
    """The detector at the production aggressiveness."""
    return SpeechDetector(settings.DETECTOR_VAD_AGGRESSIVENESS)


@pytest.mark.parametrize("pcm", [b"", b"\x00\x00" * 100, b"\x00\x00" * 3 * SAMPLE_RATE])
def test_speech_ratio_silence_is_zero(detector: SpeechDetector, pcm: bytes) -> None:
    """Silence, and audio shorter than one frame, hold no speech."""
    assert detector.speech_ratio(pcm) == 0.0


@pytest.mark.skipif(not ESPEAK, reason="espeak-ng is not installed")
def test_speech_ratio_spoken_sentence_is_high(
    detector: SpeechDetector, tmp_path: Path
) -> None:
    """A synthesised spoken sentence is mostly speech."""
    path = tmp_path / "speech.wav"
    subprocess.run([ESPEAK, "-w", str(path), SENTENCE], check=True, capture_output=True)
    decoded = decode_to_pcm16(
        path,
        max_seconds=60,
        cpu_seconds=settings.DETECTOR_DECODE_CPU_SECONDS,
        memory_bytes=settings.DETECTOR_DECODE_MEMORY_BYTES,
    )

    assert detector.speech_ratio(decoded.pcm) > 0.8
