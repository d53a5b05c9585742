"""Keep a set of processes running: restart one that exits, with a backoff, until stopped.

``manage.py serve`` runs the web process and the workers through it, so a
crashed role comes back by itself instead of stopping the others. Pure
Python (no Django), so it is tested on its own.
"""

import signal
import subprocess
import time
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from types import FrameType


@dataclass
class Role:
    """One supervised process; ``environment`` is called before every start."""

    name: str
    command: Sequence[str]
    environment: Callable[[], dict[str, str]]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    crashes: int = 0  # in a row, each within ``healthy_after`` of its start


@dataclass
class Supervisor:
    """Starts the roles, restarts any that exits, stops them all on SIGINT or SIGTERM."""

    roles: Sequence[Role]
    report: Callable[[str], None]
    first_delay: float = 1.0
    max_delay: float = 30.0
    # A role that ran this long before exiting starts again after first_delay.
    healthy_after: float = 60.0
    stop_timeout: float = 30.0
    poll_interval: float = 0.5
    stopping: bool = field(default=False, init=False)

    def run(self) -> None:
        """Supervise until SIGINT (Ctrl-C) or SIGTERM, then stop every role."""
        previous = {
            number: signal.signal(number, self._request_stop)
            for number in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for role in self.roles:
                self._start(role)
            while not self.stopping:
                self._tick(time.monotonic())
                time.sleep(self.poll_interval)
        finally:
            self.stop()
            for number, handler in previous.items():
                signal.signal(number, handler)

    def stop(self) -> None:
        """Ask every running role to stop (SIGTERM), then kill what outlives the timeout."""
        self.stopping = True
        running = [
            (role.name, role.process)
            for role in self.roles
            if role.process is not None and role.process.poll() is None
        ]
        for _name, process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for name, process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.report(f"{name} did not stop in time; killing it")
                process.kill()
                process.wait()

    def backoff(self, crashes: int) -> float:
        """Delay before the next start of a role that crashed ``crashes`` times in a row."""
        return float(min(self.max_delay, self.first_delay * 2 ** (crashes - 1)))

    def _tick(self, now: float) -> None:
        for role in self.roles:
            if role.restart_at is not None:
                if now >= role.restart_at:
                    self._start(role)
                continue
            if role.process is None or role.process.poll() is None:
                continue
            # Ctrl-C reaches the whole process group: a role that stopped on it
            # is not a crash.
            if self.stopping:
                return
            ran_for = now - role.started_at
            role.crashes = 1 if ran_for >= self.healthy_after else role.crashes + 1
            delay = self.backoff(role.crashes)
            role.restart_at = now + delay
            self.report(
                f"{role.name} exited with code {role.process.returncode} after "
                f"{ran_for:.0f} s; restarting in {delay:g} s"
            )

    def _start(self, role: Role) -> None:
        role.process = subprocess.Popen(role.command, env=role.environment())  # noqa: S603 - our own fixed commands
        role.started_at = time.monotonic()
        role.restart_at = None
        self.report(f"started {role.name} (pid {role.process.pid})")

    def _request_stop(self, number: int, frame: FrameType | None) -> None:
        self.stopping = True
