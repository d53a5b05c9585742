"""Reading Prometheus text expositions in tests."""

import time
import urllib.request
from collections.abc import Mapping

from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str | bytes) -> Samples:
    """Every sample of an exposition, keyed by name and label set."""
    if isinstance(text, bytes):
        text = text.decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def fetch(url: str) -> Samples:
    with urllib.request.urlopen(url, timeout=10) as response:
        return parse(response.read())


def value(samples: Samples, name: str, /, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def delta(before: Samples, after: Samples, name: str, /, **labels: str) -> float:
    """How much a sample grew; a sample that did not exist before counts from 0."""
    now = value(after, name, **labels)
    assert now is not None, f"{name}{labels} is not exported"
    return now - (value(before, name, **labels) or 0.0)


def fetch_once_moved(
    url: str, before: Samples, name: str, /, timeout: float = 10, **labels: str
) -> Samples:
    """The samples once ``name{labels}`` has grown since ``before`` (or at the timeout).

    Workers count a finished detection just after its row commits, so a test
    that saw the row may scrape a moment before the counter moves.
    """
    deadline = time.monotonic() + timeout
    while True:
        after = fetch(url)
        grown = (value(after, name, **labels) or 0.0) > (
            value(before, name, **labels) or 0.0
        )
        if grown or time.monotonic() > deadline:
            return after
        time.sleep(0.1)


def matching(
    samples: Samples, name: str, /, **labels: str
) -> Mapping[frozenset, float]:
    """The samples of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return {
        key_labels: sample
        for (sample_name, key_labels), sample in samples.items()
        if sample_name == name and wanted <= key_labels
    }
