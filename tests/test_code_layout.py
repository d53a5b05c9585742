"""Rules of the code's layout that a review would otherwise have to catch."""

import sys
from pathlib import Path

from tests.support import imported_modules

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
PACKAGES = ("accounts", "bench", "config", "detector", "inference", "tests")
# The worker's modules that run as Celery tasks: the only ones that change a
# detection's state, so the only ones that may call the detector's services.
INFERENCE_TASK_MODULES = {"tasks.py", "stream_tasks.py"}


def test_no_module_shadows_the_standard_library() -> None:
    names = {
        path.stem for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }
    assert names & sys.stdlib_module_names == set()


def test_inference_calls_detector_services_only_from_its_tasks() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "inference").rglob("*.py")
        if path.name not in INFERENCE_TASK_MODULES
        and "detector.services" in imported_modules(path)
    ]
    assert offenders == []


def is_test_module(name: str) -> bool:
    """A test module of ours: under ``tests``, or relative, named ``test_*``."""
    local = name.startswith(("tests.", "."))
    return local and name.rpartition(".")[2].startswith("test_")


def test_no_test_module_imports_another() -> None:
    """Shared helpers live in support modules or fixtures, not in test modules."""
    offenders = sorted(
        f"{path.relative_to(TESTS)} imports {name}"
        for path in TESTS.rglob("test_*.py")
        for name in imported_modules(path)
        if is_test_module(name)
    )
    assert offenders == []


def test_layout_check_sees_test_module_imports(tmp_path: Path) -> None:
    """The check above catches the three ways to import a test module."""
    module = tmp_path / "test_example.py"
    module.write_text(
        "from tests.pipeline.test_pipeline import submit\n"
        "from tests.detector import test_admin\n"
        "from .test_upload import dead_broker\n"
    )
    found = {name for name in imported_modules(module) if is_test_module(name)}
    assert found == {
        "tests.pipeline.test_pipeline",
        "tests.detector.test_admin",
        ".test_upload",
    }
