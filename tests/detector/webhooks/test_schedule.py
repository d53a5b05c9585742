"""The retry schedule: Standard Webhooks' waits with jitter, and Retry-After within bounds."""

from datetime import UTC
from datetime import datetime

import pytest

from detector.webhooks.schedule import JITTER
from detector.webhooks.schedule import parse_retry_after
from detector.webhooks.schedule import retry_delay

SPEC = [5, 300, 1800, 7200, 18000, 36000, 36000]
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("failed", "nominal"), list(enumerate(SPEC, start=1)))
def test_retry_delay_follows_the_spec_with_jitter(failed: int, nominal: int) -> None:
    """After the n-th failure the wait is the spec's n-th step, give or take the jitter."""
    delays = {retry_delay(failed, SPEC) for _ in range(50)}
    assert all(nominal * (1 - JITTER) <= d <= nominal * (1 + JITTER) for d in delays)  # type: ignore[operator]
    assert len(delays) > 1  # jittered, not fixed


def test_retry_delay_ends_after_the_last_step() -> None:
    """Eight attempts in all (about a day), then no more."""
    assert retry_delay(len(SPEC) + 1, SPEC) is None
    assert sum(SPEC) / 3600 == pytest.approx(27.6, abs=0.1)


def test_retry_after_lengthens_but_never_shortens_and_is_capped() -> None:
    """Retry-After is a minimum wait; a huge one is cut to the cap."""
    assert retry_delay(1, SPEC, retry_after=120, max_retry_after=3600) == 120
    assert retry_delay(1, SPEC, retry_after=10**9, max_retry_after=3600) == 3600
    shortened = retry_delay(2, SPEC, retry_after=0, max_retry_after=3600)
    assert shortened is not None and shortened >= 300 * (1 - JITTER)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Thu, 01 Jan 2026 12:01:30 GMT", 90.0),
        ("Thu, 01 Jan 2026 11:00:00 GMT", 0.0),
        ("soon", None),
        ("-5", None),
        ("\u00b2", None),  # a Unicode digit is not a number of seconds
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after_reads_seconds_and_dates(
    header: str | None, seconds: float | None
) -> None:
    """Delta-seconds and HTTP dates are read; anything else is ignored."""
    assert parse_retry_after(header, NOW) == seconds
