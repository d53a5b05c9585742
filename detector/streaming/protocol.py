"""The live stream protocol: the client's messages, the server's, and how a stream ends early."""

import json
from dataclasses import dataclass
from typing import Any
from typing import Literal
from typing import TypedDict
from typing import TypeGuard

ENCODING = "pcm_s16le"
MIN_SAMPLE_RATE = 8_000
MAX_SAMPLE_RATE = 48_000
CHANNELS = (1, 2)
BYTES_PER_SAMPLE = 2
MAX_LABEL_LENGTH = 255
DEFAULT_LABEL = "Live stream"

CLOSE_NORMAL = 1000
CLOSE_UNAUTHORIZED = 4401
# Each error code with its close code: the table in docs/streaming.md.
CLOSE_CODES = {
    "bad_start": 4400,
    "forbidden": 4403,
    "idle_timeout": 4408,
    "too_many_streams": 4409,
    "too_long": 4413,
    "frame_too_large": 4414,
    "unsupported_format": 4415,
    "failed": 4422,
    "too_fast": 4429,
    "server_busy": 4503,
    "internal_error": 1011,
}
ErrorCode = Literal[
    "bad_start",
    "forbidden",
    "idle_timeout",
    "too_many_streams",
    "too_long",
    "frame_too_large",
    "unsupported_format",
    "failed",
    "too_fast",
    "server_busy",
    "internal_error",
]


class StreamError(Exception):
    """Ends a stream: the client gets ``error`` with this code and sentence, then the close code."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message

    @property
    def close_code(self) -> int:
        return CLOSE_CODES[self.code]


@dataclass(frozen=True)
class StreamFormat:
    """The PCM the client announced: 16-bit little-endian, interleaved channels."""

    sample_rate: int
    channels: int

    @property
    def frame_bytes(self) -> int:
        return self.channels * BYTES_PER_SAMPLE

    def frames(self, seconds: float) -> int:
        return round(seconds * self.sample_rate)


@dataclass(frozen=True)
class Start:
    format: StreamFormat
    label: str


def parse_message(text: str) -> dict[str, Any]:
    """A text frame as a JSON object with a string ``type``."""
    try:
        message = json.loads(text)
    except ValueError:
        raise StreamError("bad_start", "Text messages must be JSON objects.") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise StreamError("bad_start", 'Every message needs a "type".')
    return message


def parse_start(message: dict[str, Any]) -> Start:
    """The stream's format and label from a ``start`` message."""
    if message["type"] != "start":
        raise StreamError("bad_start", 'The first message must be {"type": "start"}.')
    sample_rate, channels = message.get("sample_rate"), message.get("channels")
    encoding, label = message.get("encoding"), message.get("label", DEFAULT_LABEL)
    if (
        not _is_int(sample_rate)
        or not _is_int(channels)
        or not isinstance(encoding, str)
    ):
        raise StreamError(
            "bad_start",
            '"start" needs an integer "sample_rate", a string "encoding" '
            'and an integer "channels".',
        )
    if not isinstance(label, str) or len(label) > MAX_LABEL_LENGTH:
        raise StreamError(
            "bad_start",
            f'"label" must be text of at most {MAX_LABEL_LENGTH} characters.',
        )
    if encoding != ENCODING:
        raise StreamError(
            "unsupported_format",
            f'Only "{ENCODING}" audio is supported, not "{encoding[:40]}".',
        )
    if not MIN_SAMPLE_RATE <= sample_rate <= MAX_SAMPLE_RATE:
        raise StreamError(
            "unsupported_format",
            f"The sample rate must be {MIN_SAMPLE_RATE} to {MAX_SAMPLE_RATE} Hz.",
        )
    if channels not in CHANNELS:
        raise StreamError("unsupported_format", "The audio must have 1 or 2 channels.")
    return Start(StreamFormat(sample_rate, channels), label.strip() or DEFAULT_LABEL)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


# --- The server's messages


class Limits(TypedDict):
    max_seconds: int
    max_frame_bytes: int
    max_rate: float
    idle_seconds: float


class StartedMessage(TypedDict):
    type: Literal["started"]
    request_id: str
    window: float
    hop: float
    limits: Limits


class WindowMessage(TypedDict):
    type: Literal["window"]
    start: float
    end: float
    score: float
    speech: bool
    speech_ratio: float
    provisional: bool


class ErrorMessage(TypedDict):
    type: Literal["error"]
    code: ErrorCode
    message: str


def error_message(error: StreamError) -> ErrorMessage:
    return ErrorMessage(type="error", code=error.code, message=error.message)
