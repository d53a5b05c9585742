"""Balanced sampling: no corpus, speaker or system can stand in for the class.

Human speech is scarce and lopsided (one LJSpeech voice, many VCTK and
LibriSpeech voices, few of anything else), spoof systems range from 2 to 22
files. Each training draw picks a domain, then a class (half and half), then
a voice corpus with the same share in both classes (so a corpus says nothing
about the class), then a system or speaker, then a file and a copy. Shares
grow with the square root of the counts: big groups are not drowned, small
ones are not repeated into memorisation.
"""

from collections import Counter
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Hashable
from collections.abc import Sequence

import numpy as np

from inference.training.material import FSDD
from inference.training.material import NEURAL
from inference.training.material import Item

DOMAIN_SHARES = {NEURAL: 0.6, FSDD: 0.4}


def balanced_weights(items: Sequence[Item]) -> np.ndarray:
    """A sampling probability for every item, summing to one."""
    weights = np.zeros(len(items))
    domains = _group(range(len(items)), lambda i: items[i].domain)
    present = {d: DOMAIN_SHARES.get(str(d), 1.0) for d in domains}
    total = sum(present.values())
    for domain, members in domains.items():
        _spread_domain(items, members, present[domain] / total, weights)
    return weights / weights.sum()


def _spread_domain(
    items: Sequence[Item], members: list[int], share: float, weights: np.ndarray
) -> None:
    by_class = _group(members, lambda i: items[i].is_spoof)
    corpus_share = {
        corpus: np.sqrt(len(group))
        for corpus, group in _group(members, lambda i: items[i].corpus).items()
    }
    for is_spoof, in_class in by_class.items():
        class_share = share / len(by_class)
        corpora = _group(in_class, lambda i: items[i].corpus)
        norm = sum(corpus_share[c] for c in corpora)
        for corpus, in_corpus in corpora.items():
            corpus_weight = class_share * corpus_share[corpus] / norm
            # Spoofs spread over systems; human speech over speakers.
            unit = (
                (lambda i: items[i].system)
                if is_spoof
                else (lambda i: items[i].speaker)
            )
            _spread_sqrt(in_corpus, unit, corpus_weight, items, weights)


def _spread_sqrt(
    members: list[int],
    key: Callable[[int], Hashable],
    share: float,
    items: Sequence[Item],
    weights: np.ndarray,
) -> None:
    groups = _group(members, key)
    norm = sum(np.sqrt(len(_origins(items, g))) for g in groups.values())
    for group in groups.values():
        copies = Counter(items[i].origin for i in group)
        group_share = share * np.sqrt(len(copies)) / norm
        for index in group:
            weights[index] = group_share / len(copies) / copies[items[index].origin]


def _origins(items: Sequence[Item], members: list[int]) -> set[str]:
    return {items[i].origin for i in members}


def _group(
    members: Sequence[int] | range, key: Callable[[int], Hashable]
) -> dict[Hashable, list[int]]:
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for index in members:
        groups[key(index)].append(index)
    return dict(groups)
