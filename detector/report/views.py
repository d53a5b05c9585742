"""GET audio/status/{id}/report.json and report.pdf: the owner's evidence report."""

from collections.abc import Iterable
from typing import cast

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from detector.report import service
from detector.report.serializers import EvidenceReportSerializer
from detector.views import UserDetectionsView

ERRORS = {
    404: OpenApiResponse(description="You have no detection with this id."),
    409: OpenApiResponse(description="The detection has not completed or failed yet."),
    429: OpenApiResponse(description="Too many reports; see Retry-After."),
}


class AnyAcceptNegotiation(BaseContentNegotiation):
    """Serve whatever the client accepts: the PDF bypasses renderers, errors are JSON.

    DRF's default answers 406 to ``Accept: application/pdf`` before the view runs.
    """

    def select_parser(
        self, request: Request, parsers: Iterable[BaseParser]
    ) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class ReportView(UserDetectionsView):
    throttle_scope = "report"
    renderer_classes = (JSONRenderer,)
    content_negotiation_class = AnyAcceptNegotiation

    @staticmethod
    def attachment(request_id: str, extension: str) -> str:
        return f'attachment; filename="evidence-report-{request_id}.{extension}"'


class ReportJsonView(ReportView):
    @extend_schema(
        operation_id="audio_status_report_json",
        responses={200: EvidenceReportSerializer, **ERRORS},
    )
    def get(self, request: Request, request_id: str) -> Response:
        """The evidence report as JSON; the download is recorded in its custody log."""
        detection = self.get_object()
        body = service.json_report(detection, cast(User, request.user))
        response = Response(body)
        response["Content-Disposition"] = self.attachment(
            str(detection.request_id), "json"
        )
        return response


class ReportPdfView(ReportView):
    @extend_schema(
        operation_id="audio_status_report_pdf",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            **ERRORS,
            503: OpenApiResponse(description="Too many PDFs in progress; retry."),
        },
    )
    def get(self, request: Request, request_id: str) -> HttpResponse:
        """The evidence report as a PDF; the download is recorded in its custody log."""
        detection = self.get_object()
        pdf = service.pdf_report(detection, cast(User, request.user))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = self.attachment(
            str(detection.request_id), "pdf"
        )
        return response
