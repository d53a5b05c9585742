"""The load and fault scenarios of ``make chaos``; each returns one row of the table.

Imported after Django is set up on the private stack (``bench.chaos``): the
scenarios read detections from its database to time decoding and results.
"""

import io
import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from functools import cache
from functools import partial

import numpy as np
import redis
import soundfile as sf
from django.db import DatabaseError
from django.db import connections

from bench.stack import Answer
from bench.stack import Client
from bench.stack import FinalEvents
from bench.stack import Stack
from detector.models import Detection
from detector.services import requeue_detection

FINAL = (Detection.Status.COMPLETED, Detection.Status.FAILED)
# The requirement: picked up again within two minutes of the service's return.
RECOVERY_LIMIT_SECONDS = 120.0
SENTENCE = "The committee will publish its findings on the river project next spring. "


@dataclass
class Outcome:
    """What one scenario measured; ``record`` is safe to call from many threads."""

    scenario: str
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    duplicated: int = 0
    stuck: int = 0
    recovery_seconds: float | None = None
    notes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, answer: Answer, expected: Collection[int]) -> Answer:
        """Count an answer; an unexpected status, or one that is not JSON, is an error."""
        with self._lock:
            self.requests += 1
            self.latencies.append(answer.seconds)
            if answer.status not in expected or not answer.is_json:
                self.errors += 1
        return answer

    def percentile_ms(self, percent: int) -> float | None:
        if len(self.latencies) < 2:
            return None
        return statistics.quantiles(self.latencies, n=100)[percent - 1] * 1000


@dataclass
class Context:
    """The stack, a logged-in user, and the count of final messages per detection."""

    stack: Stack
    client: Client
    events: FinalEvents

    def upload(self, outcome: Outcome, seconds: float) -> str | None:
        """Upload speech; its request id when accepted."""
        answer = outcome.record(self.client.upload(speech_wav(seconds)), {202})
        return str(answer.body["request_id"]) if answer.status == 202 else None

    def settle(self, outcome: Outcome, request_ids: list[str], timeout: float) -> float:
        """Wait until every detection is final; count lost, duplicated and stuck ones.

        A detection that failed is lost work; one with more than one final
        message was finished twice. Returns the monotonic time the wait ended.
        """
        started = time.monotonic()
        statuses: dict[str, str] = {}
        while time.monotonic() - started < timeout:
            statuses = detection_statuses(request_ids)
            if len(statuses) == len(request_ids) and all(
                status in FINAL for status in statuses.values()
            ):
                break
            time.sleep(0.25)
        ended = time.monotonic()
        time.sleep(2)  # the final messages follow the commit
        outcome.lost += sum(
            statuses.get(request_id) == Detection.Status.FAILED
            for request_id in request_ids
        ) + len(set(request_ids) - statuses.keys())
        outcome.stuck += sum(
            statuses.get(request_id) not in (*FINAL, None) for request_id in request_ids
        )
        outcome.duplicated += sum(
            max(0, self.events.counts[request_id] - 1) for request_id in request_ids
        )
        return ended


def detection_statuses(request_ids: list[str]) -> dict[str, str]:
    """Status per request id; empty while PostgreSQL is unreachable."""
    try:
        rows = Detection.objects.filter(request_id__in=request_ids).values_list(
            "request_id", "status"
        )
        return {str(request_id): status for request_id, status in rows}
    except DatabaseError:
        connections.close_all()
        return {}


