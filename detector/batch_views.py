"""Batch endpoints: several recordings (or one zip of them) in one request, and their status."""

import uuid
from collections.abc import Iterator
from typing import Any
from typing import cast

from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from detector import archives
from detector.archives import Entry
from detector.batch_intake import FileResult
from detector.batch_intake import submit_batch
from detector.batch_serializers import BatchAcceptedSerializer
from detector.batch_serializers import BatchRefusedSerializer
from detector.batch_serializers import BatchRequestSerializer
from detector.batch_serializers import BatchSerializer
from detector.batch_serializers import batch_url
from detector.exceptions import NoFileError
from detector.exceptions import TooManyBatchFilesError
from detector.models import Batch
from detector.parsers import UploadMultiPartParser
from detector.serializers import RetainAudioSerializer
from detector.serializers import status_url
from detector.sniffing import SNIFF_BYTES

BATCH_NOT_FOUND = "You have no batch with this id."
NOTHING_ACCEPTED = "None of the files could be accepted; each one says why."
ZIP_NOT_ALONE = (
    "A zip is accepted only as the batch's one file; send the recordings in it "
    "as separate files, or the zip alone."
)


class BatchUploadView(APIView):
    parser_classes = (UploadMultiPartParser,)
    # One hit per request whatever it holds; its size is bounded by the batch limits.
    throttle_scope = "batch"
    api_key_writes = True  # read+upload API keys may submit (accounts.permissions)

    @extend_schema(
        request={"multipart/form-data": BatchRequestSerializer},
        responses={
            202: BatchAcceptedSerializer,
            400: OpenApiResponse(
                description="Too many files, a damaged or oversized zip, or no "
                "acceptable file: then `files` lists each file with the reason "
                "beside the `detail` sentence."
            ),
            413: OpenApiResponse(description="Larger than the batch limit."),
            429: OpenApiResponse(description="Too many batches; see Retry-After."),
        },
    )
    def post(self, request: Request) -> Response:
        """Submit several recordings, or one zip of them, as one batch.

        Each file is checked like a single upload; a refused one is reported
        with its reason and the others go ahead.
        """
        try:
            uploads = request.FILES.getlist("file")
        except TooManyFilesSent as error:
            raise TooManyBatchFilesError from error
        if not uploads:
            raise NoFileError
        options = RetainAudioSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        try:
            batch, results = submit_batch(
                cast(User, request.user),
                batch_entries(uploads),
                retain_audio=options.validated_data["retain_audio"],
            )
        except archives.ArchiveError as error:
            raise ParseError(str(error)) from error
        files = [file_body(result, request) for result in results]
        if batch is None:
            refused = {"detail": NOTHING_ACCEPTED, "files": files}
            return Response(
                BatchRefusedSerializer(refused).data,
                status=status.HTTP_400_BAD_REQUEST,
            )
        body = {
            "batch_id": batch.pk,
            "status_url": batch_url(batch, request),
            "files": files,
        }
        return Response(
            BatchAcceptedSerializer(body).data, status=status.HTTP_202_ACCEPTED
        )


class BatchStatusView(generics.RetrieveAPIView):
    """Counts per status and the members of one of the caller's batches."""

    serializer_class = BatchSerializer

    def get_object(self) -> Batch:
        try:
            batch_id = uuid.UUID(self.kwargs["batch_id"])
        except ValueError:
            raise NotFound(BATCH_NOT_FOUND) from None
        owner = cast(User, self.request.user)
        batch = Batch.objects.filter(owner=owner, pk=batch_id).first()
        if batch is None:  # the same for another user's batch
            raise NotFound(BATCH_NOT_FOUND)
        return batch


def batch_entries(uploads: list[UploadedFile]) -> Iterator[Entry]:
    """The files to submit: the uploads themselves, or the entries of a lone zip."""
    if len(uploads) == 1 and _is_zip(uploads[0]):
        yield from archives.entries(uploads[0])
        return
    for upload in uploads:
        name = upload.name or "recording"
        if _is_zip(upload):
            yield Entry(name, error=ZIP_NOT_ALONE)
        else:
            yield Entry(name, upload)


def file_body(result: FileResult, request: Request) -> dict[str, Any]:
    detection = result.detection
    return {
        "file_name": result.file_name,
        "request_id": detection.request_id if detection else None,
        "status_url": status_url(detection, request) if detection else None,
        "error": result.error,
    }


def _is_zip(upload: UploadedFile) -> bool:
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return archives.is_zip(head)
