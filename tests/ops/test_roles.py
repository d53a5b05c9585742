"""config.roles: each role's command line and environment, as serve, bench and tests start it."""

import subprocess
import sys
from pathlib import Path

import pytest

from config import roles
from config.celery import FINALIZE_QUEUE
from config.celery import INFERENCE_QUEUE
from config.celery import PREPROCESS_QUEUE
from config.celery import STREAM_QUEUE
from config.celery import WEBHOOKS_QUEUE
from detector.management.commands.serve import supervised

ROOT = Path(__file__).resolve().parents[2]
CELERY = (sys.executable, "-m", "celery", "-A", "config")


@pytest.fixture
def tcmalloc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed tcmalloc, and a jemalloc that is not."""
    library = tmp_path / "libtcmalloc_minimal.so.4"
    library.touch()
    monkeypatch.setattr(roles, "ALLOCATORS", (library, tmp_path / "libjemalloc.so.2"))
    return library


def test_web_serves_the_asgi_application_on_host_and_port() -> None:
    """uvicorn on the given address, trusting forwarded headers from the proxies only."""
    launch = roles.web("0.0.0.0", 8123, ["10.0.0.0/8", "192.168.1.1"])
    assert launch.name == "web"
    assert launch.command == (
        *(sys.executable, "-m", "uvicorn", "config.asgi:application"),
        *("--host", "0.0.0.0", "--port", "8123"),
        *("--forwarded-allow-ips", "10.0.0.0/8,192.168.1.1"),
        "--no-server-header",
    )
    assert launch.queues == ()
    assert launch.variables == {}


def test_web_without_proxies_ignores_forwarded_headers() -> None:
    """No trusted proxy: an empty list, not uvicorn's default of trusting loopback."""
    command = roles.web(port=8000).command
    assert command[command.index("--forwarded-allow-ips") + 1] == ""
    assert command[command.index("--host") + 1] == "127.0.0.1"


def test_worker_serves_its_queues_in_order_as_its_own_node() -> None:
    """One process by default, the queues comma-separated, node ``name@%h``."""
    launch = roles.worker("finalize", [FINALIZE_QUEUE])
    assert launch.command == (
        *CELERY,
        *("worker", "-Q", "finalize", "-c", "1", "-n", "finalize@%h"),
    )
    assert launch.queues == (FINALIZE_QUEUE,)
    assert launch.variables == {}


def test_test_workers_are_quiet_isolated_and_concurrent() -> None:
    """--quiet before the subcommand; no gossip or mingle; the asked concurrency."""
    launch = roles.worker(
        "ops-1234",
        [PREPROCESS_QUEUE, INFERENCE_QUEUE],
        concurrency=2,
        quiet=True,
        isolated=True,
    )
    assert launch.command == (
        *(*CELERY, "--quiet", "worker"),
        *("-Q", "preprocess,inference", "-c", "2", "-n", "ops-1234@%h"),
        *("--without-gossip", "--without-mingle"),
    )


def test_inference_worker_is_pinned_to_its_device_with_tcmalloc(
    tcmalloc: Path,
) -> None:
    """Live stream windows before uploads' chunks, on one device, tcmalloc preloaded."""
    launch = roles.inference_worker("inference1", "cuda:1")
    assert launch.queues == (STREAM_QUEUE, INFERENCE_QUEUE)
    assert "stream,inference" in launch.command
    assert launch.variables == {
        "DETECTOR_DEVICE": "cuda:1",
        "LD_PRELOAD": str(tcmalloc),
    }


def test_inference_worker_falls_back_to_jemalloc(
    tcmalloc: Path, tmp_path: Path
) -> None:
    """Without tcmalloc, the next allocator installed is preloaded."""
    tcmalloc.unlink()
    (tmp_path / "libjemalloc.so.2").touch()
    variables = roles.inference_worker("inference0", "cpu").variables
    assert variables["LD_PRELOAD"] == str(tmp_path / "libjemalloc.so.2")


def test_inference_worker_preloads_nothing_when_no_allocator_is_installed(
    tcmalloc: Path,
) -> None:
    """No library, no LD_PRELOAD: the loader would warn on every start otherwise."""
    tcmalloc.unlink()
    launch = roles.inference_worker("inference0", "cpu")
    assert launch.variables == {"DETECTOR_DEVICE": "cpu"}


def test_only_the_inference_worker_preloads_an_allocator(tcmalloc: Path) -> None:
    """Decoding, results, webhooks, web and beat run on the default allocator."""
    platform = roles.all_roles("127.0.0.1", 8000, ["cpu"], Path("schedule"))
    preloading = [
        launch.name for launch in platform if "LD_PRELOAD" in launch.variables
    ]
    assert preloading == ["inference0"]


def test_beat_keeps_its_schedule_where_asked(tmp_path: Path) -> None:
    """One scheduler, its schedule file given, no queues of its own."""
    launch = roles.beat(tmp_path / "celerybeat-schedule", quiet=True)
    assert launch.name == "beat"
    assert launch.command == (
        *(*CELERY, "--quiet", "beat"),
        *("-s", str(tmp_path / "celerybeat-schedule")),
    )
    assert launch.queues == ()


