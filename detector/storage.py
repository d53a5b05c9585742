"""Stored recordings: saving them under server names, reading them back, deleting them."""

import hashlib
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from detector.sniffing import EXTENSIONS


@dataclass(frozen=True)
class StoredRecording:
    path: str
    sha256: str
    size: int


def save_recording(content: File, content_type: str) -> StoredRecording:
    """Store ``content`` under a new server-generated name; the client's name is never used."""
    digest = hashlib.sha256()
    size = 0
    for block in content.chunks():
        digest.update(block)
        size += len(block)
    content.seek(0)
    path = default_storage.save(
        f"uploads/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{EXTENSIONS[content_type]}",
        content,
    )
    return StoredRecording(path=path, sha256=digest.hexdigest(), size=size)


def delete_recording(path: str) -> None:
    """Remove a stored recording; one already gone is fine."""
    if path:
        default_storage.delete(path)


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """The stored file's path on local disk, downloading it first from remote storage."""
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # remote storage such as S3 has no local path
        path = None
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as copy:
        with default_storage.open(name, "rb") as stored:
            shutil.copyfileobj(stored, copy)
        copy.flush()
        yield Path(copy.name)
