"""The stream socket's protocol and limits on the real Redis channel layer, without workers."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from pytest_django.fixtures import Settings

from accounts.api_keys import revoke_api_keys
from accounts.models import ApiKey
from accounts.models import User
from detector.models import Detection
from detector.streaming import consumer
from detector.streaming.records import NOTHING_SCORED
from detector.streaming.slots import ALL_STREAMS_KEY
from inference import chunk_store
from tests.detector.streaming.sockets import SECOND
from tests.detector.streaming.sockets import START
from tests.detector.streaming.sockets import expect_end
from tests.detector.streaming.sockets import open_as
from tests.detector.streaming.sockets import start
from tests.detector.streaming.sockets import stream_socket
from tests.factories import ApiKeyFactory
from tests.factories import AudioFileFactory
from tests.factories import DetectionFactory
from tests.support import client_for
from tests.support import metric_value

pytestmark = pytest.mark.django_db(transaction=True)


async def test_stream_refuses_a_missing_credential_with_4401() -> None:
    """No credential: accepted, then closed with 4401, as the detections socket does."""
    socket = stream_socket()
    assert (await socket.connect())[0]
    assert await socket.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": 4401,
    }


async def test_stream_refuses_a_read_only_api_key(alice: User) -> None:
    """A read key may not create detections: forbidden, 4403; a read+upload key streams."""
    read_key = await sync_to_async(ApiKeyFactory)(owner=alice, scope=ApiKey.Scope.READ)
    socket = stream_socket("api-key", read_key.key)
    assert await socket.connect() == (True, "api-key")
    await socket.send_json_to(START)
    await expect_end(socket, "forbidden", 4403)
    await socket.disconnect()

    upload_key = await sync_to_async(ApiKeyFactory)(owner=alice)
    socket = stream_socket("api-key", upload_key.key)
    assert (await socket.connect())[0]
    await start(socket)
    await socket.disconnect()


async def test_revoking_the_key_ends_its_live_stream(alice: User) -> None:
    """A revoked key's stream closes at once with 4401, counted as revoked; nothing scored fails it."""
    api_key = await sync_to_async(ApiKeyFactory)(owner=alice)
    revoked = metric_value("detector_streams_ended_total", outcome="revoked")
    active = metric_value("detector_streams_active")
    socket = stream_socket("api-key", api_key.key)
    assert (await socket.connect())[0]
    started = await start(socket)
    await sync_to_async(revoke_api_keys)(ApiKey.objects.filter(pk=api_key.pk))
    assert await socket.receive_output(timeout=5) == {
        "type": "websocket.close",
        "code": 4401,
    }
    await socket.disconnect()
    assert (
        metric_value("detector_streams_ended_total", outcome="revoked") == revoked + 1
    )
    assert metric_value("detector_streams_active") == active
    detection = await Detection.objects.aget(request_id=started["request_id"])
    assert detection.status == Detection.Status.FAILED
    assert detection.error_message == NOTHING_SCORED


async def test_stream_start_records_a_stream_detection(alice: User) -> None:
    """started names a new processing detection with source stream and the label."""
    socket = await open_as(alice)
    started = await start(socket, label="Call with the bank")
    assert started["window"] == 4.0
    assert started["hop"] == 1.0
    assert set(started["limits"]) == {
        "max_seconds",
        "max_frame_bytes",
        "max_rate",
        "idle_seconds",
    }
    detection = await Detection.objects.select_related("audio_file").aget(
        request_id=started["request_id"]
    )
    assert detection.source == Detection.Source.STREAM
    assert detection.status == Detection.Status.PROCESSING
    assert detection.user_id == alice.pk
    assert detection.audio_file.original_filename == "Call with the bank"
    await socket.disconnect()


async def test_stream_refuses_audio_before_start(alice: User) -> None:
    """Binary audio before start is bad_start (4400)."""
    socket = await open_as(alice)
    await socket.send_to(bytes_data=b"\0" * 320)
    await expect_end(socket, "bad_start", 4400)
    await socket.disconnect()


async def test_stream_refuses_opus(alice: User) -> None:
    """An encoding other than pcm_s16le is unsupported_format (4415)."""
    socket = await open_as(alice)
    await socket.send_json_to({**START, "encoding": "opus"})
    await expect_end(socket, "unsupported_format", 4415)
    await socket.disconnect()


