"""Decoding untrusted uploads to 16 kHz mono PCM16 in a limited ffmpeg child."""

import json
import logging
import math
import os
import resource
import selectors
import shutil
import subprocess
import time
from collections.abc import Generator
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from typing import NamedTuple
from typing import cast

from inference.chunking import BYTES_PER_SAMPLE
from inference.chunking import SAMPLE_RATE

logger = logging.getLogger(__name__)

FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"

# Demuxers for the containers the upload sniffer admits; ffmpeg's other few
# hundred (hls, concat, image2, ...) are attack surface we never need.
ALLOWED_FORMATS = "wav,flac,mp3,ogg,mov,matroska"

DAMAGED_MESSAGE = (
    "The file could not be decoded as audio: it is damaged or not really an audio file."
)
NO_STREAM_MESSAGE = "The file has no audio stream."
NO_SAMPLES_MESSAGE = "The file contains no audio samples."
LIMITS_MESSAGE = (
    "The decoder crashed or ran out of its memory/time limits while reading this file."
)

_READ_BYTES = 64 * 1024
_PROBE_MAX_BYTES = 64 * 1024
_STDERR_TAIL_BYTES = 4096
# Probe and decode share one wall-clock budget; a child that has waited twice
# its CPU budget is stuck, not busy.
_WALL_CLOCK_FACTOR = 2
# The dynamic loader's exit status when it cannot map ffmpeg's libraries,
# which is what an address-space limit below ffmpeg's own footprint causes.
_LOADER_FAILED = 127
# ffmpeg catches SIGXCPU (the CPU limit) and exits with this status.
_FFMPEG_SIGNALLED = 255
_OUT_OF_MEMORY_ERRORS = ("Cannot allocate memory", "Resource temporarily unavailable")


class AudioDecodeError(ValueError):
    """The upload cannot be turned into audio; the message is for the user."""


class AudioTooLongError(AudioDecodeError):
    """The upload decodes to more audio than the duration limit allows."""


@dataclass(frozen=True)
class DecodedAudio:
    pcm: bytes  # 16 kHz mono signed 16-bit little-endian
    source_sample_rate: int
    source_channels: int

    @property
    def sample_count(self) -> int:
        return len(self.pcm) // BYTES_PER_SAMPLE

    @property
    def duration_seconds(self) -> float:
        return self.sample_count / SAMPLE_RATE


@dataclass(frozen=True)
class PcmStream:
    """A recording being decoded: its source's facts, then its 16 kHz mono PCM16."""

    source_sample_rate: int
    source_channels: int
    # Blocks of the requested size but the last; a fault found late in the
    # file (damage, the duration limit) is raised after the blocks before it.
    blocks: Iterator[bytes]


