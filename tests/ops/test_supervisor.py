"""config.supervisor, as manage.py serve runs it: restarts with a backoff, clean stops."""

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.supervisor import Supervisor

ROOT = Path(__file__).resolve().parents[2]

# Two sleepers; "stubborn" ignores SIGTERM, as a wedged process would.
SCRIPT = textwrap.dedent(
    """
    import os, sys
    from config.supervisor import Role, Supervisor

    def sleeper(ignore_term):
        code = "import signal, time\\n"
        if ignore_term:
            code += "signal.signal(signal.SIGTERM, signal.SIG_IGN)\\n"
        code += "time.sleep(600)\\n"
        return [sys.executable, "-c", code]

    roles = [
        Role("web", sleeper(False), lambda: dict(os.environ)),
        Role("worker", sleeper(sys.argv[1] == "stubborn"), lambda: dict(os.environ)),
    ]
    def report(line):
        print(line, flush=True)
    Supervisor(roles, report, first_delay=0.2, max_delay=0.8, stop_timeout=2,
               poll_interval=0.05).run()
    print("supervisor stopped", flush=True)
    """
)


class Supervised:
    """The supervisor in its own process group, as a terminal runs `make run`."""

    def __init__(self, mode: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, mode],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []

    def wait_for(self, pattern: str, timeout: float = 20) -> re.Match[str]:
        """The next output line matching ``pattern``."""
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip())
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no {pattern!r} in:\n" + "\n".join(self.lines))

    def pid_of(self, role: str) -> int:
        return int(self.wait_for(rf"started {role} \(pid (\d+)\)").group(1))


@pytest.fixture
def supervised(request: pytest.FixtureRequest) -> Iterator[Supervised]:
    running = Supervised(getattr(request, "param", "plain"))
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


def test_supervisor_restarts_a_killed_role_with_a_backoff(
    supervised: Supervised,
) -> None:
    """A role killed twice in a row comes back after 0.2 s, then 0.4 s; the other stays."""
    web, worker = supervised.pid_of("web"), supervised.pid_of("worker")
    os.kill(worker, signal.SIGKILL)
    supervised.wait_for(r"worker exited with code -9 after \d+ s; restarting in 0.2 s")
    again = supervised.pid_of("worker")
    os.kill(again, signal.SIGKILL)
    supervised.wait_for(r"worker exited with code -9 .*; restarting in 0.4 s")
    third = supervised.pid_of("worker")
    assert len({worker, again, third}) == 3
    assert not gone(web)
    assert not [line for line in supervised.lines if "started web" in line][1:]

    # Ctrl-C: SIGINT to the whole process group, as a terminal sends it.
    os.killpg(supervised.process.pid, signal.SIGINT)
    supervised.wait_for("supervisor stopped")
    assert supervised.process.wait(timeout=10) == 0
    assert gone(web)
    assert gone(third)
    assert not [line for line in supervised.lines if "exited with code" in line][2:]


@pytest.mark.parametrize("supervised", ["stubborn"], indirect=True)
def test_supervisor_stops_on_sigterm_and_kills_what_ignores_it(
    supervised: Supervised,
) -> None:
    """SIGTERM to the supervisor alone stops the roles; one that ignores it is killed."""
    web, worker = supervised.pid_of("web"), supervised.pid_of("worker")
    time.sleep(0.3)  # the stubborn sleeper has set its handler
    supervised.process.send_signal(signal.SIGTERM)
    supervised.wait_for("worker did not stop in time; killing it")
    supervised.wait_for("supervisor stopped")
    assert supervised.process.wait(timeout=10) == 0
    assert gone(web)
    assert gone(worker)


def test_supervisor_backoff_doubles_up_to_the_cap() -> None:
    """1, 2, 4 ... seconds between starts of a crash-looping role, never above the cap."""
    supervisor = Supervisor([], print, first_delay=1.0, max_delay=30.0)
    assert [supervisor.backoff(crashes) for crashes in range(1, 8)] == [
        1,
        2,
        4,
        8,
        16,
        30,
        30,
    ]
