"""When a failed delivery is tried again: the Standard Webhooks schedule, jitter, Retry-After.

Pure functions of their arguments (and a random draw), so the schedule is
tested without waiting for it.
"""

import random
from datetime import datetime
from email.utils import parsedate_to_datetime

# Share of each delay drawn at random either way, so deliveries that failed
# together (a receiver's outage) do not all come back in the same second.
JITTER = 0.1


def retry_delay(
    failed_attempts: int,
    schedule: list[float],
    retry_after: float | None = None,
    max_retry_after: float = 0.0,
) -> float | None:
    """Seconds until the next attempt after ``failed_attempts`` failures; None when done.

    ``schedule[n]`` is the wait after the (n + 1)-th failure. A receiver's
    ``Retry-After`` can only lengthen that wait, and at most to
    ``max_retry_after``, so neither a hostile nor a confused receiver can make
    us hammer it or give up on it.
    """
    if failed_attempts > len(schedule):
        return None
    delay = schedule[failed_attempts - 1] * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 - jitter, not a secret
    if retry_after is not None:
        delay = max(delay, min(retry_after, max_retry_after))
    return delay


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())
