"""Grouped folds: nothing a fold scores was trained on, by file, system, source or speaker."""

import numpy as np

from inference.training.crossval import Fold
from inference.training.crossval import ScoredFile
from inference.training.crossval import SpliceTrial
from inference.training.crossval import held_out
from inference.training.crossval import in_training
from inference.training.crossval import plan_folds
from inference.training.grouped import grouped_report
from inference.training.material import FSDD
from inference.training.material import NEURAL
from inference.training.material import Item
from inference.training.sampling import balanced_weights


def item(**fields: object) -> Item:
    defaults: dict[str, object] = {
        "audio": np.zeros(16_000, dtype=np.int16),
        "is_spoof": False,
        "domain": NEURAL,
        "source": "a",
        "system": "-",
        "speaker": "s",
        "corpus": "VCTK",
        "origin": "x",
    }
    return Item(**{**defaults, **fields})  # type: ignore[arg-type]


def toy_items() -> list[Item]:
    items = []
    for number, source in enumerate("abcdefgh"):
        for copy in range(2):
            items.append(item(source=source, origin=f"{source}-h", copy=copy))
            items.append(
                item(
                    source=source,
                    origin=f"{source}-s",
                    is_spoof=True,
                    system=f"SYS{number % 5}",
                    copy=copy,
                )
            )
    for speaker in ("ann", "bob", "cid", "dan"):
        for split in ("train", "eval"):
            items.append(
                item(
                    domain=FSDD,
                    source=FSDD,
                    corpus=FSDD,
                    speaker=speaker,
                    origin=f"{speaker}-{split}",
                    split=split,
                )
            )
            items.append(
                item(
                    domain=FSDD,
                    source=FSDD,
                    corpus=FSDD,
                    speaker=speaker,
                    origin=f"{speaker}-{split}-v",
                    split=split,
                    is_spoof=True,
                    system="voc-world",
                )
            )
        items.append(
            item(
                domain=FSDD,
                source=FSDD,
                corpus=FSDD,
                speaker=f"tts-{speaker}",
                origin=f"tts-{speaker}",
                split="eval",
                is_spoof=True,
                system="tts-espeak",
            )
        )
    return items


def test_folds_share_no_file_system_source_or_speaker_with_training():
    items = toy_items()
    folds = plan_folds(items, 4)
    assert sorted(f.speaker for f in folds) == ["ann", "bob", "cid", "dan"]
    assert set().union(*(f.sources for f in folds)) == set("abcdefgh")
    scored_once = set()
    for fold in folds:
        training = [i for i in items if in_training(i, fold)]
        scored = [i for i in items if held_out(i, fold, len(folds))]
        assert scored
        assert all(i.copy == 0 for i in scored)
        trained_origins = {i.origin for i in training}
        trained_systems = {i.system for i in training if i.is_spoof}
        trained_sources = {i.source for i in training if i.domain == NEURAL}
        trained_speakers = {i.speaker for i in training if i.domain == FSDD}
        for i in scored:
            assert i.origin not in trained_origins
            if i.domain == NEURAL:
                assert i.source not in trained_sources or i.system in fold.systems
                if i.is_spoof and i.system in fold.systems:
                    assert i.system not in trained_systems
            else:
                assert i.speaker not in trained_speakers
        assert not any(i.split == "eval" for i in training if i.domain == FSDD)
        scored_once |= {i.origin for i in scored}
    assert scored_once == {i.origin for i in items if i.domain == NEURAL} | {
        i.origin for i in items if i.split == "eval"
    }


def test_balanced_weights_give_each_corpus_the_same_share_in_both_classes():
    items = [
        *(item(origin=f"lj{i}", corpus="LJ") for i in range(40)),
        *(item(origin=f"vc{i}", corpus="VCTK", speaker=f"p{i}") for i in range(5)),
        *(
            item(origin=f"ljs{i}", corpus="LJ", is_spoof=True, system="A")
            for i in range(5)
        ),
        *(
            item(origin=f"vcs{i}", corpus="VCTK", is_spoof=True, system=f"B{i % 2}")
            for i in range(60)
        ),
    ]
    weights = balanced_weights(items)
    assert np.isclose(weights.sum(), 1.0)

    def share(corpus: str, spoof: bool) -> float:
        return sum(
            w
            for w, i in zip(weights, items, strict=True)
            if i.corpus == corpus and i.is_spoof == spoof
        )

    assert np.isclose(share("LJ", False) + share("VCTK", False), 0.5)
    assert np.isclose(share("LJ", False), share("LJ", True))
    assert np.isclose(share("VCTK", False), share("VCTK", True))


def test_grouped_report_scores_each_held_out_system_and_pools_them():
    fold = Fold(0, frozenset({"a"}), frozenset({"GOOD", "BAD"}), None)
    scored = [
        ScoredFile(0, item(origin="h1"), [0.1]),
        ScoredFile(0, item(origin="h2"), [0.2, 0.3]),
        ScoredFile(0, item(origin="g", is_spoof=True, system="GOOD"), [0.9]),
        ScoredFile(0, item(origin="b", is_spoof=True, system="BAD"), [0.05]),
    ]
    report = grouped_report(scored, [fold])
    rows = {r.name: r for r in report.systems}
    assert rows["GOOD"].eer == 0.0
    assert rows["BAD"].eer == 1.0
    assert rows["pooled"].spoof == 2
    assert report.worst("systems").name == "BAD"
    assert SpliceTrial(0, [0.1, 0.2], [0.3, 0.9]).separated
    assert not SpliceTrial(0, [0.1, 0.5], [0.4, 0.9]).separated