async def test_stream_refuses_an_oversized_frame(
    alice: User, settings: Settings
) -> None:
    """A binary frame over DETECTOR_STREAM_MAX_FRAME_BYTES is frame_too_large (4414)."""
    settings.DETECTOR_STREAM_MAX_FRAME_BYTES = 1000
    socket = await open_as(alice)
    await start(socket)
    await socket.send_to(bytes_data=b"\0" * 1000)
    await socket.send_to(bytes_data=b"\0" * 1001)
    await expect_end(socket, "frame_too_large", 4414)
    await socket.disconnect()


async def test_stream_refuses_audio_faster_than_twice_real_time(alice: User) -> None:
    """Eleven seconds of audio sent at once exceed 2x real time over 5 s: too_fast (4429)."""
    socket = await open_as(alice)
    await start(socket)
    for _ in range(11):
        await socket.send_to(bytes_data=b"\0" * SECOND)
    await expect_end(socket, "too_fast", 4429)
    await socket.disconnect()


async def test_stream_refuses_audio_past_its_maximum_duration(
    alice: User, settings: Settings
) -> None:
    """Audio past DETECTOR_STREAM_MAX_SECONDS is too_long (4413)."""
    settings.DETECTOR_STREAM_MAX_SECONDS = 2
    socket = await open_as(alice)
    await start(socket)
    await socket.send_to(bytes_data=b"\0" * 2 * SECOND)
    await socket.send_to(bytes_data=b"\0\0")
    await expect_end(socket, "too_long", 4413)
    await socket.disconnect()


