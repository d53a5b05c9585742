"""docker/ without a Docker engine: files parse, scripts exist and run, references hold."""

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

from config import roles

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
START = DOCKER / "start"
START_SCRIPTS = [
    "web",
    "worker-preprocess",
    "worker-finalize",
    "worker-webhooks",
    "worker-inference",
    "beat",
]
APP_ROOT = "/app/"  # where the images put the repository


class ComposeLoader(yaml.SafeLoader):
    """YAML with Compose's merge tags (!reset, !override)."""


ComposeLoader.add_constructor(
    "!reset", lambda loader, node: None
)  # the value is dropped
ComposeLoader.add_constructor(
    "!override",
    lambda loader, node: (
        loader.construct_mapping(node)
        if isinstance(node, yaml.MappingNode)
        else loader.construct_sequence(node)  # type: ignore[arg-type]
    ),
)


def load(path: Path) -> Any:
    return yaml.load(path.read_text(), Loader=ComposeLoader)


def compose() -> dict[str, Any]:
    return load(DOCKER / "compose.yml")


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def seconds(duration: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return sum(
        int(number) * units[unit]
        for number, unit in re.findall(r"(\d+)([smh])", duration)
    )


def repo_path(image_path: str) -> Path:
    assert image_path.startswith(APP_ROOT), image_path
    return ROOT / image_path.removeprefix(APP_ROOT)


@pytest.mark.parametrize(
    "path",
    [
        "compose.yml",
        "compose.cpu.yml",
        "prometheus/prometheus.yml",
        "prometheus/alerts.yml",
        "prometheus/alerts.test.yml",
        "grafana/provisioning/datasources/prometheus.yml",
        "grafana/provisioning/dashboards/detector.yml",
    ],
)
def test_yaml_files_parse(path: str) -> None:
    """Every YAML file under docker/ is valid YAML with a mapping at the top."""
    assert isinstance(load(DOCKER / path), dict)


def test_compose_runs_every_role() -> None:
    """The stack: databases, web, the three worker kinds (two GPUs), one beat, monitoring."""
    assert {
        "postgres",
        "redis",
        "web",
        "worker-preprocess",
        "worker-finalize",
        "worker-webhooks",
        "worker-inference-0",
        "worker-inference-1",
        "beat",
        "prometheus",
        "grafana",
    } <= set(services())


def test_compose_commands_are_executable_scripts_in_the_repository() -> None:
    """Each service started from our image runs a start script that exists and is executable."""
    ours = {
        name: service
        for name, service in services().items()
        if str(service.get("image", "")).startswith("detector-")
    }
    assert set(ours) == {
        "web",
        "worker-preprocess",
        "worker-finalize",
        "worker-webhooks",
        "worker-inference-0",
        "worker-inference-1",
        "beat",
    }
    for name, service in ours.items():
        command = service.get("command") or service.get("entrypoint")
        assert command, f"{name} names no command"
        script = repo_path(command[0])
        assert script.parent == START, name
        assert script.is_file(), f"{name}: {script} is missing"
        assert os.access(script, os.X_OK), f"{name}: {script} is not executable"


@pytest.mark.parametrize("name", [*START_SCRIPTS, "wait-for-services"])
def test_start_scripts_are_executable(name: str) -> None:
    """The start scripts carry the executable bit (the Dockerfile sets it again)."""
    assert os.access(START / name, os.X_OK)


@pytest.mark.parametrize("name", START_SCRIPTS)
def test_start_scripts_are_strict_bash_that_execs(name: str) -> None:
    """bash -n passes; strict flags, a wait for dependencies, then exec of the process."""
    script = START / name
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)
    lines = [
        line.strip()
        for line in script.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert script.read_text().startswith("#!/usr/bin/env bash\n")
    assert lines[0] == "set -o errexit -o nounset -o pipefail"
    assert "wait-for-services" in lines[1]
    assert [line for line in lines if line.startswith("exec ")], "no exec"
    assert lines[-1].startswith("exec ") or lines[-2].startswith("exec ")


@pytest.mark.skipif(
    shutil.which("shellcheck") is None, reason="shellcheck is not installed"
)
def test_start_scripts_pass_shellcheck() -> None:
    """shellcheck finds nothing in the start scripts."""
    subprocess.run(
        ["shellcheck", *(str(START / name) for name in START_SCRIPTS)],
        check=True,
        timeout=60,
    )


def test_hadolint() -> None:
    """hadolint lints the Dockerfile where it is installed."""
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (it is not packaged in Debian)")
    subprocess.run([hadolint, str(DOCKER / "Dockerfile")], check=True, timeout=60)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_wait_for_services_returns_once_both_answer() -> None:
    """With PostgreSQL and Redis up, the wait ends at once with status 0."""
    database = settings.DATABASES["default"]
    result = subprocess.run(
        [str(START / "wait-for-services")],
        env={
            **os.environ,
            "DATABASE_URL": f"postgres://{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/x",
            "REDIS_URL": settings.REDIS_URL,
        },
        timeout=30,
        check=False,
    )
    assert result.returncode == 0


def test_wait_for_services_gives_up_naming_what_is_down() -> None:
    """A service that never answers ends the wait after the timeout, named on stderr."""
    result = subprocess.run(
        [str(START / "wait-for-services")],
        env={
            **os.environ,
            "DATABASE_URL": f"postgres://127.0.0.1:{closed_port()}/x",
            "REDIS_URL": settings.REDIS_URL,
            "WAIT_FOR_SERVICES_TIMEOUT": "1",
        },
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert "DATABASE_URL" in result.stderr


# --- The Dockerfile


def dockerfile_stages() -> dict[str, list[str]]:
    """Instructions by stage name (line continuations joined)."""
    text = re.sub(r"\\\n", " ", (DOCKER / "Dockerfile").read_text())
    stages: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if match := re.match(r"FROM\s+\S+\s+AS\s+(\S+)", line, re.IGNORECASE):
            current = stages.setdefault(match.group(1), [])
        if current is not None:
            current.append(line)
    return stages


def ignored_patterns() -> list[str]:
    lines = (DOCKER / "Dockerfile.dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def is_ignored(path: str) -> bool:
    parts = Path(path.rstrip("/")).parts
    return any(
        Path(*parts[:depth]).match(pattern.removeprefix("**/"))
        if pattern.startswith("**/")
        else "/".join(parts[:depth]) == pattern
        for pattern in ignored_patterns()
        for depth in range(1, len(parts) + 1)
    )


def test_dockerfile_has_the_three_images() -> None:
    """frontend (node 20), web (python slim) and inference (from the web's dependencies)."""
    stages = dockerfile_stages()
    assert {"frontend", "web", "inference"} <= set(stages)
    assert stages["frontend"][0].startswith("FROM node:20")
    assert any("npm ci" in line for line in stages["frontend"])
    assert any("npm run build" in line for line in stages["frontend"])
    text = (DOCKER / "Dockerfile").read_text()
    assert "python:3.11-slim" in text
    assert "collectstatic" in "\n".join(stages["web"])


def test_dockerfile_copy_sources_exist_and_are_not_ignored() -> None:
    """Every COPY from the build context names a file or folder that is sent."""
    copies = [
        line
        for lines in dockerfile_stages().values()
        for line in lines
        if line.startswith("COPY") and "--from=" not in line
    ]
    assert copies
    for line in copies:
        arguments = [word for word in line.split()[1:] if not word.startswith("--")]
        for source in arguments[:-1]:
            if source == ".":
                continue
            assert (ROOT / source).exists(), f"{line}: {source} is missing"
            assert not is_ignored(source), f"{line}: {source} is in the dockerignore"


def test_dockerfile_copy_from_names_earlier_stages() -> None:
    """COPY --from refers to a stage defined above it."""
    seen: list[str] = []
    for name, lines in dockerfile_stages().items():
        for line in lines:
            if match := re.search(r"--from=(\S+)", line):
                assert match.group(1) in seen, line
        seen.append(name)


def test_images_run_as_an_unprivileged_user() -> None:
    """The web and inference images end with a non-root USER."""
    stages = dockerfile_stages()
    for name in ("web", "inference"):
        users = [line.split()[1] for line in stages[name] if line.startswith("USER ")]
        assert users, name
        assert users[-1] not in {"root", "0"}, name


def test_inference_image_installs_torch_by_build_argument() -> None:
    """TORCH_VARIANT/TORCH_INDEX pick CPU or CUDA torch; tcmalloc comes from apt."""
    text = (DOCKER / "Dockerfile").read_text()
    assert "ARG TORCH_VARIANT=cpu" in text
    assert "ARG TORCH_INDEX=https://download.pytorch.org/whl/${TORCH_VARIANT}" in text
    assert '--index-url "$TORCH_INDEX"' in text
    inference_deps = "\n".join(dockerfile_stages()["inference-deps"])
    assert re.search(r"apt-get install [^\n]*libgoogle-perftools4", inference_deps)
    assert "requirements/inference.txt" in text
    assert re.search(
        r"^torch==", (ROOT / "requirements/inference.txt").read_text(), re.M
    )


def test_both_images_have_ffmpeg() -> None:
    """Workers decode uploads with it, and the web draws the report's waveform."""
    stages = dockerfile_stages()
    assert re.search(r"apt-get install [^\n]*ffmpeg", "\n".join(stages["web-deps"]))
    for image in ("web", "inference-deps"):
        assert stages[image][0].split()[1] == "web-deps", image


# --- Compose details


def test_workers_outlive_a_tasks_time_limit_on_stop() -> None:
    """Workers get longer than the hard time limit to finish their task on SIGTERM."""
    hard_limit = settings.CELERY_TASK_TIME_LIMIT
    for name, service in services().items():
        if name.startswith("worker-"):
            assert seconds(service["stop_grace_period"]) > hard_limit, name


def test_one_inference_worker_per_gpu() -> None:
    """Each inference service reserves its own GPU and uses it as cuda:0."""
    reserved = []
    for name, service in services().items():
        if not name.startswith("worker-inference"):
            continue
        (device,) = service["deploy"]["resources"]["reservations"]["devices"]
        assert device["driver"] == "nvidia"
        assert "gpu" in device["capabilities"]
        reserved += device["device_ids"]
        assert service["environment"]["DETECTOR_DEVICE"] == "cuda:0"
        assert service["command"] == ["/app/docker/start/worker-inference"]
    assert len(reserved) == len(set(reserved)) == 2


def test_cpu_override_removes_gpu_reservations() -> None:
    """compose.cpu.yml builds CPU torch and runs inference on the CPU."""
    override = load(DOCKER / "compose.cpu.yml")["services"]
    assert override["worker-inference-0"]["environment"]["DETECTOR_DEVICE"] == "cpu"
    assert override["worker-inference-0"]["deploy"] is None  # !reset
    for name in ("worker-preprocess", "worker-inference-0", "beat"):
        assert override[name]["build"]["args"]["TORCH_VARIANT"] == "cpu"


def test_each_queue_has_its_own_worker_service() -> None:
    """preprocess, finalize, webhooks and inference each have their own service.

    The inference workers take live stream windows first (docs/streaming.md).
    """
    consumed = {}
    for name, service in services().items():
        script = START / Path(service.get("command", [""])[0]).name
        if name.startswith("worker-") and script.is_file():
            [role] = re.findall(r"python -m config.roles (\S+)", script.read_text())
            consumed[name] = roles.container_role(role, {}).queues
    assert consumed["worker-preprocess"] == ("preprocess",)
    assert consumed["worker-finalize"] == ("finalize",)
    assert consumed["worker-webhooks"] == ("webhooks",)
    assert consumed["worker-inference-0"] == ("stream", "inference")


def test_exactly_one_beat() -> None:
    """Only the beat service runs the scheduler, as one replica."""
    schedulers = [
        name
        for name, service in services().items()
        if "beat" in " ".join(service.get("command") or [])
    ]
    assert schedulers == ["beat"]
    assert services()["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_services_have_health_checks_and_volumes() -> None:
    """Every long-running service but beat is health-checked; data lives in volumes."""
    for name, service in services().items():
        if name != "beat":
            assert "healthcheck" in service, name
    volumes = set(compose()["volumes"])
    assert {"postgres-data", "redis-data", "uploads"} <= volumes
    assert "uploads:/data/media" in services()["web"]["volumes"]
    assert "uploads:/data/media" in services()["worker-preprocess"]["volumes"]
    assert services()["web"]["environment"]["MEDIA_ROOT"] == "/data/media"


def test_web_waits_for_databases_and_workers_for_migrations() -> None:
    """web starts on healthy databases; workers start after web (migrated)."""
    web_needs = services()["web"]["depends_on"]
    assert web_needs["postgres"]["condition"] == "service_healthy"
    assert web_needs["redis"]["condition"] == "service_healthy"
    assert "migrate" in (START / "web").read_text()
    for name, service in services().items():
        if name.startswith("worker-"):
            assert service["depends_on"]["web"]["condition"] == "service_healthy"


def test_prometheus_scrapes_web_and_every_worker() -> None:
    """Each worker service is a scrape target on its metrics port; web with the token."""
    config = load(DOCKER / "prometheus/prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    web = jobs["detector-web"]
    assert web["static_configs"][0]["targets"] == ["web:8000"]
    secret = web["authorization"]["credentials_file"].removeprefix("/run/secrets/")
    assert secret in services()["prometheus"]["secrets"]
    assert compose()["secrets"][secret] == {"environment": "DETECTOR_METRICS_TOKEN"}
    assert "DETECTOR_METRICS_TOKEN" in services()["web"]["environment"]
    assert "web" in services()["web"]["environment"]["ALLOWED_HOSTS"]

    scraped: dict[str, int] = {}
    for job in jobs.values():
        for sd in job.get("dns_sd_configs", []):
            for name in sd["names"]:
                scraped[name] = sd["port"]
    for name, service in services().items():
        if name.startswith("worker-"):
            port = int(service["environment"]["DETECTOR_WORKER_METRICS_PORT"])
            assert scraped.get(name) == port, name
            assert (
                service["environment"]["DETECTOR_WORKER_METRICS_ADDRESS"] == "0.0.0.0"
            )


def test_monitoring_files_are_mounted_where_they_are_read() -> None:
    """Prometheus reads its config and rules, Grafana its provisioning, from docker/."""
    prometheus = services()["prometheus"]
    config = load(DOCKER / "prometheus/prometheus.yml")
    mounts = {
        target.removesuffix(":ro"): source
        for source, target in (volume.split(":", 1) for volume in prometheus["volumes"])
    }
    for rule_file in config["rule_files"]:
        assert (DOCKER / mounts[rule_file]).is_file()
    assert (DOCKER / mounts["/etc/prometheus/prometheus.yml"]).is_file()

    grafana = services()["grafana"]
    (provisioning,) = [v for v in grafana["volumes"] if "provisioning" in v]
    source, target = provisioning.removesuffix(":ro").split(":")
    assert (DOCKER / source).resolve() == DOCKER / "grafana/provisioning"
    provider = load(DOCKER / "grafana/provisioning/dashboards/detector.yml")
    path = provider["providers"][0]["options"]["path"]
    relative = Path(path).relative_to(target)
    assert list((DOCKER / "grafana/provisioning" / relative).glob("*.json"))
