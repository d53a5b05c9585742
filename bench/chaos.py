"""Load and faults against a private local stack; prints what was lost, stuck and slow.

Run with ``make chaos`` (about 10 minutes, loopback only), or
``python -m bench.chaos requeue_race ...`` for some scenarios by name. It
starts its own PostgreSQL cluster and Redis on free ports, serves the
platform on them with ``manage.py serve`` as ``make run`` does, runs each
scenario of ``bench.scenarios`` in turn, stops everything with Ctrl-C's
signal and deletes it all. The shared services are never touched.

Columns: requests made and those answered unexpectedly (a wrong status, no
answer, or a body that is not JSON); detections lost (failed or missing),
duplicated (more than one final message) and stuck (not final in time);
recovery, seconds from the service's return (or the kill) until every run
in flight was final; latency percentiles of every request in the scenario.
"""

import sys
import traceback

from bench.stack import Client
from bench.stack import FinalEvents
from bench.stack import private_stack

COLUMNS = ("scenario", "requests", "errors", "lost", "dup", "stuck", "recovery s",
           "p50 ms", "p95 ms", "p99 ms")  # fmt: skip


def cell(value: float | int | str | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}" if value < 100 else f"{value:.0f}"
    return str(value)


def main() -> int:
    with private_stack() as stack:
        # Django is set up on the private database only now.
        from bench.scenarios import SCENARIOS
        from bench.scenarios import USER
        from bench.scenarios import Context
        from bench.scenarios import Outcome

        anonymous = Client(stack.port)
        anonymous.post_json(
            "/api/v1/users/register", {**USER, "email": "chaos@example.com"}
        )
        token = anonymous.post_json("/api/v1/users/login", USER).body["access"]
        events = FinalEvents(stack.port, token)
        context = Context(stack, Client(stack.port, token), events)
        outcomes: list[Outcome] = []
        chosen = set(sys.argv[1:])
        for scenario in SCENARIOS:
            if chosen and scenario.__name__ not in chosen:
                continue
            print(f"running: {scenario.__doc__}", flush=True)
            try:
                outcomes.append(scenario(context))
            except Exception:
                traceback.print_exc()
                crashed = Outcome(scenario.__name__, errors=1)
                crashed.notes.append(f"{scenario.__name__} crashed, see above")
                outcomes.append(crashed)
        events.stop()
        stopped_in = stack.stop_serving()
    rows = [
        (o.scenario, o.requests, o.errors, o.lost, o.duplicated, o.stuck,
         o.recovery_seconds, o.percentile_ms(50), o.percentile_ms(95),
         o.percentile_ms(99))
        for o in outcomes
    ]  # fmt: skip
    table = [COLUMNS, *[tuple(cell(value) for value in row) for row in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    for row in table:
        print(
            "  ".join(
                text.ljust(width) for text, width in zip(row, widths, strict=True)
            )
        )
    for outcome in outcomes:
        for note in outcome.notes:
            print(f"- {note}")
    print(f"- Ctrl-C stopped every role in {stopped_in:.1f} s")
    failed = any(o.errors or o.lost or o.duplicated or o.stuck for o in outcomes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
