"""`manage.py serve` (what `make run` starts): a crashed role comes back, Ctrl-C stops all.

Issue 10, item 6: when the inference worker or the web process died, serve
stopped all the others and `make run` exited.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from bench.services import free_port
from detector.models import Detection
from tests.audio_fixtures import encode_wav
from tests.audio_fixtures import speech
from tests.pipeline.processes import ROOT
from tests.pipeline.processes import pipeline_environment
from tests.resilience.conftest import multipart

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db(transaction=True)]

ROLES = ("web", "preprocess", "finalize", "webhooks", "beat", "inference0")


class Serve:
    """`manage.py serve` in its own process group, as a terminal runs `make run`."""

    def __init__(self, environment: dict[str, str], state: Path) -> None:
        self.port = free_port()
        state.mkdir()
        # A file, not a pipe: the roles write their logs there too, and a full
        # pipe would block them while the test waits on something else.
        self.log = state / "serve.log"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "manage.py", "serve", "--port", str(self.port)),
                    *("--state-dir", str(state)),
                ],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.read = 0
        self.pids: dict[str, int] = {}

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        """The next line of the output matching ``pattern``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.log.read_text(errors="replace").splitlines()
            for number in range(self.read, len(lines)):
                line = lines[number]
                if started := re.search(r"started (\S+) \(pid (\d+)\)", line):
                    self.pids[started.group(1)] = int(started.group(2))
                if match := re.search(pattern, line):
                    self.read = number + 1
                    return match
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} in:\n{self.log.read_text()}")

    def web_answers(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/api/v1/schema/", timeout=5
                )
                return
            except OSError:
                time.sleep(0.5)
        raise AssertionError("the web process does not answer")

    def upload(self, token: str) -> str:
        body, content_type = multipart(encode_wav(speech(5.0)))
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/audio/upload",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 202
            return str(json.load(response)["request_id"])


@pytest.fixture
def serve(tmp_path: Path, demo_model: Path) -> Iterator[Serve]:
    environment = pipeline_environment(demo_model, DETECTOR_DEVICES="cpu")
    running = Serve(environment, tmp_path / "state")
    yield running
    if running.process.poll() is None:
        os.killpg(running.process.pid, signal.SIGKILL)
        running.process.wait()


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def wait_completed(request_id: str, timeout: float = 180) -> Detection:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        detection = Detection.objects.get(request_id=request_id)
        if detection.status in {"completed", "failed"}:
            return detection
        time.sleep(0.2)
    raise AssertionError(f"{request_id} did not finish")


def test_serve_restarts_crashed_roles_and_stops_on_ctrl_c(
    alice: User, serve: Serve
) -> None:
    """Killed inference and web processes come back and serve; Ctrl-C ends everything."""
    for role in ROLES:
        serve.wait_for(rf"started {role} \(pid")
    serve.web_answers()

    os.kill(serve.pids["inference0"], signal.SIGKILL)
    serve.wait_for(r"inference0 exited with code -9 after \d+ s; restarting in 1 s")
    serve.wait_for(r"started inference0 \(pid")
    os.kill(serve.pids["web"], signal.SIGKILL)
    serve.wait_for(r"web exited with code -9 after \d+ s; restarting in 1 s")
    serve.wait_for(r"started web \(pid")
    serve.web_answers()

    # The restarted web and inference worker carry a recording through.
    token = str(RefreshToken.for_user(alice).access_token)
    detection = wait_completed(serve.upload(token))
    assert detection.status == "completed", detection.error_message

    children = dict(serve.pids)
    restarts = serve.log.read_text().count("restarting in")
    os.killpg(serve.process.pid, signal.SIGINT)  # Ctrl-C in the terminal
    assert serve.process.wait(timeout=90) == 0
    assert serve.log.read_text().count("restarting in") == restarts == 2
    assert all(gone(pid) for pid in children.values()), children
