"""A command-line client of the stream socket: a file's PCM sent against the clock, messages handed back.

Used by ``manage.py stream_file`` and ``bench/stream.py``; never by the web process.
"""

import json
import subprocess
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.typing import Origin
from websockets.typing import Subprotocol

from accounts.api_keys import KEY_FORMAT
from accounts.websocket_auth import API_KEY
from accounts.websocket_auth import BEARER
from detector.streaming.protocol import BYTES_PER_SAMPLE
from detector.streaming.protocol import ENCODING
from detector.streaming.protocol import StreamFormat

FRAME_SECONDS = 0.1  # what a capture callback typically delivers
# Below the server's limit, so that scheduling jitter never trips it.
SAFE_SHARE_OF_MAX_RATE = 0.9
FALLBACK_RATE = 16_000

# (message, seconds of the stream's clock: 0 when its first sample was captured)
OnMessage = Callable[[dict[str, Any], float], None]


@dataclass(frozen=True)
class Audio:
    format: StreamFormat
    pcm: bytes

    @property
    def seconds(self) -> float:
        return len(self.pcm) / self.format.frame_bytes / self.format.sample_rate


def read_audio(path: Path) -> Audio:
    """A 16-bit WAV as it is; any other file decoded by ffmpeg to 16 kHz mono."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() == BYTES_PER_SAMPLE:
                stream_format = StreamFormat(wav.getframerate(), wav.getnchannels())
                return Audio(stream_format, wav.readframes(wav.getnframes()))
    except (wave.Error, EOFError):
        pass
    decoded = subprocess.run(  # noqa: S603 - a fixed argv, never a shell
        [
            *("ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path)),
            *("-f", "s16le", "-ac", "1", "-ar", str(FALLBACK_RATE), "pipe:1"),
        ],
        capture_output=True,
        check=True,
    )
    return Audio(StreamFormat(FALLBACK_RATE, 1), decoded.stdout)


def subprotocols(credential: str) -> list[str]:
    """``["api-key", key]`` for an API key, ``["bearer", token]`` for a JWT."""
    kind = API_KEY if KEY_FORMAT.fullmatch(credential) else BEARER
    return [kind, credential]


def stream_audio(
    url: str,
    credential: str,
    audio: Audio,
    *,
    on_message: OnMessage,
    speed: float | None = 1.0,
    label: str = "",
) -> dict[str, Any]:
    """Stream ``audio`` at ``speed`` times real time (None: as fast as the server allows).

    Returns the last message: ``final`` or ``error``.
    """
    with connect(
        url.rstrip("/") + "/ws/v1/stream/",
        subprotocols=[Subprotocol(part) for part in subprotocols(credential)],
        # The server checks the Origin against its host names, as for a browser.
        origin=Origin(url.replace("ws", "http", 1)),
        max_size=None,
    ) as socket:
        start = {
            "type": "start",
            "sample_rate": audio.format.sample_rate,
            "encoding": ENCODING,
            "channels": audio.format.channels,
            **({"label": label} if label else {}),
        }
        socket.send(json.dumps(start))
        started = json.loads(socket.recv())
        on_message(started, 0.0)
        if started["type"] != "started":
            return dict(started)
        pace = speed or started["limits"]["max_rate"] * SAFE_SHARE_OF_MAX_RATE
        began = time.monotonic()
        last: dict[str, Any] = {}
        reader = threading.Thread(
            target=_read, args=(socket, began, on_message, last), daemon=True
        )
        reader.start()
        step = audio.format.frames(FRAME_SECONDS) * audio.format.frame_bytes
        try:
            bytes_per_second = audio.format.frame_bytes * audio.format.sample_rate
            for offset in range(0, len(audio.pcm), step):
                frame = audio.pcm[offset : offset + step]
                # As a capture device: a frame leaves once its last sample was heard,
                # so "seconds since the first audio" is the stream's own clock.
                due = began + (offset + len(frame)) / bytes_per_second / pace
                time.sleep(max(0.0, due - time.monotonic()))
                socket.send(frame)
            socket.send(json.dumps({"type": "stop"}))
        except ConnectionClosed:
            pass  # the server ended the stream early: its error says why
        reader.join()
        return last


def _read(
    socket: Any, began: float, on_message: OnMessage, last: dict[str, Any]
) -> None:
    try:
        for frame in socket:
            message = json.loads(frame)
            last.clear()
            last.update(message)
            on_message(message, time.monotonic() - began)
    except ConnectionClosed:
        pass
