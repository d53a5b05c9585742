"""Live streams scored by a real worker: windows as audio arrives, and the upload's result at the end."""

import io
import wave
from typing import Any

import numpy as np
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import User
from detector.models import Detection
from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech
from tests.detector.streaming.sockets import open_as
from tests.detector.streaming.sockets import start
from tests.support import metric_value
from tests.support import submit
from tests.support import wait_for

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker"),
]

FRAME_SECONDS = 0.25


def pcm_of(content: bytes) -> tuple[bytes, int, int]:
    with wave.open(io.BytesIO(content)) as wav:
        return wav.readframes(wav.getnframes()), wav.getframerate(), wav.getnchannels()


async def stream(
    socket: WebsocketCommunicator, content: bytes, *, stop: bool = True
) -> list[dict[str, Any]]:
    """Send a WAV's PCM in quarter-second frames; the messages up to ``final`` (or the first window)."""
    pcm, rate, channels = pcm_of(content)
    await start(socket, sample_rate=rate, channels=channels)
    step = int(rate * FRAME_SECONDS) * channels * 2
    for offset in range(0, len(pcm), step):
        await socket.send_to(bytes_data=pcm[offset : offset + step])
    if stop:
        await socket.send_json_to({"type": "stop"})
    messages = [await socket.receive_json_from(timeout=60)]
    while stop and messages[-1]["type"] == "window":
        messages.append(await socket.receive_json_from(timeout=60))
    return messages


def same_chunk_maps(streamed: dict[str, Any], uploaded: dict[str, Any]) -> None:
    assert list(streamed) == list(uploaded)
    for name, chunk in streamed.items():
        expected = uploaded[name]
        assert chunk["score"] == pytest.approx(expected["score"], abs=1e-4), name
        assert {**chunk, "score": 0} == {**expected, "score": 0}, name


@pytest.mark.parametrize(
    ("rate", "channels"), [(16_000, 1), (44_100, 2)], ids=["16k-mono", "44k-stereo"]
)
async def test_stream_ends_with_the_uploads_chunk_map_and_verdict(
    alice: User,
    alice_client: APIClient,
    settings: Settings,
    rate: int,
    channels: int,
) -> None:
    """Windows arrive as audio does; final equals an upload of the same file, as does the record."""
    settings.DETECTOR_STREAM_MAX_RATE = 10  # the test need not wait for real time
    voice = speech(9.5, rate)
    content = encode_wav(np.repeat(voice[:, None], channels, axis=1), rate)
    scored = metric_value("detector_stream_windows_total", fate="scored")
    timed = metric_value("detector_stream_window_latency_seconds_count")
    finals = metric_value("detector_streams_ended_total", outcome="final")
    socket = await open_as(alice)
    messages = await stream(socket, content)
    await socket.disconnect()

    windows, final = messages[:-1], messages[-1]
    assert final["type"] == "final", final
    sent = len(windows)
    assert metric_value("detector_stream_windows_total", fate="scored") >= scored + sent
    assert metric_value("detector_stream_window_latency_seconds_count") >= timed + sent
    assert metric_value("detector_streams_ended_total", outcome="final") == finals + 1
    first = windows[0]
    assert (first["start"], first["end"], first["provisional"]) == (0.0, 1.0, True)
    ends = [window["end"] for window in windows]
    assert ends == sorted(set(ends))
    assert all(
        window["end"] - window["start"] == 4.0
        for window in windows
        if window["end"] >= 4
    )
    assert all(0.0 <= window["score"] <= 1.0 for window in windows)

    upload_id = await sync_to_async(submit)(alice_client, content)
    uploaded = await sync_to_async(wait_for)(upload_id)
    streamed = await sync_to_async(wait_for)(final["request_id"])
    same_chunk_maps(final["chunk_predictions"], uploaded.results["chunk_predictions"])
    same_chunk_maps(
        streamed.results["chunk_predictions"], uploaded.results["chunk_predictions"]
    )
    assert final["overall_assessment"] == uploaded.overall_assessment
    assert final["overall_confidence"] == pytest.approx(
        uploaded.overall_confidence, abs=1e-4
    )
    assert streamed.source == Detection.Source.STREAM
    assert uploaded.source == Detection.Source.UPLOAD
    assert (streamed.audio_file.sample_rate, streamed.audio_file.channels) == (
        rate,
        channels,
    )

    # The stored recording plays back the samples received.
    response = await sync_to_async(alice_client.get)(
        f"/api/v1/audio/status/{final['request_id']}/audio"
    )
    assert response.status_code == 200
    played = b"".join(response.streaming_content)
    assert pcm_of(played) == pcm_of(content)
    history = await sync_to_async(alice_client.get)("/api/v1/audio/history")
    sources = {row["request_id"]: row["source"] for row in history.json()["results"]}
    assert sources[final["request_id"]] == "stream"


async def test_stream_dropped_after_a_window_completes_with_what_arrived(
    alice: User, settings: Settings
) -> None:
    """A connection lost without stop, after a scored window, ends completed over the audio received."""
    settings.DETECTOR_STREAM_MAX_RATE = 10
    socket = await open_as(alice)
    messages = await stream(socket, encode_wav(speech(5.0)), stop=False)
    assert messages[0]["type"] == "window"
    started = await Detection.objects.filter(source="stream").alatest("submitted_at")
    await socket.disconnect()

    detection = await sync_to_async(wait_for)(str(started.request_id))
    assert detection.status == Detection.Status.COMPLETED
    assert list(detection.results["chunk_predictions"]) == ["chunk_0", "chunk_1"]
    assert detection.audio_file.duration_seconds == pytest.approx(5.0)


async def test_stream_of_too_little_audio_fails_with_the_uploads_reason(
    alice: User,
) -> None:
    """Stopping after half a second: error failed (4422) naming the failed detection."""
    socket = await open_as(alice)
    started = await start(socket)
    await socket.send_to(bytes_data=b"\1\0" * 8000)
    await socket.send_json_to({"type": "stop"})
    error = await socket.receive_json_from(timeout=60)
    assert error["type"] == "error"
    assert error["code"] == "failed"
    assert error["request_id"] == started["request_id"]
    assert "at least 1 s of audio" in error["message"]
    assert await socket.receive_output(timeout=10) == {
        "type": "websocket.close",
        "code": 4422,
    }
    await socket.disconnect()
