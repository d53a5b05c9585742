"""Upload, status, history and health endpoints."""

import uuid
from typing import Any
from typing import cast

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from detector import services
from detector.exceptions import EmptyFileError
from detector.exceptions import FileTooLargeError
from detector.exceptions import NoFileError
from detector.exceptions import UnsupportedAudioError
from detector.filters import DetectionFilter
from detector.health import run_checks
from detector.models import Detection
from detector.serializers import DetectionSerializer
from detector.serializers import DetectionSummarySerializer
from detector.serializers import UploadAcceptedSerializer
from detector.serializers import UploadRequestSerializer
from detector.serializers import status_url
from detector.sniffing import SNIFF_BYTES
from detector.sniffing import sniff_audio_type


class UploadView(APIView):
    parser_classes = (MultiPartParser,)
    throttle_scope = "upload"

    @extend_schema(
        request={"multipart/form-data": UploadRequestSerializer},
        responses={
            202: UploadAcceptedSerializer,
            400: OpenApiResponse(description="No file, or an empty file."),
            413: OpenApiResponse(description="Larger than the upload limit."),
            415: OpenApiResponse(description="Not an allowed audio container."),
            429: OpenApiResponse(description="Too many uploads; see Retry-After."),
        },
    )
    def post(self, request: Request) -> Response:
        """Accept a recording for detection; poll the status URL or listen on the socket."""
        upload = request.FILES.get("file")
        if upload is None:
            raise NoFileError
        if not upload.size:
            raise EmptyFileError
        if upload.size > settings.DETECTOR_MAX_UPLOAD_BYTES:
            raise FileTooLargeError
        content_type = sniff_audio_type(upload.read(SNIFF_BYTES))
        upload.seek(0)
        if content_type is None:
            raise UnsupportedAudioError
        detection = services.submit_upload(
            cast(User, request.user), upload, content_type
        )
        body = {
            "request_id": detection.request_id,
            "status": detection.status,
            "status_url": status_url(detection, request),
        }
        return Response(
            UploadAcceptedSerializer(body).data, status=status.HTTP_202_ACCEPTED
        )


class UserDetectionsView(generics.GenericAPIView):
    def get_queryset(self) -> QuerySet[Detection]:
        # Scoped to the caller, so another user's detection is a plain 404.
        owner = cast(User, self.request.user)
        return Detection.objects.filter(user=owner).select_related("audio_file")

    def get_object(self) -> Detection:
        try:
            request_id = uuid.UUID(self.kwargs["request_id"])
        except ValueError:
            raise Http404 from None
        try:
            return self.get_queryset().get(request_id=request_id)
        except Detection.DoesNotExist:
            raise Http404 from None


class StatusView(UserDetectionsView, generics.RetrieveAPIView):
    """A detection's status, chunk map, verdict, timings and model."""

    serializer_class = DetectionSerializer


class RecordingView(UserDetectionsView):
    @extend_schema(responses={(200, "audio/*"): OpenApiTypes.BINARY})
    def get(self, request: Request, request_id: str) -> FileResponse:
        """The uploaded recording itself, for playback."""
        audio = self.get_object().audio_file
        return FileResponse(
            default_storage.open(audio.storage_path, "rb"),
            content_type=audio.content_type,
            filename=audio.original_filename,
        )


class HistoryView(UserDetectionsView, generics.ListAPIView):
    """The caller's detections, newest first."""

    serializer_class = DetectionSummarySerializer
    filterset_class = DetectionFilter
    search_fields = ("audio_file__original_filename",)

    def get_queryset(self) -> QuerySet[Detection]:
        return super().get_queryset().order_by("-submitted_at", "-id")


class HealthView(APIView):
    permission_classes = (AllowAny,)
    authentication_classes = ()

    @extend_schema(responses={200: dict[str, Any], 503: dict[str, Any]})
    def get(self, request: Request) -> Response:
        """200 when the database, Redis and an inference worker answer; 503 naming what is down."""
        checks = run_checks()
        healthy = all(state == "ok" for state in checks.values())
        return Response(
            {"status": "ok" if healthy else "unavailable", "checks": checks},
            status=status.HTTP_200_OK
            if healthy
            else status.HTTP_503_SERVICE_UNAVAILABLE,
        )