async def test_stream_closes_a_silent_client(alice: User, settings: Settings) -> None:
    """A client that sends no audio is closed after DETECTOR_STREAM_IDLE_SECONDS (4408)."""
    settings.DETECTOR_STREAM_IDLE_SECONDS = 1
    socket = await open_as(alice)
    started = await start(socket)
    await socket.send_to(bytes_data=b"\0" * (SECOND // 2))
    await expect_end(socket, "idle_timeout", 4408)
    await socket.disconnect()
    # Dropped before any window was scored: failed, with the reason.
    detection = await Detection.objects.aget(request_id=started["request_id"])
    assert detection.status == Detection.Status.FAILED
    assert detection.error_message == NOTHING_SCORED


async def test_stream_closes_a_client_that_never_starts(
    alice: User, settings: Settings
) -> None:
    """No start within the idle time: idle_timeout (4408)."""
    settings.DETECTOR_STREAM_IDLE_SECONDS = 1
    socket = await open_as(alice)
    await expect_end(socket, "idle_timeout", 4408)
    await socket.disconnect()


async def test_stream_limits_open_streams_per_user(
    alice: User, bob: User, settings: Settings
) -> None:
    """Past DETECTOR_STREAM_MAX_PER_USER: too_many_streams (4409); others still stream."""
    settings.DETECTOR_STREAM_MAX_PER_USER = 1
    first = await open_as(alice)
    await start(first)
    second = await open_as(alice)
    await second.send_json_to(START)
    await expect_end(second, "too_many_streams", 4409)
    await second.disconnect()
    bobs = await open_as(bob)
    await start(bobs)
    await bobs.disconnect()
    # The first stream's end frees its slot.
    await first.disconnect()
    again = await open_as(alice)
    await start(again)
    await again.disconnect()


async def test_stream_limits_open_streams_in_total(
    alice: User, bob: User, settings: Settings
) -> None:
    """Past DETECTOR_STREAM_MAX_TOTAL every new stream is server_busy (4503)."""
    settings.DETECTOR_STREAM_MAX_TOTAL = 1
    first = await open_as(alice)
    await start(first)
    socket = await open_as(bob)
    await socket.send_json_to(START)
    await expect_end(socket, "server_busy", 4503)
    await socket.disconnect()
    await first.disconnect()


async def test_stream_slots_of_a_crashed_process_expire(
    alice: User, settings: Settings
) -> None:
    """A slot nobody renews (its web process died) stops counting at its expiry."""
    settings.DETECTOR_STREAM_MAX_TOTAL = 1
    await sync_to_async(chunk_store.client().zadd)(
        ALL_STREAMS_KEY, {"crashed-process-stream": time.time() - 1}
    )
    socket = await open_as(alice)
    await start(socket)
    await socket.disconnect()


async def test_stream_flood_gets_busy_closes_not_a_stalled_server(
    alice: User, bob: User, settings: Settings
) -> None:
    """Sixteen streams at once: the allowed ones start, the rest close at once (4409/4503)."""
    settings.DETECTOR_STREAM_MAX_TOTAL = 3
    settings.DETECTOR_STREAM_MAX_PER_USER = 2
    sockets = [await open_as(user) for user in (alice, bob) * 8]
    for socket in sockets:
        await socket.send_json_to(START)
    replies = await asyncio.gather(
        *(socket.receive_json_from(timeout=10) for socket in sockets)
    )
    kinds = [reply.get("code", reply["type"]) for reply in replies]
    assert kinds.count("started") == 3
    assert set(kinds) == {"started", "too_many_streams", "server_busy"}
    for socket in sockets:
        await socket.disconnect()


async def stream_silence_then_end(socket: WebsocketCommunicator, seconds: int) -> None:
    """Start, send whole seconds of silence, then end with an unknown message.

    The unknown message is a round trip: when its bad_start arrives, every
    frame before it has been handled, windows queued included.
    """
    await start(socket)
    for _ in range(seconds):
        await socket.send_to(bytes_data=b"\0" * SECOND)
    await socket.send_json_to({"type": "ping"})
    await expect_end(socket, "bad_start", 4400)


async def test_stream_queues_few_windows_when_the_workers_lag(
    alice: User, settings: Settings
) -> None:
    """With no worker scoring, at most DETECTOR_STREAM_MAX_PENDING_WINDOWS wait in the queue."""
    settings.DETECTOR_STREAM_MAX_RATE = 20
    skipped = metric_value("detector_stream_windows_total", fate="skipped")
    socket = await open_as(alice)
    await stream_silence_then_end(socket, seconds=8)
    redis_client = chunk_store.client()
    queued = await sync_to_async(redis_client.llen)("stream")
    windows = await sync_to_async(
        lambda: list(redis_client.scan_iter("stream:*:window:*"))
    )()
    assert queued == 2
    assert len(windows) == 2
    await socket.disconnect()
    assert metric_value("detector_stream_windows_total", fate="skipped") > skipped


async def test_windows_past_their_deadline_are_given_up_and_counted(
    alice: User, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no worker, each window queued is past its deadline when the next is due."""
    monkeypatch.setattr(consumer, "WINDOW_DEADLINE_SECONDS", 0.0)
    settings.DETECTOR_STREAM_MAX_RATE = 20
    expired = metric_value("detector_stream_windows_total", fate="expired")
    socket = await open_as(alice)
    await stream_silence_then_end(socket, seconds=3)
    await socket.disconnect()
    assert metric_value("detector_stream_windows_total", fate="expired") > expired


async def test_stream_metrics_follow_active_streams_and_how_they_end(
    alice: User, bob: User
) -> None:
    """The gauge counts started streams; each closed socket counts once, by outcome."""
    active = metric_value("detector_streams_active")
    ended = {
        outcome: metric_value("detector_streams_ended_total", outcome=outcome)
        for outcome in ("too_fast", "client_left")
    }
    refused, leaving = await open_as(alice), await open_as(bob)
    await start(refused)
    await start(leaving)
    assert metric_value("detector_streams_active") == active + 2

    for _ in range(11):
        await refused.send_to(bytes_data=b"\0" * SECOND)
    await expect_end(refused, "too_fast", 4429)
    await refused.disconnect()
    await leaving.disconnect()

    assert metric_value("detector_streams_active") == active
    for outcome, before in ended.items():
        now = metric_value("detector_streams_ended_total", outcome=outcome)
        assert now == before + 1, outcome


async def test_history_filters_streams_by_source(alice: User) -> None:
    """?source=stream lists the streams only; uploads keep source upload."""
    socket = await open_as(alice)
    started = await start(socket)
    await socket.disconnect()
    upload = await sync_to_async(DetectionFactory)(
        audio_file=await sync_to_async(AudioFileFactory)(user=alice)
    )
    client = await sync_to_async(client_for)(alice)
    streams = await sync_to_async(client.get)("/api/v1/audio/history?source=stream")
    uploads = await sync_to_async(client.get)("/api/v1/audio/history?source=upload")
    assert [row["request_id"] for row in streams.json()["results"]] == [
        started["request_id"]
    ]
    assert [row["request_id"] for row in uploads.json()["results"]] == [
        str(upload.request_id)
    ]
