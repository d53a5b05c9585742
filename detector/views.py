"""Upload, status, history and health endpoints."""

import uuid
from typing import cast

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.log import log_response
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from detector import deletion
from detector import remote
from detector import services
from detector.custody import record_event
from detector.exceptions import NoFileError
from detector.exceptions import RecordingDeletedError
from detector.exceptions import RecordingNotFetchedError
from detector.exceptions import SeveralFilesError
from detector.filters import DetectionFilter
from detector.health import run_checks
from detector.intake import recording_type
from detector.models import Detection
from detector.parsers import UploadMultiPartParser
from detector.reviews.labels import with_labels
from detector.serializers import DetectionSerializer
from detector.serializers import DetectionSummarySerializer
from detector.serializers import HealthSerializer
from detector.serializers import RetainAudioSerializer
from detector.serializers import UploadAcceptedSerializer
from detector.serializers import UploadRequestSerializer
from detector.serializers import UrlUploadRequestSerializer
from detector.serializers import status_url

# The same for a missing, malformed or another user's id.
DETECTION_NOT_FOUND = "You have no detection with this id."


class UploadView(APIView):
    parser_classes = (UploadMultiPartParser, JSONParser)
    throttle_scope = "upload"
    api_key_writes = True  # read+upload API keys may submit (accounts.permissions)

    @extend_schema(
        request={
            "multipart/form-data": UploadRequestSerializer,
            "application/json": UrlUploadRequestSerializer,
        },
        responses={
            202: UploadAcceptedSerializer,
            400: OpenApiResponse(description="No file, or an empty file."),
            413: OpenApiResponse(description="Larger than the upload limit."),
            415: OpenApiResponse(description="Not an allowed audio container."),
            429: OpenApiResponse(description="Too many uploads; see Retry-After."),
        },
    )
    def post(self, request: Request) -> Response:
        """Accept a recording (a file, or JSON with its URL) for detection.

        Poll the status URL or listen on the socket. A URL is checked here for
        its form only; a worker fetches it, and a refused or failed fetch
        fails the detection with a sentence saying why.
        """
        owner = cast(User, request.user)
        if request.content_type.startswith(JSONParser.media_type):
            link = UrlUploadRequestSerializer(data=request.data)
            link.is_valid(raise_exception=True)
            url = link.validated_data["url"]
            detection = services.submit_url(
                owner,
                url,
                remote.name_from_url(url),
                retain_audio=link.validated_data["retain_audio"],
            )
        else:
            detection = self._submit_file(request, owner)
        body = {
            "request_id": detection.request_id,
            "status": detection.status,
            "status_url": status_url(detection, request),
        }
        return Response(
            UploadAcceptedSerializer(body).data, status=status.HTTP_202_ACCEPTED
        )

    def _submit_file(self, request: Request, owner: User) -> Detection:
        uploads = request.FILES.getlist("file")
        if not uploads:
            raise NoFileError
        if len(request.FILES) > 1 or len(uploads) > 1:
            raise SeveralFilesError
        options = RetainAudioSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        return services.submit_upload(
            owner,
            uploads[0],
            recording_type(uploads[0]),
            retain_audio=options.validated_data["retain_audio"],
        )


class UserDetectionsView(generics.GenericAPIView):
    def get_queryset(self) -> QuerySet[Detection]:
        if getattr(self, "swagger_fake_view", False):
            # Schema generation has no user; the model is all it needs (filters).
            return Detection.objects.none()
        # Scoped to the caller, so another user's detection is a plain 404.
        owner = cast(User, self.request.user)
        detections = Detection.objects.filter(user=owner).select_related("audio_file")
        return with_labels(detections)  # the review fields read the newest label

    def get_object(self) -> Detection:
        try:
            request_id = uuid.UUID(self.kwargs["request_id"])
        except ValueError:
            raise NotFound(DETECTION_NOT_FOUND) from None
        try:
            return self.get_queryset().get(request_id=request_id)
        except Detection.DoesNotExist:
            raise NotFound(DETECTION_NOT_FOUND) from None


class StatusView(UserDetectionsView, generics.RetrieveDestroyAPIView):
    """A detection's status, chunk map, verdict, timings and model; DELETE removes it."""

    serializer_class = DetectionSerializer
    api_key_writes = True  # a read+upload key may delete what it uploaded

    def perform_destroy(self, instance: Detection) -> None:
        # Stops it cleanly if it is being processed; gone meanwhile is gone.
        deletion.delete_detection(cast(User, self.request.user), instance.request_id)


class RecordingView(UserDetectionsView):
    @extend_schema(responses={(200, "audio/*"): OpenApiTypes.BINARY})
    def get(self, request: Request, request_id: str) -> FileResponse:
        """The uploaded recording itself, for playback."""
        detection = self.get_object()
        audio = detection.audio_file
        if audio.audio_deleted_at is not None:
            raise RecordingDeletedError
        if not audio.storage_path:
            raise RecordingNotFetchedError
        stored = default_storage.open(audio.storage_path, "rb")
        # Recorded before a byte is served: no access without its custody entry.
        record_event(detection, "audio_downloaded", actor=cast(User, request.user))
        return FileResponse(
            stored, content_type=audio.content_type, filename=audio.original_filename
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

    @extend_schema(responses={200: HealthSerializer, 503: HealthSerializer})
    def get(self, request: Request) -> Response:
        """200 when the database, Redis and an inference worker answer; 503 naming what is down."""
        checks = run_checks()
        failing = {name: state for name, state in checks.items() if state != "ok"}
        response = Response(
            {"status": "unavailable" if failing else "ok", "checks": checks},
            status=status.HTTP_503_SERVICE_UNAVAILABLE
            if failing
            else status.HTTP_200_OK,
        )
        if failing:
            # An outage is what health exists to report, polled every few
            # seconds: one WARNING naming it, not Django's ERROR per probe.
            log_response(
                "Health unavailable: %s",
                "; ".join(f"{name}: {state}" for name, state in failing.items()),
                response=response,
                request=request,
                level="warning",
            )
        return response
