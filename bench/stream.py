"""Live stream latency on a private local stack: window delays and the first result.

Run with ``make bench-stream`` (about 3 minutes, loopback only). It starts
PostgreSQL, Redis and ``manage.py serve`` as ``bench.chaos`` does, with the
default model, and streams recordings (the self-test clips, end to end) at
real time: first one stream, then four at once. For every ``window``
message it measures the delay from the moment the window's last sample was
captured to the message's arrival, and, per stream, when the first
provisional result came after the first second of audio.
"""

import os
import statistics
import sys
import threading
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from bench.stack import Client
from bench.stack import private_stack

CLIPS = Path(__file__).resolve().parents[1] / "inference" / "selftest_clips"
STREAM_SECONDS = 30.0
CONCURRENCY = (1, 4)
USER = {"username": "streamer", "password": "a long streaming passphrase 42"}


@dataclass
class Run:
    """What the streams of one round received."""

    delays: list[float] = field(default_factory=list)  # seconds per window
    first_results: list[float] = field(default_factory=list)  # after 1 s of audio
    skipped: int = 0  # one window per second of audio, minus those received
    failures: list[str] = field(default_factory=list)


def recording(offset: int) -> Any:
    """The clips end to end, from the ``offset``-th, looped to STREAM_SECONDS of 16 kHz mono."""
    from detector.streaming.client import Audio
    from detector.streaming.client import read_audio
    from detector.streaming.protocol import StreamFormat

    clips = sorted(CLIPS.glob("*.flac"))
    pieces = [
        read_audio(clips[(offset + i) % len(clips)]).pcm for i in range(len(clips))
    ]
    loop = b"".join(pieces)
    wanted = int(STREAM_SECONDS) * 16_000 * 2
    return Audio(StreamFormat(16_000, 1), (loop * (wanted // len(loop) + 1))[:wanted])


def stream_once(
    url: str, token: str, audio: Any, run: Run, lock: threading.Lock
) -> None:
    from detector.streaming.client import stream_audio

    delays: list[float] = []
    first: list[float] = []

    def on_message(message: dict[str, Any], elapsed: float) -> None:
        if message["type"] == "window":
            delays.append(elapsed - message["end"])
            if not first:
                first.append(elapsed - 1.0)

    last = stream_audio(url, token, audio, on_message=on_message, speed=1.0)
    with lock:
        run.delays += delays
        run.first_results += first
        run.skipped += int(audio.seconds) - len(delays)
        if last.get("type") != "final":
            run.failures.append(str(last))


def measure(url: str, token: str, streams: int) -> Run:
    run, lock = Run(), threading.Lock()
    threads = [
        threading.Thread(
            target=stream_once, args=(url, token, recording(number), run, lock)
        )
        for number in range(streams)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return run


def percentile(values: list[float], share: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def main() -> int:
    # Four streams of one user at once; everything else as `make run` serves it.
    os.environ["DETECTOR_STREAM_MAX_PER_USER"] = str(max(CONCURRENCY))
    with private_stack() as stack:
        anonymous = Client(stack.port)
        anonymous.post_json(
            "/api/v1/users/register", {**USER, "email": "streamer@example.com"}
        )
        token = anonymous.post_json("/api/v1/users/login", USER).body["access"]
        url = f"ws://127.0.0.1:{stack.port}"
        print("warming up: the worker loads the model on its first window", flush=True)
        measure(url, token, 1)
        runs = {}
        for streams in CONCURRENCY:
            print(
                f"streaming {streams} x {STREAM_SECONDS:.0f} s at real time", flush=True
            )
            runs[streams] = measure(url, token, streams)
        stack.stop_serving()
    print(
        f"{'streams':>7}  {'windows':>7}  {'skipped':>7}  {'p50 ms':>7}  "
        f"{'p95 ms':>7}  {'p99 ms':>7}  {'first result s (max)':>20}"
    )
    for streams, run in runs.items():
        print(
            f"{streams:>7}  {len(run.delays):>7}  {run.skipped:>7}  "
            f"{percentile(run.delays, 50) * 1000:>7.0f}  "
            f"{percentile(run.delays, 95) * 1000:>7.0f}  "
            f"{percentile(run.delays, 99) * 1000:>7.0f}  "
            f"{max(run.first_results, default=float('nan')):>20.2f}"
        )
    print(
        "- delay: from the capture of a window's last sample to its message; "
        "first result: after the first second of audio (targets: p95 < 1000 ms "
        "with 4 streams, first result < 1.5 s)"
    )
    failures = [failure for run in runs.values() for failure in run.failures]
    for failure in failures:
        print(f"- a stream did not end with final: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