@cache
def speech_wav(seconds: float) -> bytes:
    """espeak-ng reading a sentence, repeated or cut to ``seconds``, as a 16 kHz WAV."""
    with tempfile.NamedTemporaryFile(suffix=".wav") as output:
        subprocess.run(
            ["espeak-ng", "-s", "160", "-w", output.name, SENTENCE * 3], check=True
        )
        voice, rate = sf.read(output.name, dtype="float32")
    repeats = int(np.ceil(seconds * rate / voice.size))
    signal_ = np.tile(voice, repeats)[: int(seconds * rate)]
    buffer = io.BytesIO()
    sf.write(buffer, signal_, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def hammer(
    outcome: Outcome,
    callers: int,
    seconds: float,
    call: Callable[[], Answer],
    expected: Collection[int],
) -> None:
    """``callers`` threads repeating ``call`` until ``seconds`` have passed."""
    deadline = time.monotonic() + seconds

    def caller() -> None:
        while time.monotonic() < deadline:
            outcome.record(call(), expected)

    with ThreadPoolExecutor(callers) as pool:
        for _ in range(callers):
            pool.submit(caller)


def uploads(
    context: Context, outcome: Outcome, count: int, seconds: float
) -> list[str]:
    """``count`` uploads from up to eight clients at once; the accepted request ids."""
    with ThreadPoolExecutor(min(count, 8)) as pool:
        accepted = pool.map(lambda _: context.upload(outcome, seconds), range(count))
    return [request_id for request_id in accepted if request_id]


# --- The scenarios


def status_pollers(context: Context) -> Outcome:
    """100 clients poll one detection's status for 30 s."""
    outcome = Outcome("100 status pollers, 30 s")
    setup = Outcome("setup")
    [request_id] = uploads(context, setup, 1, 8.0)
    context.settle(setup, [request_id], timeout=120)
    hammer(outcome, 100, 30.0, lambda: context.client.status(request_id), {200})
    return outcome


def health_flood(context: Context) -> Outcome:
    """200 clients call health for 15 s while five uploads go through."""
    outcome = Outcome("200 health callers + 5 uploads")
    health = Client(context.stack.port)
    flood = threading.Thread(
        target=hammer,
        args=(outcome, 200, 15.0, lambda: health.call("GET", "/api/v1/health"), {200}),
    )
    flood.start()
    time.sleep(1.0)
    work = Outcome("uploads under the flood")
    accepted = uploads(context, work, 5, 8.0)
    context.settle(work, accepted, timeout=180)
    flood.join()
    outcome.errors += work.errors
    outcome.lost, outcome.duplicated, outcome.stuck = (
        work.lost,
        work.duplicated,
        work.stuck,
    )
    outcome.notes.append(
        f"uploads during the flood: {work.requests} answered, {work.errors} errors, "
        f"p99 {work.percentile_ms(99) or 0:.0f} ms"
    )
    return outcome


def upload_burst(context: Context) -> Outcome:
    """40 uploads at once: finalizing must not wait behind decoding."""
    outcome = Outcome("burst of 40 uploads")
    decoded_at: dict[str, float] = {}
    completed_at: dict[str, float] = {}
    accepted: list[str] = []
    started = time.monotonic()
    watching = threading.Event()

    def watch() -> None:
        while not watching.is_set():
            rows = Detection.objects.filter(request_id__in=list(accepted)).values_list(
                "request_id", "chunk_count", "status"
            )
            now = time.monotonic() - started
            for request_id, chunk_count, status in rows:
                if chunk_count is not None:
                    decoded_at.setdefault(str(request_id), now)
                if status in FINAL:
                    completed_at.setdefault(str(request_id), now)
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(context.upload, outcome, 8.0) for _ in range(40)]
        watcher.start()
        for future in futures:
            if request_id := future.result():
                accepted.append(request_id)
    context.settle(outcome, accepted, timeout=600)
    watching.set()
    watcher.join()
    if completed_at and decoded_at:
        first_result = min(completed_at.values())
        last_decode = max(decoded_at.values())
        verdict = "before" if first_result < last_decode else "after"
        outcome.notes.append(
            f"burst: first result at {first_result:.1f} s, {verdict} the last decode "
            f"ended at {last_decode:.1f} s; all 40 final at "
            f"{max(completed_at.values()):.1f} s"
        )
    return outcome


def redis_outage(context: Context) -> Outcome:
    """Redis stopped for 20 s: uploads, login and status keep answering; work resumes."""
    outcome = Outcome("Redis down 20 s")
    setup = Outcome("setup")
    [known] = uploads(context, setup, 1, 4.0)
    context.settle(setup, [known], timeout=120)
    context.stack.redis.stop()
    down_until = time.monotonic() + 20
    accepted = uploads(context, outcome, 5, 8.0)
    while time.monotonic() < down_until:
        outcome.record(context.client.status(known), {200})
        outcome.record(context.client.call("GET", "/api/v1/users/me"), {200})
        outcome.record(Client(context.stack.port).call("GET", "/api/v1/health"), {503})
        time.sleep(1.0)
    outcome.record(context.client.post_json("/api/v1/users/login", USER), {200})
    context.stack.redis.start()
    back = time.monotonic()
    outcome.recovery_seconds = (
        context.settle(outcome, accepted, RECOVERY_LIMIT_SECONDS) - back
    )
    return outcome


