"""The evidence report as a PDF (ReportLab), laid out from the serialized JSON body.

Fonts are the DejaVu faces that ship inside matplotlib, embedded in the
file: any script a file name uses prints, and nothing is fetched.
"""

import io
import re
from collections.abc import Iterable
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image
from reportlab.platypus import KeepTogether
from reportlab.platypus import ListFlowable
from reportlab.platypus import Paragraph
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus import Table
from reportlab.platypus import TableStyle
from reportlab.platypus.flowables import Flowable

from detector.report.timeline import Timeline

SANS, BOLD, MONO = "ReportSans", "ReportSans-Bold", "ReportMono"
MARGIN = 18 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN


@cache
def _fonts() -> None:
    import matplotlib

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in (
        (SANS, "DejaVuSans.ttf"),
        (BOLD, "DejaVuSans-Bold.ttf"),
        (MONO, "DejaVuSansMono.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(fonts / file)))


@cache
def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=SANS, fontSize=9, leading=12)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=16, leading=20),
        "heading": ParagraphStyle(
            "heading", body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=10
        ),
        "verdict": ParagraphStyle("verdict", body, fontName=BOLD, fontSize=11),
        "small": ParagraphStyle("small", body, fontSize=7.5, leading=9.5),
        "mono": ParagraphStyle("mono", body, fontName=MONO, fontSize=7.5),
    }


def render_pdf(report: dict[str, Any], timeline: Timeline | None) -> bytes:
    """Lay the report out on A4 pages with the request id and page number in the footer."""
    _fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"Evidence report {report['request_id']}",
        author="Audio deepfake detection platform",
        initialFontName=SANS,  # not Helvetica: every font in the file is embedded
    )
    footer = f"Evidence report {report['request_id']}"

    def draw_footer(canvas: Any, doc: Any) -> None:
        canvas.setFont(SANS, 7)
        canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"page {doc.page}")

    document.build(
        list(_story(report, timeline)),
        onFirstPage=draw_footer,
        onLaterPages=draw_footer,
    )
    return buffer.getvalue()


