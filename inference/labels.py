"""The two classes every checkpoint this project writes predicts, named once.

Protocol files, corpus counts, self-test clips and the classifier head all
use these names; ``inference.model`` finds the fake class by its name.
"""

from typing import Any

BONAFIDE = "bonafide"
SPOOF = "spoof"
ID2LABEL = {0: BONAFIDE, 1: SPOOF}


def head_options() -> dict[str, Any]:
    """The config options of a fresh bonafide/spoof classifier head."""
    return {
        "num_labels": len(ID2LABEL),
        "id2label": dict(ID2LABEL),
        "label2id": {label: index for index, label in ID2LABEL.items()},
    }
