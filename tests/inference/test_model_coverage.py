"""The coverage a build declares, and the shipped default's, match the material code."""

import json
from pathlib import Path

from django.conf import settings

from inference.training import augment
from inference.training.coverage import declared_coverage

SHIPPED = Path(settings.BASE_DIR) / "models" / "default" / "build_info.json"


def test_declared_coverage_lists_every_codec_and_rate_of_the_material():
    """Augmentation codecs, the 8 kHz FSDD channel and 16 kHz speech are declared."""
    coverage = declared_coverage({"neural": {"VITS": 2, "bonafide": 3}})

    assert set(augment.CODEC_BITRATES) <= set(coverage["codecs"])
    assert {"pcm", "vorbis"} <= set(coverage["codecs"])
    assert coverage["sample_rates_hz"] == [8000, 16000]
    assert coverage["telephone_band"] == "simulated"
    assert coverage["systems"] == ["VITS"]


def test_shipped_default_declares_the_coverage_it_was_built_with():
    """models/default/build_info.json holds what its build would declare today."""
    info = json.loads(SHIPPED.read_text())

    assert info["coverage"] == declared_coverage(info["corpus"])