def _story(report: dict[str, Any], timeline: Timeline | None) -> Iterable[Flowable]:
    style = _styles()
    verdict, file, model = report["verdict"], report["file"], report["model"]
    yield Paragraph("Evidence report", style["title"])
    yield _text(
        f"Detection {report['request_id']}, generated {_time(report['generated_at'])} "
        f"for {report['generated_by']}. All times are UTC (ISO 8601).",
        "small",
    )
    yield _heading("Verdict")
    yield _text(verdict["statement"], "verdict")
    if verdict["confidence"] is not None:
        yield _text(f"Confidence: {verdict['confidence']:.4f}")
    yield _text("How the verdict is decided:")
    yield _bullets(verdict["rule"])
    thresholds = verdict["thresholds"]
    yield _pairs(
        [
            ("Likely fake from", f"{thresholds['likely_fake_threshold']}"),
            ("Fake from", f"{thresholds['fake_threshold']}"),
            ("Least speech for a verdict", f"{thresholds['min_speech_seconds']} s"),
        ]
    )

    yield _heading("Recording")
    yield _pairs(
        [
            ("File name", file["name"]),
            ("Size", f"{file['size_bytes']} bytes"),
            ("Duration", _unit(file["duration_seconds"], "s")),
            ("Format", file["content_type"]),
            ("Sample rate", _unit(file["sample_rate"], "Hz")),
            ("Channels", _unit(file["channels"], "")),
            ("SHA-256", file["sha256"], "mono"),
            ("Source link", file["source_url"] or "none (uploaded file)"),
            ("Uploaded", _time(file["uploaded_at"])),
            ("Finished", _time(report["processing"]["completed_at"]) or "not yet"),
            ("Audio deleted", _time(file["audio_deleted_at"]) or "no, still stored"),
        ]
    )

    yield _heading("Model")
    yield _pairs(
        [
            ("Name", model["name"] or "none"),
            ("Version", model["version"] or "none"),
            ("Trained", _unit(model["trained"], "")),
            ("Weights file", model["weights_file"] or "unknown"),
            ("Weights SHA-256", model["weights_sha256"] or "unknown", "mono"),
            ("Calibrated", _unit(model["calibrated"], "")),
            ("Calibration", _mapping(model["calibration"])),
            ("Checkpoint thresholds", _mapping(model["checkpoint_thresholds"])),
            (
                "Held-out evaluation",
                "; ".join(
                    f"{row['held_out']}: EER {row['eer']}, AUC {row['auc']}"
                    for row in model["evaluation"]
                )
                or "not stated",
            ),
        ]
    )
    if model["note"]:
        yield _text(model["note"], "small")

    if timeline is not None:
        yield KeepTogether(
            [
                _heading("Timeline"),
                _figure(timeline.png),
                _text(timeline.caption, "small"),
            ]
        )

    yield _heading("Chunks")
    yield _table(
        ["chunk", "start (s)", "end (s)", "speech", "score"],
        [
            [
                chunk["name"],
                f"{chunk['start']:.2f}",
                f"{chunk['end']:.2f}",
                "yes" if chunk["speech"] else "no",
                "-" if chunk["score"] is None else f"{chunk['score']:.4f}",
            ]
            for chunk in report["chunks"]
        ],
        empty="No chunk was scored.",
    )

    yield _heading("Reviewer labels")
    yield _table(
        ["time", "reviewer", "label", "comment"],
        [
            [
                _time(label["created_at"]),
                label["reviewer"],
                label["label"],
                label["comment"],
            ]
            for label in report["labels"]
        ],
        empty="No reviewer has labelled this detection.",
        widths=(0.26, 0.16, 0.12, 0.46),
    )

    yield _heading("Custody")
    yield _table(
        ["time", "event", "actor", "details"],
        [
            [
                _time(event["time"]),
                event["action_label"],
                event["actor"],
                _mapping(event["details"]),
            ]
            for event in report["custody"]
        ],
        empty="No event was recorded.",
        widths=(0.26, 0.18, 0.14, 0.42),
    )

    limits = report["limits"]
    yield _heading("Limits of this analysis")
    if limits["summary"]:
        yield _text(limits["summary"])
    if limits["trained_on"]:
        yield _text("What the model was trained on:")
        yield _bullets(limits["trained_on"])
    yield _text("What it does not cover:")
    yield _bullets(limits["known_limits"])


def _text(value: str, style: str = "body") -> Paragraph:
    # File names, comments and card text are data, never ReportLab markup.
    return Paragraph(escape(str(value)), _styles()[style])


def _heading(value: str) -> Paragraph:
    return _text(value, "heading")


def _bullets(items: Sequence[str]) -> ListFlowable:
    return ListFlowable(
        [_text(item) for item in items], bulletType="bullet", bulletFontName=SANS
    )


def _pairs(rows: Sequence[tuple[str, ...]]) -> Table:
    """A two-column fact table; a row's optional third item names the value's style."""
    cells = [
        [_text(row[0]), _text(row[1], row[2] if len(row) > 2 else "body")]
        for row in rows
    ]
    table = Table(cells, colWidths=(CONTENT_WIDTH * 0.28, CONTENT_WIDTH * 0.72))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    return table


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    empty: str,
    widths: Sequence[float] | None = None,
) -> Flowable:
    if not rows:
        return _text(empty)
    cells = [[_text(cell, "small") for cell in row] for row in [header, *rows]]
    column_widths = [CONTENT_WIDTH * share for share in widths] if widths else None
    table = Table(cells, colWidths=column_widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    return table


def _figure(png: bytes) -> Image:
    image = Image(io.BytesIO(png))
    scale = CONTENT_WIDTH / image.imageWidth
    image.drawWidth = CONTENT_WIDTH
    image.drawHeight = image.imageHeight * scale
    return image


def _unit(value: object, unit: str) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value} {unit}".strip()


def _mapping(values: dict[str, Any]) -> str:
    shown = [f"{key}: {value}" for key, value in values.items() if value != ""]
    return "; ".join(shown) or "none"


def _time(value: str | None) -> str:
    """An ISO 8601 UTC time to the second (the JSON keeps the microseconds)."""
    return re.sub(r"\.\d+Z$", "Z", value) if value else ""
