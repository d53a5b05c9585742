"""Where the 4-second chunks of a recording start and end."""

import itertools

import pytest

from inference.chunking import BYTES_PER_SAMPLE
from inference.chunking import SAMPLE_RATE
from inference.chunking import AudioTooShortError
from inference.chunking import ChunkSpan
from inference.chunking import cut_blocks
from inference.chunking import plan_chunks

CHUNK_SECONDS = 4.0
MIN_SECONDS = 1.0


def spans_in_seconds(total_seconds: float) -> list[tuple[float, float]]:
    spans = plan_chunks(round(total_seconds * SAMPLE_RATE), CHUNK_SECONDS, MIN_SECONDS)
    return [(span.start_seconds, span.end_seconds) for span in spans]


@pytest.mark.parametrize(
    ("total_seconds", "expected"),
    [
        (1.0, [(0.0, 1.0)]),
        (2.5, [(0.0, 2.5)]),
        (4.0, [(0.0, 4.0)]),
        (4.5, [(0.0, 4.5)]),
        (5.0, [(0.0, 4.0), (4.0, 5.0)]),
        (12.0, [(0.0, 4.0), (4.0, 8.0), (8.0, 12.0)]),
        (12.5, [(0.0, 4.0), (4.0, 8.0), (8.0, 12.5)]),
        (13.0, [(0.0, 4.0), (4.0, 8.0), (8.0, 12.0), (12.0, 13.0)]),
        (13.5, [(0.0, 4.0), (4.0, 8.0), (8.0, 12.0), (12.0, 13.5)]),
    ],
    ids=[
        "exactly-the-minimum",
        "one-short-chunk",
        "one-whole-chunk",
        "short-remainder-merges-into-the-only-chunk",
        "remainder-of-exactly-the-minimum-is-its-own-chunk",
        "exact-multiple",
        "short-remainder-merges-into-the-previous-chunk",
        "minimum-remainder-after-several-chunks",
        "long-remainder-is-its-own-chunk",
    ],
)
def test_plan_chunks_boundaries(
    total_seconds: float, expected: list[tuple[float, float]]
) -> None:
    """Chunks are 4 s windows from 0.0 s; a sub-minimum remainder joins the last."""
    assert spans_in_seconds(total_seconds) == expected


def test_plan_chunks_one_sample_short_of_the_minimum_remainder_merges() -> None:
    """A remainder one sample under the minimum is appended to the chunk before."""
    total = 2 * 4 * SAMPLE_RATE + SAMPLE_RATE - 1

    spans = plan_chunks(total, CHUNK_SECONDS, MIN_SECONDS)

    assert [(span.start_sample, span.end_sample) for span in spans] == [
        (0, 4 * SAMPLE_RATE),
        (4 * SAMPLE_RATE, total),
    ]


@pytest.mark.parametrize("total_samples", [0, 1, SAMPLE_RATE - 1])
def test_plan_chunks_too_short_raises(total_samples: int) -> None:
    """Less audio than the minimum chunk cannot be scored."""
    with pytest.raises(AudioTooShortError, match="at least 1 s of audio"):
        plan_chunks(total_samples, CHUNK_SECONDS, MIN_SECONDS)


@pytest.mark.parametrize("total_samples", [16_000, 70_001, 16_000 * 37 + 15_999])
def test_plan_chunks_cover_the_recording_without_gaps(total_samples: int) -> None:
    """Chunks are numbered in order, touch end to end and cover every sample."""
    spans = plan_chunks(total_samples, CHUNK_SECONDS, MIN_SECONDS)

    assert [span.index for span in spans] == list(range(len(spans)))
    assert spans[0].start_sample == 0
    assert spans[-1].end_sample == total_samples
    assert all(a.end_sample == b.start_sample for a, b in itertools.pairwise(spans))
    lengths = [span.end_sample - span.start_sample for span in spans]
    assert all(SAMPLE_RATE <= length < 5 * SAMPLE_RATE for length in lengths)


def test_chunk_span_slices_pcm16_bytes() -> None:
    """A span cuts its samples (two bytes each) out of the PCM."""
    pcm = bytes(range(20))

    assert ChunkSpan(index=1, start_sample=2, end_sample=5).slice(pcm) == pcm[4:10]


@pytest.mark.parametrize(
    "total_samples",
    [
        16_000,
        64_000,
        64_001,
        79_999,
        80_000,
        128_000,
        16_000 * 37 + 15_999,
        16_000 * 41,
    ],
)
def test_cut_blocks_matches_plan_chunks_on_chunk_sized_blocks(
    total_samples: int,
) -> None:
    """Cutting as blocks arrive gives the spans and PCM of cutting the whole at once."""
    pcm = bytes(index % 251 for index in range(total_samples * BYTES_PER_SAMPLE))
    block = 4 * SAMPLE_RATE * BYTES_PER_SAMPLE
    blocks = (pcm[start : start + block] for start in range(0, len(pcm), block))

    cut = list(cut_blocks(blocks, CHUNK_SECONDS, MIN_SECONDS))

    spans = plan_chunks(total_samples, CHUNK_SECONDS, MIN_SECONDS)
    assert [span for span, _ in cut] == spans
    assert [piece for _, piece in cut] == [span.slice(pcm) for span in spans]


def test_cut_blocks_refuses_too_little_audio() -> None:
    with pytest.raises(AudioTooShortError):
        list(cut_blocks([bytes(1000)], CHUNK_SECONDS, MIN_SECONDS))
