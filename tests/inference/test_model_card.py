"""The model card: a Markdown template filled from the build's own record."""

import copy
import json
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from inference.training.model_card import TEMPLATE
from inference.training.model_card import render
from inference.training.record import BUILD_INFO

SHIPPED = Path(settings.BASE_DIR) / "models" / "default"
# Licence names carry version numbers; they are names, not figures.
LICENCE_NAME = re.compile(r"CC BY(-[A-Z]+)* \d\.\d")


@pytest.fixture
def record() -> dict:
    """The shipped checkpoint's build record."""
    return json.loads((SHIPPED / BUILD_INFO).read_text())


def test_model_card_template_holds_no_figures():
    """Every number on the card comes from the record: the template types none."""
    text = LICENCE_NAME.sub("", TEMPLATE.read_text())
    text = re.sub(r"\$\{\w+\}", "", text)

    assert not re.findall(r".*\d.*", text)


def test_model_card_shows_the_figures_of_its_build_record(record):
    """Changed figures in build_info.json change the card, table rows included."""
    other = copy.deepcopy(record)
    other["calibration"]["ece"] = 0.4321
    other["thresholds"]["fake_threshold"] = 0.8765
    other["splices"] = {"files": 7, "separated": 3, "share": 3 / 7}
    other["cross_validation"]["speakers"][0]["eer"] = 0.9876
    other["folds"] = other["folds"][:3]
    other["fast_path"]["enabled"] = False

    card = " ".join(render(other).split())

    assert "expected calibration error **0.432**" in card
    assert "`fake` from **0.88**" in card
    assert "**3 of 7** (42.9 %)" in card
    assert "98.8 %" in card
    assert "grouped cross-validation (3 folds)" in card
    assert "switched off for this checkpoint" in card
    assert "0.432" not in render(record)


def test_model_card_lists_the_records_material_and_coverage(record):
    """Sources, FSDD speakers, conditions and languages come from the record."""
    card = render(record)

    for source in record["sources"]:
        assert f"| {source['repository']} | {source['licence']} |" in card
    for fold in record["folds"]:
        assert fold["fsdd_speaker"] in card
    for condition in record["coverage"]["conditions"]:
        assert f"- {condition}\n" in card
    assert "- **Languages**: nearly all material is English:" in card


def test_model_card_refuses_a_record_missing_a_figure(record):
    """A record without calibration cannot fill the card: KeyError, not a blank."""
    del record["calibration"]

    with pytest.raises(KeyError, match="calibration"):
        render(record)


def test_shipped_model_card_is_rendered_from_its_build_record(record):
    """models/default/README.md is exactly the template filled from build_info.json."""
    assert (SHIPPED / "README.md").read_text() == render(record)


def test_card_only_rerenders_an_existing_checkpoints_card(tmp_path, record):
    """build_default_model --card-only rewrites README.md from build_info.json alone."""
    shutil.copy(SHIPPED / BUILD_INFO, tmp_path / BUILD_INFO)
    (tmp_path / "README.md").write_text("a card written by hand\n")

    call_command("build_default_model", "--card-only", "--output", str(tmp_path))

    assert (tmp_path / "README.md").read_text() == render(record)
