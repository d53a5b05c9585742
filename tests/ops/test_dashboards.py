"""The dashboard and the alert rules query only series that the code exports."""

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from prometheus_client import REGISTRY
from prometheus_client import Metric

from inference import worker_metrics

DOCKER = Path(__file__).resolve().parents[2] / "docker"
ALERTS = DOCKER / "prometheus" / "alerts.yml"
DASHBOARD = DOCKER / "grafana" / "provisioning" / "dashboards" / "detector.json"
# Series that Prometheus itself adds to every scrape.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
PROMQL_WORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "inf",
    "nan",
}
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("", "_count", "_sum", "_created"),
    "gauge": ("",),
    "info": ("_info",),
    "stateset": ("",),
    "unknown": ("",),
}


def alert_rules() -> list[dict[str, Any]]:
    return [
        rule
        for group in yaml.safe_load(ALERTS.read_text())["groups"]
        for rule in group["rules"]
    ]


def panels(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))


def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text())


def dashboard_expressions() -> list[str]:
    return [
        target["expr"]
        for panel in panels(dashboard()["panels"])
        for target in panel.get("targets", [])
    ]


def expressions() -> list[str]:
    return [rule["expr"] for rule in alert_rules()] + dashboard_expressions()


def metric_names(expression: str) -> set[str]:
    """The series names a PromQL expression selects (functions and keywords left out)."""
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', expression)  # label values
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges
    text = re.sub(
        r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text
    )
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        before = text[match.start() - 1] if match.start() else " "
        if before.isdigit() or before == ".":  # 1e3, 0.95
            continue
        if text[match.end() :].lstrip().startswith("("):  # a function
            continue
        if match.group().lower() in PROMQL_WORDS:
            continue
        names.add(match.group())
    return names


def exported_families() -> list[Metric]:
    """The metric families the web and worker endpoints can expose."""
    # What the web process loads: its middleware, database and cache metrics.
    import django_prometheus.cache.metrics
    import django_prometheus.db.metrics  # noqa: F401
    from django_prometheus.middleware import Metrics

    # The detector_* series: the stream socket's (web), the webhooks worker's
    # and the pipeline workers'.
    import detector.streaming.metrics
    import detector.webhooks.metrics  # noqa: F401
    import inference.metrics  # noqa: F401

    Metrics.get_instance()
    queue_depth = worker_metrics.QueueDepthCollector([], settings.CELERY_BROKER_URL)
    return list(REGISTRY.collect()) + list(queue_depth.describe())


def exported_names() -> set[str]:
    """Every sample name those families produce."""
    return {
        family.name + suffix
        for family in exported_families()
        for suffix in SUFFIXES[family.type]
    }


def test_metric_name_parser_finds_series_only() -> None:
    """The parser keeps series names and drops functions, keywords, labels and numbers."""
    assert metric_names(
        'histogram_quantile(0.95, sum by (le, stage) (rate(a_bucket{stage="x"}[5m])))'
        " / on (le) b_total offset 1h > 1e3 and time() - c"
    ) == {"a_bucket", "b_total", "c"}


def test_dashboard_and_alerts_use_exported_series_only() -> None:
    """Each series in a panel or a rule is one that /metrics (web or worker) serves."""
    exported = exported_names() | PROMETHEUS_SERIES
    used = {name for expression in expressions() for name in metric_names(expression)}
    assert used, "no metric found in the dashboard or the rules"
    assert sorted(used - exported) == []


def test_dashboard_covers_every_detector_metric() -> None:
    """Every detector_* metric is on the dashboard, so none is exported unseen."""
    families = {
        family.name
        for family in exported_families()
        if family.name.startswith("detector_")
    }
    used = {
        name
        for expression in dashboard_expressions()
        for name in metric_names(expression)
    }
    shown = {
        family
        for family in families
        for name in used
        if name == family or re.fullmatch(rf"{family}_(total|bucket|count|sum)", name)
    }
    assert sorted(families - shown) == []


def test_alerts_cover_the_issues_cases() -> None:
    """Rules exist for dead workers, a growing queue, failures, the sweeper and latency."""
    by_name = {rule["alert"]: rule for rule in alert_rules()}
    assert {
        "DetectorNoInferenceWorker",
        "DetectorNoPreprocessWorker",
        "DetectorQueueGrowing",
        "DetectorFailureRateHigh",
        "DetectorSweeperNotRunning",
        "DetectorSlowDetections",
    } <= set(by_name)
    assert "detector_sweeper_last_run_timestamp_seconds" in metric_names(
        by_name["DetectorSweeperNotRunning"]["expr"]
    )
    assert "0.95" in by_name["DetectorSlowDetections"]["expr"]
    for rule in by_name.values():
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert rule["annotations"]["summary"]


def test_dashboard_uses_the_provisioned_data_source() -> None:
    """Panels point at the data source uid that provisioning creates; ids are unique."""
    source = yaml.safe_load(
        (DOCKER / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )["datasources"][0]
    all_panels = list(panels(dashboard()["panels"]))
    assert len({panel["id"] for panel in all_panels}) == len(all_panels)
    for panel in all_panels:
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == {"type": "prometheus", "uid": source["uid"]}
        assert panel["targets"], panel["title"]


PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool is not installed (Debian package prometheus)"
)


def promtool(*arguments: str, cwd: Path = DOCKER / "prometheus") -> None:
    assert PROMTOOL is not None
    result = subprocess.run(
        [PROMTOOL, *arguments], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_accepts_the_rules_and_their_unit_tests() -> None:
    """promtool checks alerts.yml and runs alerts.test.yml (alerts fire when they should)."""
    promtool("check", "rules", "alerts.yml")
    promtool("test", "rules", "alerts.test.yml")


@needs_promtool
def test_promtool_accepts_the_config_and_dashboard_queries(tmp_path: Path) -> None:
    """prometheus.yml is valid, and every dashboard query parses as PromQL."""
    config = yaml.safe_load((DOCKER / "prometheus/prometheus.yml").read_text())
    config["rule_files"] = [str(DOCKER / "prometheus" / "alerts.yml")]
    for job in config["scrape_configs"]:
        if "authorization" in job:
            token = tmp_path / "token"
            token.write_text("token")
            job["authorization"]["credentials_file"] = str(token)
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    promtool("check", "config", str(tmp_path / "prometheus.yml"))

    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard:query_{number}", "expr": expression}
                    for number, expression in enumerate(dashboard_expressions())
                ],
            }
        ]
    }
    (tmp_path / "dashboard-rules.yml").write_text(yaml.safe_dump(rules))
    promtool("check", "rules", str(tmp_path / "dashboard-rules.yml"))
