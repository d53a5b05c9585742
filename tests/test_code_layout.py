"""Rules of the code's layout that a review would otherwise have to catch."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("accounts", "bench", "config", "detector", "inference", "tests")
# The worker's modules that run as Celery tasks: the only ones that change a
# detection's state, so the only ones that may call the detector's services.
INFERENCE_TASK_MODULES = {"tasks.py", "stream_tasks.py"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


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
