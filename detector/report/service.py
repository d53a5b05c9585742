"""Producing a detection's evidence report, recorded in its custody log.

A PDF costs CPU (decoding the recording, drawing the figure, laying out
pages), so at most ``DETECTOR_REPORT_CONCURRENCY`` are rendered at once per
web process; a caller that waits ``DETECTOR_REPORT_WAIT_SECONDS`` for a slot
is told to retry (503) instead of piling threads onto the CPU. The figure is
cached per run (``detector.report.timeline``), so repeated downloads only
lay the pages out again. The JSON report is cheap and needs no slot.
"""

import threading
from typing import Any

from django.conf import settings
from django.db import transaction
from rest_framework import status
from rest_framework.exceptions import APIException

from accounts.models import User
from detector.custody import record_event
from detector.models import Detection
from detector.report.content import FINAL_STATUSES
from detector.report.content import build_report
from detector.report.content import report_chunks
from detector.report.pdf import render_pdf
from detector.report.serializers import EvidenceReportSerializer
from detector.report.timeline import timeline_for
from detector.services import recorded_policy

_slots = threading.BoundedSemaphore(settings.DETECTOR_REPORT_CONCURRENCY)


class ReportNotReadyError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "report_not_ready"

    def __init__(self, detection: Detection) -> None:
        super().__init__(
            f"This detection is still {detection.status}; its report can be made "
            "once it has completed or failed."
        )


class ReportBusyError(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = (
        "Too many reports are being prepared right now; please retry shortly."
    )
    default_code = "report_busy"
    wait = 5  # DRF's handler turns it into Retry-After


def json_report(detection: Detection, reader: User) -> dict[str, Any]:
    """The report's body, with this download in its custody section."""
    _require_final(detection)
    with transaction.atomic():
        record_event(detection, "report_downloaded", actor=reader, format="json")
        return EvidenceReportSerializer(build_report(detection, reader)).data


def pdf_report(detection: Detection, reader: User) -> bytes:
    """The report as a PDF, rendered in one of the process's few report slots."""
    _require_final(detection)
    if not _slots.acquire(timeout=settings.DETECTOR_REPORT_WAIT_SECONDS):
        raise ReportBusyError
    try:
        timeline = None
        if detection.status == Detection.Status.COMPLETED:
            policy, _ = recorded_policy(detection.verdict_policy)
            timeline = timeline_for(detection, report_chunks(detection), policy)
        # The event and the document that lists it commit together.
        with transaction.atomic():
            record_event(detection, "report_downloaded", actor=reader, format="pdf")
            body = EvidenceReportSerializer(build_report(detection, reader)).data
            return render_pdf(body, timeline)
    finally:
        _slots.release()


def _require_final(detection: Detection) -> None:
    if detection.status not in FINAL_STATUSES:
        raise ReportNotReadyError(detection)
