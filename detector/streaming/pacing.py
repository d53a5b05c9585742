"""How fast the client sends audio: never above a multiple of real time, never far behind it."""

from collections import deque

from detector.streaming.protocol import StreamError


class Pacing:
    """Audio seconds received against wall-clock seconds (``time.monotonic()``)."""

    def __init__(
        self,
        *,
        started_at: float,
        max_rate: float,
        rate_window_seconds: float,
        idle_seconds: float,
    ) -> None:
        self.started_at = started_at
        self.max_rate = max_rate
        self.rate_window = rate_window_seconds
        self.idle_seconds = idle_seconds
        self._received: deque[tuple[float, float]] = deque()  # (when, audio seconds)
        self._recent = 0.0  # audio seconds within the rate window

    def receive(self, now: float, seconds: float) -> None:
        """Count ``seconds`` of audio arriving at ``now``; refuse more than the rate allows."""
        self._received.append((now, seconds))
        self._recent += seconds
        while self._received and self._received[0][0] <= now - self.rate_window:
            self._recent -= self._received.popleft()[1]
        # The allowance is the rate times the window, so a client may send up
        # to that much at once (a buffered start) but not keep it up.
        if self._recent > self.max_rate * self.rate_window:
            raise StreamError(
                "too_fast",
                f"Audio arrived faster than {self.max_rate:g} times real time; "
                "send it as it is captured.",
            )

    def check_behind(self, now: float, audio_seconds: float) -> None:
        """Refuse a client whose audio fell too far behind the clock: gone silent, or too slow."""
        if now - self.started_at - audio_seconds > self.idle_seconds:
            raise StreamError(
                "idle_timeout",
                f"No audio arrived for {self.idle_seconds:g} seconds "
                "(or it came much slower than real time).",
            )
