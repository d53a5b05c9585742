"""The stream protocol's pure parts: the start message, windows over any frame sizes, pacing."""

import json

import pytest

from detector.streaming.pacing import Pacing
from detector.streaming.protocol import StreamError
from detector.streaming.protocol import StreamFormat
from detector.streaming.protocol import parse_message
from detector.streaming.protocol import parse_start
from detector.streaming.timeline import Timeline

START = {"type": "start", "sample_rate": 16000, "encoding": "pcm_s16le", "channels": 1}


def test_parse_start_reads_format_and_label() -> None:
    """A valid start gives the format; the label defaults to "Live stream"."""
    start = parse_start({**START, "channels": 2, "sample_rate": 44100})
    assert start.format == StreamFormat(44100, 2)
    assert start.label == "Live stream"
    assert parse_start({**START, "label": " Bank call "}).label == "Bank call"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"type": "stop"}, "bad_start"),
        ({"sample_rate": "16000"}, "bad_start"),
        ({"channels": True}, "bad_start"),
        ({"label": "x" * 256}, "bad_start"),
        ({"encoding": "opus"}, "unsupported_format"),
        ({"sample_rate": 7999}, "unsupported_format"),
        ({"sample_rate": 48001}, "unsupported_format"),
        ({"channels": 3}, "unsupported_format"),
    ],
)
def test_parse_start_refuses_bad_or_unsupported(
    change: dict[str, object], code: str
) -> None:
    """Malformed starts are bad_start; well-formed but unsupported audio is unsupported_format."""
    with pytest.raises(StreamError) as caught:
        parse_start({**START, **change})
    assert caught.value.code == code


@pytest.mark.parametrize("text", ["not json", "[1]", json.dumps({"kind": "start"})])
def test_parse_message_needs_a_json_object_with_a_type(text: str) -> None:
    """Text that is not a typed JSON object ends the stream as bad_start (4400)."""
    with pytest.raises(StreamError) as caught:
        parse_message(text)
    assert (caught.value.code, caught.value.close_code) == ("bad_start", 4400)


def timeline(rate: int = 8000, channels: int = 1, max_seconds: float = 60) -> Timeline:
    return Timeline(
        StreamFormat(rate, channels),
        window_seconds=4.0,
        hop_seconds=1.0,
        max_seconds=max_seconds,
    )


def frames(count: int, channels: int = 1, first: int = 0) -> bytes:
    """Frames whose every sample holds its frame number, so slices can be checked."""
    return b"".join(
        (number % 30000).to_bytes(2, "little") * channels
        for number in range(first, first + count)
    )


@pytest.mark.parametrize("size", [1, 333, 8000 * 2, 64 * 1024])
def test_timeline_cuts_windows_whatever_the_frame_size(size: int) -> None:
    """Messages of any size, even splitting samples, give the same windows and bytes."""
    line = timeline()
    audio = frames(8000 * 6 + 100)
    windows = []
    for offset in range(0, len(audio), size):
        _, due = line.append(audio[offset : offset + size])
        windows += due
    spans = [(window.start, window.end, window.provisional) for window, _ in windows]
    assert spans == [
        (0.0, 1.0, True),
        (0.0, 2.0, True),
        (0.0, 3.0, True),
        (0.0, 4.0, False),
        (1.0, 5.0, False),
        (2.0, 6.0, False),
    ]
    for window, raw in windows:
        assert raw == frames(
            window.end_frame - window.start_frame, first=window.start_frame
        )
    assert line.seconds == pytest.approx(6 + 100 / 8000)


def test_timeline_keeps_whole_stereo_frames_only() -> None:
    """Half a stereo frame waits for the rest; only whole frames are returned."""
    line = timeline(channels=2)
    whole, _ = line.append(frames(10, channels=2)[:-3])
    assert len(whole) == 9 * 4
    whole, _ = line.append(frames(10, channels=2)[-3:])
    assert len(whole) == 4
    assert line.frames == 10


def test_timeline_refuses_audio_past_the_limit() -> None:
    """The frame that takes a stream past its maximum ends it as too_long (4413)."""
    line = timeline(max_seconds=2)
    line.append(frames(16000))
    with pytest.raises(StreamError) as caught:
        line.append(frames(1))
    assert (caught.value.code, caught.value.close_code) == ("too_long", 4413)


def pacing() -> Pacing:
    return Pacing(
        started_at=100.0, max_rate=2.0, rate_window_seconds=5.0, idle_seconds=10.0
    )


def test_pacing_allows_twice_real_time_but_not_more() -> None:
    """Just under 2x real time is kept up for a minute; 2.5x is refused within seconds."""
    steady = pacing()
    for tick in range(600):
        steady.receive(100.0 + tick * 0.1, 0.19)  # 0.19 s of audio every 0.1 s
    fast = pacing()
    with pytest.raises(StreamError) as caught:
        for tick in range(600):
            fast.receive(100.0 + tick * 0.1, 0.25)
    assert (caught.value.code, caught.value.close_code) == ("too_fast", 4429)


def test_pacing_refuses_a_client_far_behind_real_time() -> None:
    """Audio more than the idle time behind the clock closes the stream (4408)."""
    slow = pacing()
    slow.check_behind(now=115.0, audio_seconds=6.0)  # 9 s behind: fine
    with pytest.raises(StreamError) as caught:
        slow.check_behind(now=115.0, audio_seconds=4.0)
    assert (caught.value.code, caught.value.close_code) == ("idle_timeout", 4408)
