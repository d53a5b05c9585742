"""Uploads by link: the address checked at once, the recording fetched by the worker.

The fetch goes through ``detector.outbound`` (public addresses only, every
redirect re-checked), then through the same checks as an upload.
"""

from pathlib import PurePosixPath
from urllib.parse import unquote
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from rest_framework.exceptions import APIException

from detector import outbound
from detector import services
from detector.intake import recording_type
from detector.models import Detection
from detector.storage import save_recording

MAX_REDIRECTS = 3


class AudioFetchError(ValueError):
    """The recording behind a link could not be fetched; the message is for the user."""


def name_from_url(url: str) -> str:
    """The display name: the last segment of the URL's path, else its host."""
    parts = urlsplit(url)
    return (
        PurePosixPath(unquote(parts.path)).name[-255:] or parts.hostname or "recording"
    )


def fetch_recording(detection: Detection) -> Detection | None:
    """Fetch the link's recording into storage and record it on the detection.

    None when the run no longer owns the detection (deleted or re-queued
    meanwhile): the fetched bytes are then not kept.
    """
    url = detection.audio_file.source_url
    try:
        response = outbound.request(
            "GET",
            url,
            timeout=settings.DETECTOR_URL_FETCH_TIMEOUT_SECONDS,
            max_bytes=settings.DETECTOR_MAX_UPLOAD_BYTES,
            max_redirects=MAX_REDIRECTS,
        )
    except (outbound.RefusedURLError, outbound.FetchError) as error:
        raise AudioFetchError(_failed(str(error))) from error
    if response.status >= 300:
        raise AudioFetchError(_failed(f"The server answered HTTP {response.status}."))
    content = ContentFile(response.body, name=detection.audio_file.original_filename)
    try:
        content_type = recording_type(content)
    except APIException as error:
        raise AudioFetchError(_failed(str(error.detail))) from error
    stored = save_recording(content, content_type)
    return services.attach_fetched_recording(
        str(detection.request_id), detection.generation, stored, content_type
    )


def _failed(reason: str) -> str:
    return f"The recording could not be fetched from its address. {reason}"