def postgres_outage(context: Context) -> Outcome:
    """PostgreSQL stopped for 20 s with runs in flight: clear 503s, then every run ends."""
    outcome = Outcome("PostgreSQL down 20 s")
    # Long enough that scoring is still running when PostgreSQL stops.
    accepted = uploads(context, outcome, 5, 300.0)
    wait_until(lambda: decoded(accepted[:1]), timeout=120)
    connections.close_all()
    context.stack.postgres.stop()
    down_until = time.monotonic() + 20
    while time.monotonic() < down_until:
        outcome.record(context.client.status(accepted[0]), {503})
        outcome.record(Client(context.stack.port).call("GET", "/api/v1/health"), {503})
        time.sleep(1.0)
    context.stack.postgres.start()
    back = time.monotonic()
    outcome.recovery_seconds = (
        context.settle(outcome, accepted, RECOVERY_LIMIT_SECONDS) - back
    )
    return outcome


def role_crashes(context: Context) -> Outcome:
    """The inference, preprocess and web roles killed mid-run: restarted, work finished."""
    outcome = Outcome("roles killed (SIGKILL)")
    accepted = uploads(context, outcome, 5, 30.0)
    wait_until(lambda: decoded(accepted[:1]), timeout=120)
    killed_at = time.monotonic()
    for role in ("inference0", "preprocess", "web"):
        os.kill(context.stack.role_pid(role), signal.SIGKILL)
    web_back = context.stack.wait_for_web(timeout=120)
    outcome.recovery_seconds = context.settle(outcome, accepted, 300) - killed_at
    outcome.notes.append(
        f"crashes: web answered again {web_back:.1f} s after the kill; "
        f"supervisor said: {'; '.join(context.stack.restarts()[-3:])}"
    )
    outcome.notes.extend(unfinished(accepted))
    return outcome


def requeue_race(context: Context) -> Outcome:
    """Re-queue six long runs at different moments: one final result each, no keys left."""
    outcome = Outcome("re-queue mid-run x6")
    accepted = uploads(context, outcome, 6, 240.0)
    requeued = 0
    for request_id, delay in zip(accepted, REQUEUE_DELAYS, strict=False):
        wait_until(partial(started, request_id), timeout=300)
        time.sleep(delay)
        requeued += requeue_detection(Detection.objects.get(request_id=request_id))
    context.settle(outcome, accepted, timeout=600)
    store = redis.Redis.from_url(context.stack.redis.url)
    left = [key for request_id in accepted for key in store.keys(f"*{request_id}*")]
    outcome.notes.append(
        f"re-queue: {requeued} of {len(accepted)} runs re-queued while processing; "
        f"{len(left)} chunk keys left afterwards"
    )
    outcome.errors += len(left)
    return outcome


USER = {"username": "chaos", "password": "a long chaos passphrase 42"}
SCENARIOS: tuple[Callable[[Context], Outcome], ...] = (
    status_pollers,
    health_flood,
    upload_burst,
    redis_outage,
    postgres_outage,
    role_crashes,
    requeue_race,
)


# After a run starts: while decoding, between decode and scoring, mid-scoring.
REQUEUE_DELAYS = (0.0, 0.3, 1.0, 2.0, 3.0, 5.0)


def started(request_id: str) -> bool:
    """Past pending: processing, or already final (too late to re-queue)."""
    return (
        Detection.objects.filter(request_id=request_id)
        .exclude(status=Detection.Status.PENDING)
        .exists()
    )


def unfinished(request_ids: list[str]) -> list[str]:
    """A line per detection that is not final yet: where it stopped."""
    rows = Detection.objects.filter(request_id__in=request_ids).exclude(
        status__in=FINAL
    )
    return [
        f"not final: {row.request_id} {row.status}, run {row.generation}, "
        f"{row.chunk_count} chunks planned, attempts {row.attempts}"
        for row in rows
    ]


def decoded(request_ids: list[str]) -> bool:
    return not Detection.objects.filter(
        request_id__in=request_ids, chunk_count__isnull=True
    ).exists()


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{condition} not within {timeout:.0f} s")
        time.sleep(0.2)