def test_all_roles_run_one_worker_per_queue_and_one_model_worker_per_device() -> None:
    """serve's platform: web, the CPU queues' workers, beat, then a worker per device."""
    platform = roles.all_roles(
        "127.0.0.1", 8000, ["cuda:0", "cuda:1"], Path("var/celerybeat-schedule")
    )
    assert [launch.name for launch in platform] == [
        "web",
        "preprocess",
        "finalize",
        "webhooks",
        "beat",
        "inference0",
        "inference1",
    ]
    assert [launch.queues for launch in platform] == [
        (),
        (PREPROCESS_QUEUE,),
        (FINALIZE_QUEUE,),
        (WEBHOOKS_QUEUE,),
        (),
        (STREAM_QUEUE, INFERENCE_QUEUE),
        (STREAM_QUEUE, INFERENCE_QUEUE),
    ]
    devices = [launch.variables.get("DETECTOR_DEVICE") for launch in platform]
    assert devices == [None, None, None, None, None, "cuda:0", "cuda:1"]


def test_environment_sets_the_role_variables_over_its_base(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The caller's environment (this process's by default), the role's variables on top."""
    monkeypatch.setenv("DETECTOR_DEVICE", "cuda:0")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6399/0")
    launch = roles.inference_worker("inference0", "cpu")
    assert launch.environment()["DETECTOR_DEVICE"] == "cpu"
    assert launch.environment()["REDIS_URL"] == "redis://127.0.0.1:6399/0"
    assert launch.environment({"LOG_LEVEL": "WARNING"})["LOG_LEVEL"] == "WARNING"
    assert "REDIS_URL" not in launch.environment({"LOG_LEVEL": "WARNING"})


def test_serve_gives_each_worker_its_own_metrics_before_every_start(
    settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers take the metrics ports in turn, on emptied directories; web and beat none."""
    settings.DETECTOR_WORKER_METRICS_PORT = 9300
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    platform = roles.all_roles("127.0.0.1", 8000, ["cpu"], tmp_path / "schedule")
    environments = {
        role.name: role.environment() for role in supervised(platform, tmp_path)
    }
    ports = {
        name: environment.get("DETECTOR_WORKER_METRICS_PORT")
        for name, environment in environments.items()
        if "PROMETHEUS_MULTIPROC_DIR" in environment
    }
    assert ports == {
        "preprocess": "9300",
        "finalize": "9301",
        "webhooks": "9302",
        "inference0": "9303",
    }
    stale = tmp_path / "prometheus" / "inference0" / "counter_123.db"
    stale.write_bytes(b"")
    inference = supervised(platform, tmp_path)[-1]
    assert inference.environment()["DETECTOR_DEVICE"] == "cpu"
    assert not stale.exists()


@pytest.mark.parametrize(
    "launch",
    [
        roles.web(),
        roles.worker("help", [PREPROCESS_QUEUE], quiet=True, isolated=True),
        roles.beat(Path("schedule"), quiet=True),
    ],
    ids=lambda launch: launch.name,
)
def test_role_command_lines_are_accepted_by_their_programs(
    launch: roles.Launch,
) -> None:
    """uvicorn and celery parse every option given (then print their help and exit)."""
    result = subprocess.run(
        [*launch.command, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_container_roles_take_the_deployments_variables(tcmalloc: Path) -> None:
    """docker/start's roles: the published port, proxies, pool sizes and device."""
    env = {
        "PORT": "9000",
        "DETECTOR_TRUSTED_PROXIES": "10.0.0.1,10.0.0.2",
        "DETECTOR_PREPROCESS_CONCURRENCY": "3",
        "DETECTOR_DEVICE": "cuda:1",
    }
    web = roles.container_role("web", env).command
    assert web[web.index("--host") + 1 :][:3] == ("0.0.0.0", "--port", "9000")
    assert web[web.index("--forwarded-allow-ips") + 1] == "10.0.0.1,10.0.0.2"
    preprocess = roles.container_role("preprocess", env)
    assert preprocess.queues == (PREPROCESS_QUEUE,)
    assert preprocess.command[preprocess.command.index("-c") + 1] == "3"
    assert "--quiet" in preprocess.command
    inference = roles.container_role("inference", env)
    assert inference.queues == (STREAM_QUEUE, INFERENCE_QUEUE)
    assert inference.variables == {
        "DETECTOR_DEVICE": "cuda:1",
        "LD_PRELOAD": str(tcmalloc),
    }
    assert roles.container_role("webhooks", {}).queues == (WEBHOOKS_QUEUE,)
    assert roles.container_role("finalize", {}).queues == (FINALIZE_QUEUE,)


def test_unknown_container_role_is_refused_with_the_choices() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "config.roles", "sweeper"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "usage: python -m config.roles {web,preprocess," in result.stderr


def test_container_role_refuses_a_name_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="no container role 'sweeper'"):
        roles.container_role("sweeper", {})
