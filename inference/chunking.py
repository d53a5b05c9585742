"""Cutting decoded audio into the 4-second chunks the model scores.

The rule for the end of a recording: chunks are fixed 4-second windows from
0.0 s; a final remainder of at least ``min_seconds`` becomes its own, shorter
chunk, and a shorter remainder is appended to the chunk before it (so that
chunk runs up to 4 s + ``min_seconds``). No audio is ever left unscored.
Audio shorter than ``min_seconds`` in all cannot be scored.
"""

from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass

SAMPLE_RATE = 16_000
BYTES_PER_SAMPLE = 2  # PCM16


class AudioTooShortError(ValueError):
    """The recording is shorter than the shortest chunk the model can score."""


@dataclass(frozen=True)
class ChunkSpan:
    index: int
    start_sample: int
    end_sample: int

    @property
    def start_seconds(self) -> float:
        return self.start_sample / SAMPLE_RATE

    @property
    def end_seconds(self) -> float:
        return self.end_sample / SAMPLE_RATE

    def slice(self, pcm: bytes) -> bytes:
        return pcm[
            self.start_sample * BYTES_PER_SAMPLE : self.end_sample * BYTES_PER_SAMPLE
        ]


def plan_chunks(
    total_samples: int, chunk_seconds: float, min_seconds: float
) -> list[ChunkSpan]:
    """Chunk boundaries for a recording of ``total_samples`` at 16 kHz."""
    chunk = round(chunk_seconds * SAMPLE_RATE)
    minimum = round(min_seconds * SAMPLE_RATE)
    if total_samples < minimum:
        raise AudioTooShortError(
            f"The recording is {total_samples / SAMPLE_RATE:.2f} s long; "
            f"at least {min_seconds:g} s of audio is needed to score it."
        )
    starts = list(range(0, total_samples, chunk))
    if len(starts) > 1 and total_samples - starts[-1] < minimum:
        starts.pop()
    ends = [*starts[1:], total_samples]
    return [
        ChunkSpan(index, start, end)
        for index, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]


def cut_blocks(
    blocks: Iterable[bytes], chunk_seconds: float, min_seconds: float
) -> Iterator[tuple[ChunkSpan, bytes]]:
    """``plan_chunks`` for PCM16 that arrives in blocks of one chunk each.

    Each chunk is given with its PCM as soon as it is final: once two more
    blocks have arrived, since only the last block can be a short remainder
    that joins the chunk before it. The end is cut by ``plan_chunks`` itself.
    """
    held: list[bytes] = []
    index = start = total = 0
    for block in blocks:
        held.append(block)
        total += len(block) // BYTES_PER_SAMPLE
        if len(held) > 2:
            piece = held.pop(0)
            end = start + len(piece) // BYTES_PER_SAMPLE
            yield ChunkSpan(index, start, end), piece
            index, start = index + 1, end
    tail = b"".join(held)
    for span in plan_chunks(total, chunk_seconds, min_seconds)[index:]:
        offset = (span.start_sample - start) * BYTES_PER_SAMPLE
        length = (span.end_sample - span.start_sample) * BYTES_PER_SAMPLE
        yield span, tail[offset : offset + length]
