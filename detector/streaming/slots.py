"""Open streams counted in Redis, per user and in all, so every web process sees the same limits.

Each open stream is a member of two sorted sets scored by its expiry time; a
stream renews its expiry while it runs, and expired members are dropped before
every count, so the slots of a web process that crashed free themselves.
"""

import time

from django.conf import settings
from redis.asyncio import Redis

from detector.streaming.protocol import StreamError

ALL_STREAMS_KEY = "streams:open"

# Drop the expired, then check both limits and take both slots in one step:
# two streams racing for the last slot cannot both get it.
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 2 end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[2], ARGV[3])
  redis.call('EXPIRE', key, ARGV[6])
end
return 0
"""
_USER_FULL, _ALL_FULL = 1, 2


def user_streams_key(user_id: int) -> str:
    return f"streams:open:user:{user_id}"


class StreamSlots:
    """The slot one stream holds: acquired once, renewed while it runs, released at its end."""

    def __init__(self, redis: Redis, user_id: int, member: str) -> None:
        self.redis = redis
        self.keys = (ALL_STREAMS_KEY, user_streams_key(user_id))
        self.member = member

    async def acquire(self) -> None:
        ttl = settings.DETECTOR_STREAM_SLOT_TTL_SECONDS
        now = time.time()
        outcome = await self.redis.eval(
            _ACQUIRE,
            len(self.keys),
            *self.keys,
            now,
            now + ttl,
            self.member,
            settings.DETECTOR_STREAM_MAX_TOTAL,
            settings.DETECTOR_STREAM_MAX_PER_USER,
            ttl,
        )
        if outcome == _USER_FULL:
            raise StreamError(
                "too_many_streams",
                f"You already have {settings.DETECTOR_STREAM_MAX_PER_USER} live "
                "streams open; end one first.",
            )
        if outcome == _ALL_FULL:
            raise StreamError(
                "server_busy",
                "The server is at its limit of live streams; try again shortly.",
            )

    async def renew(self) -> None:
        expires = time.time() + settings.DETECTOR_STREAM_SLOT_TTL_SECONDS
        pipe = self.redis.pipeline(transaction=False)
        for key in self.keys:
            pipe.zadd(key, {self.member: expires}, xx=True)
        await pipe.execute()

    async def release(self) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for key in self.keys:
            pipe.zrem(key, self.member)
        await pipe.execute()
