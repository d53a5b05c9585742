"""The received audio as a timeline: which windows are due, and their bytes.

Windows end on every hop (1 s) of audio and reach back one window (4 s), or
to the first sample: ``[0,1) [0,2) [0,3) [0,4) [1,5) [2,6) ...``. Only the
last window's bytes are kept, whatever the size of the client's frames.
"""

from dataclasses import dataclass

from detector.streaming.protocol import StreamError
from detector.streaming.protocol import StreamFormat


@dataclass(frozen=True)
class Window:
    start_frame: int
    end_frame: int
    sample_rate: int
    full_frames: int  # a window's length; shorter ones are provisional

    @property
    def start(self) -> float:
        return self.start_frame / self.sample_rate

    @property
    def end(self) -> float:
        return self.end_frame / self.sample_rate

    @property
    def provisional(self) -> bool:
        return self.end_frame - self.start_frame < self.full_frames


class Timeline:
    """Counts the client's audio and cuts the windows it completes."""

    def __init__(
        self,
        stream_format: StreamFormat,
        *,
        window_seconds: float,
        hop_seconds: float,
        max_seconds: float,
    ) -> None:
        self.format = stream_format
        self.window_frames = stream_format.frames(window_seconds)
        self.hop_frames = stream_format.frames(hop_seconds)
        self.max_frames = stream_format.frames(max_seconds)
        self.max_seconds = max_seconds
        self.frames = 0  # whole frames received
        self._partial = b""  # a frame split between two messages
        self._tail = bytearray()  # the last window_frames frames at most
        self._tail_start = 0  # the frame _tail begins with

    @property
    def seconds(self) -> float:
        return self.frames / self.format.sample_rate

    def append(self, data: bytes) -> tuple[bytes, list[tuple[Window, bytes]]]:
        """Take a message's bytes; return the whole frames and the windows they complete."""
        data = self._partial + data
        whole = len(data) - len(data) % self.format.frame_bytes
        data, self._partial = data[:whole], data[whole:]
        added = whole // self.format.frame_bytes
        if self.frames + added > self.max_frames:
            raise StreamError(
                "too_long",
                f"The stream reached the {self.max_seconds:g}-second limit.",
            )
        before, self.frames = self.frames, self.frames + added
        self._tail += data
        first_hop = before // self.hop_frames + 1
        due = [
            self._cut(hop * self.hop_frames)
            for hop in range(first_hop, self.frames // self.hop_frames + 1)
        ]
        drop = max(0, self.frames - self.window_frames - self._tail_start)
        del self._tail[: drop * self.format.frame_bytes]
        self._tail_start += drop
        return data, due

    def _cut(self, end_frame: int) -> tuple[Window, bytes]:
        start_frame = max(0, end_frame - self.window_frames)
        size = self.format.frame_bytes
        window = Window(
            start_frame, end_frame, self.format.sample_rate, self.window_frames
        )
        offset = (start_frame - self._tail_start) * size
        return window, bytes(
            self._tail[offset : offset + (end_frame - start_frame) * size]
        )
