"""The audio files inside an uploaded zip, unpacked within limits no declared size can fool.

A zip states each entry's size and the size of its directory, and a zip bomb
lies about both or simply compresses very well. So the directory's size is
capped before it is parsed, every entry is read through a counter that stops
at the per-entry limit, the batch's total and a compression ratio, and what
is read is spooled to a temporary file rather than held in memory.
"""

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from tempfile import SpooledTemporaryFile
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from detector.exceptions import too_large_message

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# Audio barely compresses; a far higher ratio is a bomb, not a recording.
MAX_COMPRESSION_RATIO = 100
# Room for thousands of ordinary entries; ZipFile parses the whole directory at once.
MAX_DIRECTORY_BYTES = 1024**2
# macOS archivers add a resource-fork copy of every file under this folder.
METADATA_FOLDER = "__MACOSX"
READ_BYTES = 64 * 1024
SPOOL_MEMORY_BYTES = 2 * 1024**2
DAMAGED_ENTRY = "This zip entry is damaged or encrypted and could not be read."


class ArchiveError(ValueError):
    """The zip as a whole is refused; the message is for the user."""


@dataclass(frozen=True)
class Entry:
    """One file of the zip: its content, or the sentence saying why it was left out."""

    name: str
    content: UploadedFile | None = None
    error: str = ""


def is_zip(head: bytes) -> bool:
    return head[:4] in ZIP_SIGNATURES


def entries(archive: IO[bytes]) -> Iterator[Entry]:
    """Each file entry in order, read within the limits; raises ArchiveError for the whole zip.

    At most DETECTOR_MAX_BATCH_FILES files, each within DETECTOR_MAX_UPLOAD_BYTES,
    all together within DETECTOR_MAX_BATCH_BYTES (what a batch of separate
    files may carry). The caller closes each entry's content when done with it.
    """
    max_files = settings.DETECTOR_MAX_BATCH_FILES
    with _open(archive) as zipped:
        files = [info for info in zipped.infolist() if display_name(info)]
        if len(files) > max_files:
            raise ArchiveError(
                f"The zip holds {len(files)} files; a batch takes at most {max_files}."
            )
        remaining = settings.DETECTOR_MAX_BATCH_BYTES
        for info in files:
            entry = _read(zipped, info, remaining)
            if entry.content is not None:
                remaining -= entry.content.size or 0
            yield entry


def display_name(info: zipfile.ZipInfo) -> str:
    """The entry's file name without its folders; "" for folders and metadata."""
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if info.is_dir() or METADATA_FOLDER in path.parts:
        return ""
    return path.name[-255:]


def _open(archive: IO[bytes]) -> zipfile.ZipFile:
    try:
        # The stdlib's own reader of the end record: the directory's claimed size.
        end = zipfile._EndRecData(archive)  # type: ignore[attr-defined]
        if end is not None and end[zipfile._ECD_SIZE] > MAX_DIRECTORY_BYTES:  # type: ignore[attr-defined]
            raise ArchiveError(
                "The zip's list of entries is too large; put fewer files in it."
            )
        archive.seek(0)
        return zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise ArchiveError("The zip is damaged and could not be read.") from error


def _read(zipped: zipfile.ZipFile, info: zipfile.ZipInfo, remaining: int) -> Entry:
    name = display_name(info)
    ratio_cap = MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
    spool = SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115 - returned open
    size = 0
    try:
        with zipped.open(info) as source:
            while block := source.read(READ_BYTES):
                size += len(block)
                if error := _over_limit(size, remaining, ratio_cap):
                    spool.close()
                    return Entry(name, error=error)
                spool.write(block)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        RuntimeError,
        NotImplementedError,
    ):
        spool.close()
        return Entry(name, error=DAMAGED_ENTRY)
    spool.seek(0)
    return Entry(name, UploadedFile(spool, name=name, size=size))


def _over_limit(size: int, remaining: int, ratio_cap: int) -> str:
    """Why ``size`` bytes read so far are too many; "" while within every limit."""
    if size > settings.DETECTOR_MAX_UPLOAD_BYTES:
        return too_large_message()
    if size > remaining:
        total_mb = settings.DETECTOR_MAX_BATCH_BYTES / 1024**2
        return (
            f"The zip unpacks to more than the {total_mb:g} MB a batch may hold; "
            "this file was left out."
        )
    if size > ratio_cap:
        return (
            f"The file is compressed more than {MAX_COMPRESSION_RATIO} to 1, "
            "which no recording is: refused as a possible zip bomb."
        )
    return ""
