"""The live stream socket: audio in, window scores out, a detection at the end (docs/streaming.md).

The event loop only counts bytes, checks limits and moves messages: Redis
and the channel layer are awaited, while the database, Celery's publish and
the WAV file run in threads. Nothing waits on a worker: windows are queued
with an expiry, at most a few per stream, and their scores come back as
channel-layer messages.
"""

import asyncio
import json
import logging
import time
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from kombu.exceptions import OperationalError as BrokerError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from accounts.socket_sessions import session_group
from config.celery import FINISH_STREAM_TASK
from config.celery import SCORE_STREAM_WINDOW_TASK
from config.celery import app as celery_app
from detector.consumers import CLOSE_TRY_AGAIN_LATER
from detector.consumers import GuardedSocket
from detector.consumers import offered_subprotocol
from detector.events import DetectionMessage
from detector.models import Detection
from detector.streaming import metrics as stream_metrics
from detector.streaming import records
from detector.streaming.pacing import Pacing
from detector.streaming.protocol import CLOSE_NORMAL
from detector.streaming.protocol import CLOSE_UNAUTHORIZED
from detector.streaming.protocol import Limits
from detector.streaming.protocol import StartedMessage
from detector.streaming.protocol import StreamError
from detector.streaming.protocol import WindowMessage
from detector.streaming.protocol import error_message
from detector.streaming.protocol import parse_message
from detector.streaming.protocol import parse_start
from detector.streaming.recording import Recording
from detector.streaming.slots import StreamSlots
from detector.streaming.timeline import Timeline
from detector.streaming.timeline import Window
from inference import stream_store

logger = logging.getLogger(__name__)

HOP_SECONDS = 1.0
TICK_SECONDS = 1.0
# A window not scored by then is given up (its task expires unstarted), so a
# lost task never blocks the stream's later windows.
WINDOW_DEADLINE_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 60.0


