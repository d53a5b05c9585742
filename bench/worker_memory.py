"""Peak memory of the preprocess worker's work as uploads grow from 1 to 60 minutes.

Each length is a speech-like Opus file handled in a fresh process the way
``prepare_audio`` handles an upload (decode, cut, speech-gate, store the
chunks in Redis), so one length's peak never hides another's. Run with
``python -m bench.worker_memory`` (``BENCH_MINUTES=1,10`` to shorten) on a
quiet machine; it uses Redis database 6 and deletes its keys.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import django

MINUTES = tuple(
    int(m) for m in os.environ.get("BENCH_MINUTES", "1,10,30,60").split(",")
)
REDIS_URL = "redis://127.0.0.1:6379/6"  # apart from the tests' 10-15
SAMPLE_RATE = 16_000


def write_recording(path: Path, minutes: int) -> None:
    """The throughput benchmark's speech-like minute, repeated, as 32 kbit/s Opus."""
    from bench.pipeline import recording

    minute = recording(60).tobytes()
    encoder = subprocess.Popen(
        [
            *("ffmpeg", "-loglevel", "error", "-y", "-f", "s16le"),
            *("-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0"),
            *("-c:a", "libopus", "-b:a", "32k", str(path)),
        ],
        stdin=subprocess.PIPE,
    )
    assert encoder.stdin is not None
    for _ in range(minutes):
        encoder.stdin.write(minute)
    encoder.stdin.close()
    if encoder.wait() != 0:
        raise RuntimeError("ffmpeg could not encode the benchmark recording")


def store_as_worker(path: Path) -> None:
    """What prepare_audio does with a stored upload, minus the database rows."""
    from inference import chunk_store
    from inference.preparation import ChunkPreparation

    request_id = str(uuid.uuid4())
    ChunkPreparation(path).store(request_id, 0)
    chunk_store.delete_run_keys(request_id, 0)


def child(path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["REDIS_URL"] = REDIS_URL
    django.setup()
    from inference import vad

    vad.speech_ratios([bytes(SAMPLE_RATE * 8)])  # load the gate before the baseline
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    store_as_worker(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{baseline / 1024:.0f} {peak / 1024:.0f} {time.perf_counter() - started:.1f}"
    )


def main() -> None:
    print("upload  baseline MiB  peak MiB  growth MiB  seconds")
    with tempfile.TemporaryDirectory() as workdir:
        for minutes in MINUTES:
            path = Path(workdir) / f"{minutes}.opus"
            write_recording(path, minutes)
            result = subprocess.run(
                [sys.executable, "-m", "bench.worker_memory", "--child", str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            baseline, peak, seconds = result.stdout.split()[-3:]
            growth = int(peak) - int(baseline)
            print(
                f"{minutes:>3} min  {baseline:>12}  {peak:>8}  {growth:>10}  {seconds:>7}"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(Path(sys.argv[2]))
    else:
        main()
