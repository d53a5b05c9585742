"""The live stream socket's Prometheus metrics, served by the web process's ``/metrics``."""

from prometheus_client import Counter
from prometheus_client import Gauge
from prometheus_client import Histogram

from detector.streaming.protocol import CLOSE_CODES

# How a stream socket ended besides its error codes: a final result, the
# client closing first, a logout or revoked key, Redis gone.
FINAL = "final"
CLIENT_LEFT = "client_left"
REVOKED = "revoked"
REDIS_UNAVAILABLE = "redis_unavailable"
OUTCOMES = (FINAL, CLIENT_LEFT, REVOKED, REDIS_UNAVAILABLE, *CLOSE_CODES)

# A window is scored, replaced by a newer one while the workers lag, or given
# up unscored after its deadline.
SCORED = "scored"
SKIPPED = "skipped"
EXPIRED = "expired"
FATES = (SCORED, SKIPPED, EXPIRED)

STREAMS_ACTIVE = Gauge(
    "detector_streams_active",
    "Live streams started and not yet closed on this web process.",
    multiprocess_mode="livesum",
)
STREAMS_ENDED = Counter(
    "detector_streams_ended",
    "Live stream sockets that closed, by outcome (final, client_left, revoked, "
    "redis_unavailable, or the error code they were refused with).",
    ["outcome"],
)
WINDOWS = Counter(
    "detector_stream_windows",
    "Live stream windows by fate: scored, skipped while workers lag, or expired.",
    ["fate"],
)
WINDOW_LATENCY = Histogram(
    "detector_stream_window_latency_seconds",
    "From a live window being queued to its score reaching the stream's socket.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10),
)

# Every label set from the start, so the first event is an increase too.
for _outcome in OUTCOMES:
    STREAMS_ENDED.labels(outcome=_outcome)
for _fate in FATES:
    WINDOWS.labels(fate=_fate)


def stream_started() -> None:
    STREAMS_ACTIVE.inc()


def socket_closed(outcome: str, *, was_streaming: bool) -> None:
    STREAMS_ENDED.labels(outcome=outcome).inc()
    if was_streaming:
        STREAMS_ACTIVE.dec()


def windows_lost(fate: str, count: int = 1) -> None:
    if count:
        WINDOWS.labels(fate=fate).inc(count)


def window_scored(seconds_since_queued: float | None) -> None:
    WINDOWS.labels(fate=SCORED).inc()
    if seconds_since_queued is not None:
        WINDOW_LATENCY.observe(seconds_since_queued)
