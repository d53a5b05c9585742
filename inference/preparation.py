"""A stored recording into gated chunks in Redis, a window at a time.

A window of chunks is cut, speech-gated and stored before more is decoded,
so a long upload is never whole in the worker's memory.
"""

import time
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from inference import chunk_store
from inference import metrics
from inference.audio import stream_pcm16
from inference.chunking import BYTES_PER_SAMPLE
from inference.chunking import SAMPLE_RATE
from inference.chunking import ChunkSpan
from inference.chunking import cut_blocks

WINDOW_CHUNKS = 32  # about 4 MB of PCM held at a time


class ChunkPreparation:
    """One recording's decode, and what its chunk rows and audio facts need."""

    def __init__(self, path: Path) -> None:
        self._stream = stream_pcm16(
            path,
            block_bytes=round(settings.DETECTOR_CHUNK_SECONDS * SAMPLE_RATE)
            * BYTES_PER_SAMPLE,
            max_seconds=settings.DETECTOR_MAX_DURATION_SECONDS,
            cpu_seconds=settings.DETECTOR_DECODE_CPU_SECONDS,
            memory_bytes=settings.DETECTOR_DECODE_MEMORY_BYTES,
        )
        self.source_sample_rate = self._stream.source_sample_rate
        self.source_channels = self._stream.source_channels
        self.samples = 0
        self.decoded = False  # every block read: the facts are final
        self.spans: list[ChunkSpan] = []
        self.ratios: list[float] = []
        self.levels: list[float] = []
        self._gating_seconds = 0.0

    @property
    def duration_seconds(self) -> float:
        return self.samples / SAMPLE_RATE

    def store(self, request_id: str, generation: int) -> None:
        """Cut, gate and store every chunk for the run; AudioTooShortError if none."""
        started = time.perf_counter()
        try:
            window: list[bytes] = []
            chunks = cut_blocks(
                self._counted(self._stream.blocks),
                settings.DETECTOR_CHUNK_SECONDS,
                settings.DETECTOR_MIN_CHUNK_SECONDS,
            )
            for span, pcm in chunks:
                self.spans.append(span)
                window.append(pcm)
                if len(window) == WINDOW_CHUNKS:
                    self._gate_and_store(window, request_id, generation)
                    window = []
            self._gate_and_store(window, request_id, generation)
        finally:
            decoding = time.perf_counter() - started - self._gating_seconds
            metrics.record_stage("decode", decoding)
            metrics.record_stage("chunking", self._gating_seconds)

    def _counted(self, blocks: Iterable[bytes]) -> Iterator[bytes]:
        for block in blocks:
            self.samples += len(block) // BYTES_PER_SAMPLE
            yield block
        self.decoded = True

    def _gate_and_store(
        self, pieces: list[bytes], request_id: str, generation: int
    ) -> None:
        """Gate the window's chunks (the last spans) and store them."""
        # Imported here so that torch loads in the workers only, never in beat.
        from inference import vad

        if not pieces:
            return
        started = time.perf_counter()
        self.ratios += vad.speech_ratios(pieces)
        self.levels += [vad.level_dbfs(piece) for piece in pieces]
        first = len(self.spans) - len(pieces)
        chunk_store.put_chunks(request_id, generation, pieces, first)
        self._gating_seconds += time.perf_counter() - started
