"""Rate limits that let requests through while their store, Redis, is down."""

import logging
from typing import Any

from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)


class FailOpenScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle; an unreachable Redis skips the limit instead of a 500.

    Failing closed would turn a Redis outage into a login and upload outage,
    while the broker outage is already absorbed (the sweeper enqueues later).
    """

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except (ConnectionInterrupted, RedisError) as error:
            logger.warning(
                "rate limit %r not applied, Redis unreachable: %s", self.scope, error
            )
            return True
