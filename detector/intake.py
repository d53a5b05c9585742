"""The checks every recording passes before it is stored: upload, batch member, zip entry, link."""

from django.conf import settings
from django.core.files import File

from detector.exceptions import EmptyFileError
from detector.exceptions import FileTooLargeError
from detector.exceptions import UnsupportedAudioError
from detector.sniffing import SNIFF_BYTES
from detector.sniffing import sniff_audio_type


def recording_type(content: File) -> str:
    """The MIME type sniffed from the bytes; raises the API error that says what is wrong."""
    if not content.size:
        raise EmptyFileError
    if content.size > settings.DETECTOR_MAX_UPLOAD_BYTES:
        raise FileTooLargeError
    content_type = sniff_audio_type(content.read(SNIFF_BYTES))
    content.seek(0)
    if content_type is None:
        raise UnsupportedAudioError
    return content_type
