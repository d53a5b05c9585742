"""Upload refusals as API errors, each with the status code it answers."""

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException


class NoFileError(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = (
        "No file was sent: put the recording in the multipart field 'file'."
    )
    default_code = "no_file"


class EmptyFileError(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The file is empty."
    default_code = "empty_file"


class FileTooLargeError(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "file_too_large"

    def __init__(self) -> None:
        super().__init__(too_large_message())


class UnsupportedAudioError(APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_detail = (
        "This file is not a supported audio format. Upload WAV, FLAC, MP3, "
        "OGG (Vorbis or Opus), M4A/MP4 audio or WebM."
    )
    default_code = "unsupported_audio"


class SeveralFilesError(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Send one file per request; this request holds several."
    default_code = "several_files"


class TooManyBatchFilesError(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "too_many_files"

    def __init__(self) -> None:
        super().__init__(
            f"A batch holds at most {settings.DETECTOR_MAX_BATCH_FILES} files; "
            "send the others in another batch."
        )


class RecordingDeletedError(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = (
        "The recording itself was deleted after scoring (the upload asked not to "
        "keep it, or the retention period ended); the result and its sha256 remain."
    )
    default_code = "recording_deleted"


class RecordingNotFetchedError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "The recording has not been fetched from its address yet; try again once "
        "the detection is processing."
    )
    default_code = "recording_not_fetched"


def too_large_message() -> str:
    limit_mb = settings.DETECTOR_MAX_UPLOAD_BYTES / 1024**2
    return f"The file is larger than the {limit_mb:g} MB upload limit."


def batch_too_large_message() -> str:
    limit_mb = settings.DETECTOR_MAX_BATCH_BYTES / 1024**2
    return f"The batch is larger than the {limit_mb:g} MB batch limit."
