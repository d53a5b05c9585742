"""How much of a chunk is speech, by WebRTC's voice-activity detector."""

import webrtcvad

from inference.chunking import BYTES_PER_SAMPLE
from inference.chunking import SAMPLE_RATE

FRAME_MS = 30
_FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * BYTES_PER_SAMPLE


class SpeechDetector:
    def __init__(self, aggressiveness: int) -> None:
        self._vad = webrtcvad.Vad(aggressiveness)

    def speech_ratio(self, pcm: bytes) -> float:
        """The share of 30 ms frames (16 kHz PCM16) that hold speech."""
        frames = [
            pcm[offset : offset + _FRAME_BYTES]
            for offset in range(0, len(pcm) - _FRAME_BYTES + 1, _FRAME_BYTES)
        ]
        if not frames:
            return 0.0
        voiced = sum(self._vad.is_speech(frame, SAMPLE_RATE) for frame in frames)
        return voiced / len(frames)