class StreamConsumer(GuardedSocket, AsyncWebsocketConsumer):
    """One live stream from ``start`` to ``final``."""

    socket_name = "stream"
    # waiting -> streaming (start) -> ending (stop, or a drop) -> closed
    phase = "waiting"
    request_id = ""  # the stream's detection, once started
    generation = 0
    slots: StreamSlots | None = None
    ticker: asyncio.Task[None] | None = None
    groups: tuple[str, ...] = ()
    outcome: str | None = None  # how the socket ended, for the metrics
    counted_active = False

    async def connect(self) -> None:
        await self.accept(subprotocol=offered_subprotocol(self.scope))
        self.accepted = True
        self.connected_at = time.monotonic()
        self.redis = Redis.from_url(
            settings.REDIS_URL, socket_timeout=settings.REDIS_SOCKET_TIMEOUT
        )
        self.in_flight: dict[int, float] = {}  # end frame -> when it was queued
        self.waiting: tuple[Window, bytes] | None = None  # the latest window not queued
        self.last_sent_end = 0
        self.windows_scored = 0
        self.unwritten = bytearray()  # received audio not yet in the WAV file
        # The session's group lets logout (or revoking the API key) end the stream.
        self.groups = (session_group(self.scope["session_id"]),)
        for group in self.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.ticker = asyncio.create_task(self._tick())

    async def disconnect(self, code: int) -> None:
        stream_metrics.socket_closed(
            self.outcome or stream_metrics.CLIENT_LEFT,
            was_streaming=self.counted_active,
        )
        if self.ticker is not None:
            self.ticker.cancel()
        try:
            if self.phase == "streaming":
                await self._end(stopped=False)
            await self._release()
            for group in self.groups:
                await self.channel_layer.group_discard(group, self.channel_name)
        finally:
            await self.redis.aclose()

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        if self.phase == "closed":  # sent before our close reached the client
            return
        try:
            if bytes_data is not None:
                await self._audio(bytes_data)
            else:
                await self._control(parse_message(text_data or ""))
        except StreamError as error:
            await self._refuse(error)
        except RedisError as error:
            logger.warning("stream socket closed, Redis unreachable: %s", error)
            self._ended_by(stream_metrics.REDIS_UNAVAILABLE)
            await self._close_early(CLOSE_TRY_AGAIN_LATER)

    # --- The client's messages

    async def _control(self, message: dict[str, Any]) -> None:
        if self.phase == "waiting":
            await self._start(message)
        elif message["type"] == "stop" and self.phase == "streaming":
            await self._end(stopped=True)
        elif message["type"] == "start":
            raise StreamError("bad_start", "The stream has already started.")
        elif message["type"] != "stop":
            raise StreamError(
                "bad_start", f'Unknown message type "{message["type"][:40]}".'
            )

    async def _start(self, message: dict[str, Any]) -> None:
        start = parse_start(message)
        if not self.scope.get("may_upload"):
            raise StreamError(
                "forbidden",
                "This API key is read-only; create a read+upload key to stream audio.",
            )
        user = self.scope["user"]
        slots = StreamSlots(self.redis, user.pk, self.channel_name)
        await slots.acquire()
        self.slots = slots
        detection = await database_sync_to_async(records.open_stream)(user, start)
        self.request_id = str(detection.request_id)
        self.generation = detection.generation
        self.timeline = Timeline(
            start.format,
            window_seconds=settings.DETECTOR_CHUNK_SECONDS,
            hop_seconds=HOP_SECONDS,
            max_seconds=settings.DETECTOR_STREAM_MAX_SECONDS,
        )
        now = time.monotonic()
        self.pacing = Pacing(
            started_at=now,
            max_rate=settings.DETECTOR_STREAM_MAX_RATE,
            rate_window_seconds=settings.DETECTOR_STREAM_RATE_WINDOW_SECONDS,
            idle_seconds=settings.DETECTOR_STREAM_IDLE_SECONDS,
        )
        self.renewed_at = self.kept_alive_at = now
        self.recording = await sync_to_async(Recording, thread_sensitive=False)(
            start.format
        )
        self.phase = "streaming"
        stream_metrics.stream_started()
        self.counted_active = True
        await self._send_json(
            StartedMessage(
                type="started",
                request_id=self.request_id,
                window=settings.DETECTOR_CHUNK_SECONDS,
                hop=HOP_SECONDS,
                limits=Limits(
                    max_seconds=settings.DETECTOR_STREAM_MAX_SECONDS,
                    max_frame_bytes=settings.DETECTOR_STREAM_MAX_FRAME_BYTES,
                    max_rate=settings.DETECTOR_STREAM_MAX_RATE,
                    idle_seconds=settings.DETECTOR_STREAM_IDLE_SECONDS,
                ),
            )
        )

    async def _audio(self, data: bytes) -> None:
        if self.phase != "streaming":
            raise StreamError(
                "bad_start",
                "Audio must come after a start message and before stop.",
            )
        if len(data) > settings.DETECTOR_STREAM_MAX_FRAME_BYTES:
            raise StreamError(
                "frame_too_large",
                f"A binary frame may hold at most "
                f"{settings.DETECTOR_STREAM_MAX_FRAME_BYTES} bytes.",
            )
        pcm, due = self.timeline.append(data)
        stream_format = self.timeline.format
        self.pacing.receive(
            time.monotonic(),
            len(pcm) / stream_format.frame_bytes / stream_format.sample_rate,
        )
        self.unwritten += pcm
        if due:  # about once a second: keep the file current, then score
            await self._write_recording()
            for window, raw in due:
                await self._offer(window, raw)

    # --- Windows out to the workers and back

    async def _offer(self, window: Window, raw: bytes) -> None:
        """Queue the window, or keep it as the next one while the workers lag."""
        deadline = time.monotonic() - WINDOW_DEADLINE_SECONDS
        queued = len(self.in_flight)
        self.in_flight = {
            end: at for end, at in self.in_flight.items() if at > deadline
        }
        stream_metrics.windows_lost(
            stream_metrics.EXPIRED, queued - len(self.in_flight)
        )
        if len(self.in_flight) < settings.DETECTOR_STREAM_MAX_PENDING_WINDOWS:
            await self._queue(window, raw)
        else:
            if self.waiting is not None:  # replaced by a newer one
                stream_metrics.windows_lost(stream_metrics.SKIPPED)
            self.waiting = (window, raw)

    async def _queue(self, window: Window, raw: bytes) -> None:
        await self.redis.set(
            stream_store.window_key(self.request_id, window.end_frame),
            raw,
            ex=stream_store.WINDOW_TTL_SECONDS,
        )
        self.in_flight[window.end_frame] = time.monotonic()
        stream_format = self.timeline.format
        await _enqueue(
            SCORE_STREAM_WINDOW_TASK,
            args=[
                self.request_id,
                self.channel_name,
                {
                    "start": window.start,
                    "end": window.end,
                    "end_frame": window.end_frame,
                    "provisional": window.provisional,
                },
                {
                    "sample_rate": stream_format.sample_rate,
                    "channels": stream_format.channels,
                },
            ],
            expires=WINDOW_DEADLINE_SECONDS,
        )

    async def stream_window(self, message: dict[str, Any]) -> None:
        """A worker scored one of this stream's windows."""
        queued_at = self.in_flight.pop(message["end_frame"], None)
        stream_metrics.window_scored(
            None if queued_at is None else time.monotonic() - queued_at
        )
        self.windows_scored += 1
        window: WindowMessage = message["window"]
        if message["end_frame"] > self.last_sent_end:  # never out of order
            self.last_sent_end = message["end_frame"]
            await self._send_json(window)
        if self.waiting is not None and self.phase == "streaming":
            waiting, self.waiting = self.waiting, None
            await self._offer(*waiting)

    async def stream_outcome(self, message: dict[str, DetectionMessage]) -> None:
        """The stream's detection is final: ``final``, or why it failed."""
        outcome = message["outcome"]
        if outcome["status"] == Detection.Status.COMPLETED:
            self._ended_by(stream_metrics.FINAL)
            await self._send_json({**outcome, "type": "final"})
            await self._close_early(CLOSE_NORMAL)
        else:
            error = StreamError("failed", outcome["error_message"])
            self._ended_by(error.code)
            await self._send_json(
                {**error_message(error), "request_id": outcome["request_id"]}
            )
            await self._close_early(error.close_code)

    async def session_revoked(self, message: dict[str, str]) -> None:
        """The user logged this session out, or revoked the API key."""
        self._ended_by(stream_metrics.REVOKED)
        await self._close_early(CLOSE_UNAUTHORIZED)

    # --- The end

    async def _end(self, *, stopped: bool) -> None:
        """Store what was received and have it scored, or fail a stream that scored nothing."""
        self.phase = "ending"
        self.final_deadline = (
            time.monotonic() + settings.DETECTOR_STREAM_FINAL_TIMEOUT_SECONDS
        )
        await self._release()
        if not stopped and not self.windows_scored:
            await sync_to_async(self.recording.discard, thread_sensitive=False)()
            await database_sync_to_async(records.fail_unscored)(
                self.request_id, self.generation
            )
            return
        if self.waiting is not None:
            # The latest window goes ahead of the end on the same queue, so its
            # score still arrives before final.
            waiting, self.waiting = self.waiting, None
            await self._queue(*waiting)
        await self._write_recording()
        stored = await sync_to_async(self.recording.store, thread_sensitive=False)()
        attached = await database_sync_to_async(records.attach_recording)(
            self.request_id, stored
        )
        if attached:
            # Lost to a broker outage, the stored stream is finished by the
            # sweeper's stall rule, as an upload.
            await _enqueue(
                FINISH_STREAM_TASK,
                args=[self.request_id, self.generation, self.channel_name],
            )

    async def _refuse(self, error: StreamError) -> None:
        """Tell the client why the stream ends, close, and end its record."""
        self._ended_by(error.code)
        await self._send_json(error_message(error))
        await self._close_early(error.close_code)

    def _ended_by(self, outcome: str) -> None:
        """The first reason the socket is closing is the one the metrics count."""
        if self.outcome is None:
            self.outcome = outcome

    async def _close_early(self, code: int) -> None:
        if self.phase == "streaming":
            await self._end(stopped=False)
        self.phase = "closed"
        await self.close(code=code)

    async def _release(self) -> None:
        if self.slots is not None:
            slots, self.slots = self.slots, None
            await slots.release()

    # --- Housekeeping

    async def _tick(self) -> None:
        """Once a second: the idle and final timeouts, the slot's expiry, the sweeper's clock."""
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                await self._housekeeping(time.monotonic())
            except StreamError as error:
                await self._refuse(error)
                return
            except Exception:
                logger.exception("stream housekeeping failed")

    async def _housekeeping(self, now: float) -> None:
        idle = settings.DETECTOR_STREAM_IDLE_SECONDS
        if self.phase == "waiting" and now - self.connected_at > idle:
            raise StreamError(
                "idle_timeout", f"No start message arrived within {idle:g} seconds."
            )
        if self.phase == "ending" and now > self.final_deadline:
            raise StreamError(
                "internal_error",
                "The result is taking too long; read the status endpoint later.",
            )
        if self.phase != "streaming":
            return
        self.pacing.check_behind(now, self.timeline.seconds)
        if (
            self.slots
            and now - self.renewed_at > settings.DETECTOR_STREAM_SLOT_TTL_SECONDS / 3
        ):
            self.renewed_at = now
            await self.slots.renew()
        if now - self.kept_alive_at > KEEP_ALIVE_SECONDS:
            self.kept_alive_at = now
            await database_sync_to_async(records.keep_alive)(self.request_id)

    async def _write_recording(self) -> None:
        pcm, self.unwritten = bytes(self.unwritten), bytearray()
        if pcm:
            await sync_to_async(self.recording.write, thread_sensitive=False)(pcm)

    async def _send_json(self, message: Any) -> None:
        await self.send(text_data=json.dumps(message))


async def _enqueue(task: str, **options: Any) -> None:
    """Publish a task from a thread; a broker outage loses it (logged), never the socket."""
    try:
        await sync_to_async(celery_app.send_task, thread_sensitive=False)(
            task, ignore_result=True, **options
        )
    except (BrokerError, RedisError, OSError):
        logger.warning("broker unreachable: %s not queued", task, exc_info=True)
