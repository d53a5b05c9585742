"""Throughput of the detector on a 10-minute recording: model alone, then end to end.

Run with `make bench`. Model-only figures use the same scoring code as the
workers with a randomly initialised WavLM of base-plus size; end-to-end
figures upload the same recording through the HTTP API to a real web
process and real Celery workers, and time it until the detection completes.
"""

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import django
import numpy as np
import torch

from config import roles
from config.celery import FINALIZE_QUEUE
from config.celery import PREPROCESS_QUEUE

ROOT = Path(__file__).resolve().parents[1]
RECORDING_SECONDS = 600
BATCH_SIZES = (1, 4, 16)
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BENCH_DATABASE = "detector_bench"
BENCH_REDIS = "redis://127.0.0.1:6379/5"  # apart from the tests' 10-15


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
    os.environ["REDIS_URL"] = BENCH_REDIS
    subprocess.run(
        [sys.executable, "-m", "config.create_database"], check=True, cwd=ROOT
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def recording(seconds: int) -> np.ndarray:
    """A speech-like signal: noise bursts shaped like syllables (model cost is content-blind)."""
    rng = np.random.default_rng(0)
    samples = rng.standard_normal(seconds * 16_000).astype(np.float32)
    envelope = 0.5 + 0.5 * np.sin(np.arange(samples.size) * 2 * np.pi * 4 / 16_000)
    return (samples * envelope * 3000).astype(np.int16)


def model_only(
    checkpoint: Path, pcm: np.ndarray, batch: int, *, scoring_path: str
) -> float:
    from inference.chunking import plan_chunks
    from inference.model import load_detector

    detector = load_detector(
        str(checkpoint), None, torch.device("cpu"), batch, scoring_path=scoring_path
    )
    spans = plan_chunks(pcm.size, 4.0, 1.0)
    chunks = [pcm[span.start_sample : span.end_sample] for span in spans]
    detector.score(chunks[: max(batch, 2)])  # warm-up
    started = time.perf_counter()
    detector.score(chunks)
    return pcm.size / 16_000 / (time.perf_counter() - started)


def wav_bytes(pcm: np.ndarray) -> bytes:
    import io

    import soundfile as sf

    buffer = io.BytesIO()
    sf.write(buffer, pcm, 16_000, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def start_platform(checkpoint: Path, batch: int) -> list[subprocess.Popen[bytes]]:
    environment = {
        **os.environ,
        "DETECTOR_MODEL": str(checkpoint),
        "DETECTOR_BATCH_SIZE": str(batch),
        "LOG_LEVEL": "WARNING",
    }
    tag = uuid.uuid4().hex[:6]
    launches = [
        roles.web(port=PORT),
        roles.worker(f"bench-pre-{tag}", [PREPROCESS_QUEUE]),
        roles.worker(f"bench-fin-{tag}", [FINALIZE_QUEUE]),
        roles.inference_worker(f"bench-inf-{tag}", "cpu"),
    ]
    return [
        subprocess.Popen(launch.command, env=launch.environment(environment), cwd=ROOT)
        for launch in launches
    ]


def request(
    method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return json.loads(response.read() or b"{}") | {"_status": response.status}


def wait_for_server() -> None:
    for _ in range(120):
        try:
            request("GET", "/api/v1/health")
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the web process did not start")


def upload_and_wait(token: str, content: bytes) -> float:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    started = time.perf_counter()
    accepted = request("POST", "/api/v1/audio/upload", body, headers)
    assert accepted["_status"] == 202, accepted
    while True:
        status = request(
            "GET",
            f"/api/v1/audio/status/{accepted['request_id']}",
            headers={"Authorization": f"Bearer {token}"},
        )
        if status["status"] in {"completed", "failed"}:
            assert status["status"] == "completed", status["error_message"]
            return time.perf_counter() - started
        time.sleep(0.2)


def end_to_end(checkpoint: Path, pcm: np.ndarray, batch: int) -> float:
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User

    user, _ = User.objects.get_or_create(
        username="bench", defaults={"email": "bench@example.com"}
    )
    token = str(AccessToken.for_user(user))
    processes = start_platform(checkpoint, batch)
    try:
        wait_for_server()
        upload_and_wait(
            token, wav_bytes(pcm[: 16_000 * 8])
        )  # loads the model in the worker
        elapsed = upload_and_wait(token, wav_bytes(pcm))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    return pcm.size / 16_000 / elapsed


def main() -> None:
    setup_django()
    from django.conf import settings

    from inference.offline_model import save_random_checkpoint

    batch = settings.DETECTOR_BATCH_SIZE
    pcm = recording(RECORDING_SECONDS)
    allocator = os.environ.get("LD_PRELOAD", "glibc malloc")
    print(
        f"Detector throughput, {RECORDING_SECONDS // 60}-minute recording, {torch.get_num_threads()} threads, {allocator}"
    )
    print("(seconds of audio scored per wall-second; random WavLM of base-plus size)")
    with tempfile.TemporaryDirectory() as directory:
        checkpoint = save_random_checkpoint(Path(directory) / "base-plus", "base-plus")
        print(
            f"model only, fp32 eager,  batch {batch:>2}: {model_only(checkpoint, pcm, batch, scoring_path='fp32'):6.1f}"
        )
        figures = {}
        for size in BATCH_SIZES:
            figures[size] = model_only(checkpoint, pcm, size, scoring_path="int8-bf16")
            print(f"model only, int8 + bf16, batch {size:>2}: {figures[size]:6.1f}")
        # The path the workers choose at load ("auto"), as the end-to-end run uses.
        reference = model_only(checkpoint, pcm, batch, scoring_path="auto")
        print(f"model only, workers' path, batch {batch:>2}: {reference:6.1f}")
        pipeline = end_to_end(checkpoint, pcm, batch)
        print(f"end to end (API + workers), batch {batch:>2}: {pipeline:6.1f}")
        print(f"end to end / model only at batch {batch}: {pipeline / reference:.0%}")


if __name__ == "__main__":
    main()
