"""The webhooks worker's Prometheus metrics, served by the worker's own ``/metrics``."""

from prometheus_client import Counter
from prometheus_client import Histogram

# An attempt's result: the answer's status class, 410 on its own (it disables
# the endpoint), or no answer at all (refused address, timeout, connection).
GONE = "410"
NO_ANSWER = "error"
RESULTS = ("2xx", "3xx", "4xx", "5xx", GONE, NO_ANSWER)
FINAL_STATUSES = ("succeeded", "failed", "abandoned")

ATTEMPTS = Counter(
    "detector_webhook_attempts",
    "Webhook delivery attempts by result: 2xx, 3xx, 4xx, 5xx, 410, or error "
    "(no answer: refused address, timeout, connection).",
    ["result"],
)
ATTEMPT_DURATION = Histogram(
    "detector_webhook_attempt_duration_seconds",
    "How long one webhook attempt took, from connecting to the receiver's answer.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15),
)
DELIVERIES_FINISHED = Counter(
    "detector_webhook_deliveries_finished",
    "Webhook deliveries that reached a final state: succeeded, failed (retries "
    "spent or 410) or abandoned (their endpoint was disabled).",
    ["status"],
)

for _result in RESULTS:
    ATTEMPTS.labels(result=_result)
for _status in FINAL_STATUSES:
    DELIVERIES_FINISHED.labels(status=_status)


def result_of(status_code: int | None) -> str:
    if status_code is None:
        return NO_ANSWER
    if status_code == 410:
        return GONE
    return f"{status_code // 100}xx"


def record_attempt(status_code: int | None, seconds: float) -> None:
    ATTEMPTS.labels(result=result_of(status_code)).inc()
    ATTEMPT_DURATION.observe(seconds)


def record_finished(status: str, count: int = 1) -> None:
    if count:
        DELIVERIES_FINISHED.labels(status=status).inc(count)
