"""A recording into gated chunks in Redis, a window at a time, as the worker stores it."""

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from django.conf import settings

from inference import chunk_store
from inference import preparation
from inference.audio import decode_to_pcm16
from inference.chunking import SAMPLE_RATE
from inference.chunking import AudioTooShortError
from inference.chunking import plan_chunks
from inference.preparation import ChunkPreparation

RUN = ("b7a3c1de-0000-4000-8000-000000000001", 0)


def recording(path: Path, seconds: float) -> Path:
    rng = np.random.default_rng(3)
    sf.write(path, 0.1 * rng.standard_normal(round(seconds * SAMPLE_RATE)), SAMPLE_RATE)
    return path


def test_chunks_across_windows_are_those_of_one_whole_decode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spans, stored PCM, gate and levels as if the recording had been cut at once."""
    monkeypatch.setattr(preparation, "WINDOW_CHUNKS", 3)
    path = recording(tmp_path / "long.wav", 4 * 7 + 0.5)  # 7 chunks, the last 4.5 s

    prepared = ChunkPreparation(path)
    prepared.store(*RUN)

    whole = decode_to_pcm16(
        path,
        max_seconds=60,
        cpu_seconds=settings.DETECTOR_DECODE_CPU_SECONDS,
        memory_bytes=settings.DETECTOR_DECODE_MEMORY_BYTES,
    )
    spans = plan_chunks(whole.sample_count, 4.0, 1.0)
    assert prepared.spans == spans
    stored = chunk_store.get_chunks(*RUN, range(len(spans)))
    assert stored == [span.slice(whole.pcm) for span in spans]
    assert len(prepared.ratios) == len(prepared.levels) == len(spans)
    assert (prepared.decoded, prepared.duration_seconds) == (True, 28.5)
    assert prepared.source_sample_rate == SAMPLE_RATE


def test_a_recording_too_short_to_score_is_still_measured(tmp_path: Path) -> None:
    prepared = ChunkPreparation(recording(tmp_path / "short.wav", 0.5))

    with pytest.raises(AudioTooShortError):
        prepared.store(*RUN)

    assert (prepared.decoded, prepared.duration_seconds) == (True, 0.5)
    assert chunk_store.client().keys("chunks:*") == []