@dataclass(frozen=True)
class _Limits:
    cpu_seconds: int
    memory_bytes: int
    deadline: float  # time.monotonic()

    def apply(self) -> None:
        """Set the child's rlimits between fork and exec."""
        resource.setrlimit(
            resource.RLIMIT_CPU, (self.cpu_seconds, self.cpu_seconds + 1)
        )
        resource.setrlimit(resource.RLIMIT_AS, (self.memory_bytes, self.memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # Output only ever goes to a pipe, so an exploited decoder writes no files.
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


class _Output(NamedTuple):
    stderr: bytes  # the tail, for operators only
    overflowed: bool = False
    timed_out: bool = False


@dataclass(frozen=True)
class _ChildResult:
    stderr: str
    returncode: int
    overflowed: bool
    timed_out: bool


def decode_to_pcm16(
    path: Path, *, max_seconds: float, cpu_seconds: int, memory_bytes: int
) -> DecodedAudio:
    """Decode the first audio stream of ``path`` to 16 kHz mono PCM16."""
    stream = stream_pcm16(
        path,
        block_bytes=_READ_BYTES,
        max_seconds=max_seconds,
        cpu_seconds=cpu_seconds,
        memory_bytes=memory_bytes,
    )
    pcm = b"".join(stream.blocks)
    return DecodedAudio(pcm, stream.source_sample_rate, stream.source_channels)


def stream_pcm16(
    path: Path,
    *,
    block_bytes: int,
    max_seconds: float,
    cpu_seconds: int,
    memory_bytes: int,
) -> PcmStream:
    """Decode ``path`` block by block, so a long recording is never whole in memory."""
    deadline = time.monotonic() + cpu_seconds * _WALL_CLOCK_FACTOR
    limits = _Limits(cpu_seconds, memory_bytes, deadline)
    sample_rate, channels = _probe(path, limits)
    blocks = _decode(path, max_seconds, limits, block_bytes)
    return PcmStream(sample_rate, channels, blocks)


def _probe(path: Path, limits: _Limits) -> tuple[int, int]:
    """The sample rate and channel count of the first audio stream."""
    command = [
        _executable(FFPROBE),
        *("-v", "error", "-hide_banner"),
        *("-protocol_whitelist", "file", "-format_whitelist", ALLOWED_FORMATS),
        *("-select_streams", "a:0", "-show_entries", "stream=sample_rate,channels"),
        *("-of", "json", _input_url(path)),
    ]
    run = _LimitedRun(command, limits, max_stdout_bytes=_PROBE_MAX_BYTES)
    stdout = b"".join(run.stdout())
    _check_exit(run.result(), path, "ffprobe")
    return _stream_facts(stdout)


def _stream_facts(probe_json: bytes) -> tuple[int, int]:
    """The sample rate and channel count from ffprobe's JSON."""
    try:
        streams = json.loads(probe_json)["streams"]
    except (ValueError, KeyError, TypeError) as error:
        raise AudioDecodeError(DAMAGED_MESSAGE) from error
    if not streams:
        raise AudioDecodeError(NO_STREAM_MESSAGE)
    try:
        sample_rate = int(streams[0]["sample_rate"])
        channels = int(streams[0]["channels"])
    except (KeyError, TypeError, ValueError) as error:
        raise AudioDecodeError(DAMAGED_MESSAGE) from error
    if sample_rate <= 0 or channels <= 0:
        raise AudioDecodeError(DAMAGED_MESSAGE)
    return sample_rate, channels


def _decode(
    path: Path, max_seconds: float, limits: _Limits, block_bytes: int
) -> Iterator[bytes]:
    """The PCM16 in blocks, refused as soon as it exceeds ``max_seconds``."""
    max_samples = math.floor(max_seconds * SAMPLE_RATE)
    command = [
        _executable(FFMPEG),
        *("-nostdin", "-hide_banner", "-loglevel", "error"),
        *("-protocol_whitelist", "file", "-format_whitelist", ALLOWED_FORMATS),
        # One decoder thread: audio gains little from more, and each extra
        # thread's stack counts against the address-space limit.
        *("-threads", "1", "-i", _input_url(path)),
        *("-map", "0:a:0", "-vn", "-sn", "-dn", "-t", f"{max_seconds + 1:.3f}"),
        *("-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(SAMPLE_RATE)),
        "pipe:1",
    ]
    run = _LimitedRun(command, limits, max_stdout_bytes=max_samples * BYTES_PER_SAMPLE)
    pending = bytearray()
    handed_out = False
    with closing(run.stdout()) as stdout:  # a consumer that stops kills the child
        for block in stdout:
            pending += block
            while len(pending) >= block_bytes:
                yield bytes(pending[:block_bytes])
                del pending[:block_bytes]
                handed_out = True
    result = run.result()
    if result.overflowed:
        raise AudioTooLongError(
            f"The recording is longer than the {max_seconds:g}-second limit."
        )
    _check_exit(result, path, "ffmpeg")
    del pending[len(pending) // BYTES_PER_SAMPLE * BYTES_PER_SAMPLE :]
    if pending:
        yield bytes(pending)
    elif not handed_out:
        raise AudioDecodeError(NO_SAMPLES_MESSAGE)


def _check_exit(result: _ChildResult, path: Path, tool: str) -> None:
    """Raise the user's message for a child that did not finish cleanly."""
    if result.overflowed:
        logger.warning("%s printed too much for %s", tool, path.name)
        raise AudioDecodeError(DAMAGED_MESSAGE)
    if _hit_limits(result):
        logger.warning(
            "%s crashed or hit its limits on %s (exit %s, timed out %s): %s",
            tool,
            path.name,
            result.returncode,
            result.timed_out,
            result.stderr,
        )
        raise AudioDecodeError(LIMITS_MESSAGE)
    if result.returncode != 0:
        logger.info(
            "%s rejected %s (exit %s): %s",
            tool,
            path.name,
            result.returncode,
            result.stderr,
        )
        raise AudioDecodeError(DAMAGED_MESSAGE)
    if result.stderr:
        logger.info("%s complained about %s: %s", tool, path.name, result.stderr)


def _hit_limits(result: _ChildResult) -> bool:
    """Whether the child died of a signal, a timeout or its memory limit."""
    return (
        result.timed_out
        or result.returncode < 0
        or result.returncode in {_LOADER_FAILED, _FFMPEG_SIGNALLED}
        or any(error in result.stderr for error in _OUT_OF_MEMORY_ERRORS)
    )


class _LimitedRun:
    """``command`` under the limits, its stdout read as it comes."""

    def __init__(
        self, command: list[str], limits: _Limits, *, max_stdout_bytes: int
    ) -> None:
        self.command = command
        self.limits = limits
        self.max_stdout_bytes = max_stdout_bytes
        self._result: _ChildResult | None = None

    def stdout(self) -> Generator[bytes]:
        """stdout's blocks, until exit, overflow or the deadline; then ``result()``."""
        with subprocess.Popen(  # noqa: S603 - a fixed argv, never a shell
            self.command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=self.limits.apply,
            env={**os.environ, "LC_ALL": "C"},  # English errors for _hit_limits
        ) as child:
            try:
                output = yield from _communicate(
                    child, self.max_stdout_bytes, self.limits.deadline
                )
            finally:
                if child.poll() is None:  # overflowed, timed out or interrupted
                    child.kill()
            returncode = child.wait()
        self._result = _ChildResult(
            stderr=output.stderr.decode(errors="replace").strip(),
            returncode=returncode,
            overflowed=output.overflowed,
            timed_out=output.timed_out,
        )

    def result(self) -> _ChildResult:
        if self._result is None:
            raise RuntimeError("the child's output was not read to its end")
        return self._result


def _communicate(
    child: subprocess.Popen[bytes], max_stdout_bytes: int, deadline: float
) -> Generator[bytes, None, _Output]:
    """Yield stdout and keep stderr's tail until exit, overflow or the deadline."""
    stdout_pipe = cast("IO[bytes]", child.stdout)
    received, stderr = 0, bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(stdout_pipe, selectors.EVENT_READ)
        selector.register(cast("IO[bytes]", child.stderr), selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return _Output(bytes(stderr), timed_out=True)
            for key, _ in selector.select(remaining):
                block = os.read(key.fd, _READ_BYTES)
                if not block:
                    selector.unregister(key.fileobj)
                elif key.fileobj is stdout_pipe:
                    received += len(block)
                    if received > max_stdout_bytes:
                        return _Output(bytes(stderr), overflowed=True)
                    handed_at = time.monotonic()
                    yield block
                    # The consumer's time is not the child's: it waited on the pipe.
                    deadline += time.monotonic() - handed_at
                else:
                    stderr = (stderr + block)[-_STDERR_TAIL_BYTES:]
    try:
        child.wait(timeout=max(deadline - time.monotonic(), 0.0))
    except subprocess.TimeoutExpired:
        return _Output(bytes(stderr), timed_out=True)
    return _Output(bytes(stderr))


def _input_url(path: Path) -> str:
    """An explicit file: URL, so no name is read as an option or a protocol."""
    return f"file:{path.resolve()}"


def _executable(name: str) -> str:
    """The full path of a decoder binary on this worker."""
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed on this worker")
    return found
