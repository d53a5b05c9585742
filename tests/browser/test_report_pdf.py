"""The evidence report's pages rendered to images (poppler), saved as artifacts."""

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from tests.browser.support import ARTIFACTS
from tests.browser.support import ROOT
from tests.detector.reporting import complete
from tests.detector.reporting import upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

FAKE_RED = (198, 40, 40)  # detector.report.figure.COLORS["fake"]


def render_pages(pdf: Path, output: Path) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(output / "report-page")],
        check=True,
    )
    return sorted(output.glob("report-page-*.png"))


def ink_share(page: Image.Image) -> float:
    """The share of pixels that are not white."""
    gray = page.convert("L")
    dark = sum(count for level, count in enumerate(gray.histogram()) if level < 240)
    return dark / (gray.width * gray.height)


def test_report_pages_render_with_text_and_the_timeline(
    alice_client: APIClient, settings: object, tmp_path: Path
) -> None:
    """Page 1 carries text, and one page shows the fake chunk's red bar."""
    settings.DETECTOR_MODEL = str(ROOT / "models" / "default")  # type: ignore[attr-defined]
    detection = complete(upload(alice_client))
    url = reverse("detector:report-pdf", args=[str(detection.request_id)])
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(alice_client.get(url).content)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = render_pages(pdf, ARTIFACTS)
    assert pages
    images = [Image.open(page).convert("RGB") for page in pages]
    assert 0.01 < ink_share(images[0]) < 0.5
    assert any(
        FAKE_RED in {color for _, color in image.getcolors(1 << 20)} for image in images
    )
