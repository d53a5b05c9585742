"""The neural corpus reader: items, sources, and the reserved repositories."""

from inference.training.neural import is_reserved
from inference.training.neural import read_neural_corpus
from inference.training.neural import source_summary
from tests.neural_fixtures import SOURCES
from tests.neural_fixtures import write_neural_corpus


def test_reader_returns_every_file_but_the_reserved_ones(tmp_path):
    items = read_neural_corpus(write_neural_corpus(tmp_path, files_per_class=2))
    assert len(items) == len(SOURCES) * 4
    assert all(item.path.is_file() for item in items)
    assert {item.repository for item in items} == {s[1] for s in SOURCES}
    spoof = [item for item in items if item.is_spoof]
    assert {item.system for item in spoof} == {s[4] for s in SOURCES}
    assert all(item.system == "-" for item in items if not item.is_spoof)
    assert {item.source_tag for item in items} == {s[0] for s in SOURCES}


def test_reserved_repositories_are_matched_whatever_the_case():
    assert is_reserved("jaywalnut310/vits-demo")
    assert is_reserved("Edresson/YourTTS")
    assert is_reserved(" styletts2/styletts2.github.io ")
    assert not is_reserved("coqui-ai/TTS")


def test_source_summary_counts_each_class(tmp_path):
    items = read_neural_corpus(write_neural_corpus(tmp_path, files_per_class=3))
    rows = source_summary(items)
    assert [r["repository"] for r in rows] == sorted(s[1] for s in SOURCES)
    assert all(r["bonafide"] == 3 and r["spoof"] == 3 for r in rows)
