"""The contract's chunk map, built from chunk rows."""

from collections.abc import Iterable
from typing import TypedDict

from detector.models import Chunk
from detector.models import Detection


class ChunkPrediction(TypedDict):
    score: float | None  # None until the chunk is scored
    start: float
    end: float
    speech: bool
    speech_ratio: float  # share of the chunk that the VAD heard as speech
    silent: bool  # quieter than DETECTOR_SILENCE_DBFS


class Progress(TypedDict):
    done: int
    total: int


def chunk_name(index: int) -> str:
    return f"chunk_{index}"


def build_chunk_map(chunks: Iterable[Chunk]) -> dict[str, ChunkPrediction]:
    """Chunk rows as the contract's map, keys in time order."""
    return {
        chunk_name(chunk.index): ChunkPrediction(
            score=chunk.score,
            start=chunk.start_seconds,
            end=chunk.end_seconds,
            speech=chunk.has_speech,
            speech_ratio=chunk.speech_ratio,
            silent=chunk.silent,
        )
        for chunk in sorted(chunks, key=lambda chunk: chunk.index)
    }


def current_chunk_map(detection: Detection) -> dict[str, ChunkPrediction]:
    """The final map once completed; the rows scored so far before that."""
    if detection.status == Detection.Status.COMPLETED:
        stored: dict[str, ChunkPrediction] = detection.results.get(
            "chunk_predictions", {}
        )
        return stored
    return build_chunk_map(detection.chunks.all())


def progress_of(
    chunk_map: dict[str, ChunkPrediction], detection: Detection
) -> Progress:
    done = sum(1 for chunk in chunk_map.values() if chunk["score"] is not None)
    return Progress(done=done, total=detection.chunk_count or 0)
