"""Submitting a batch: each file (or zip entry) checked like a single upload, all committed together."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from rest_framework.exceptions import APIException

from accounts.models import User
from detector import services
from detector.archives import Entry
from detector.intake import recording_type
from detector.models import Batch
from detector.models import Detection
from detector.storage import delete_recording


@dataclass(frozen=True)
class FileResult:
    """One file of a batch request: its detection, or why it was refused."""

    file_name: str
    detection: Detection | None = None
    error: str = ""


def submit_batch(
    owner: User, entries: Iterable[Entry], *, retain_audio: bool
) -> tuple[Batch | None, list[FileResult]]:
    """Submit each acceptable file as a detection of one new batch.

    Each file passes the single upload's checks; a refused one is reported,
    not fatal. No batch is created when nothing is acceptable. All members
    commit together, and their first tasks are queued after that.
    """
    batch: Batch | None = None
    results: list[FileResult] = []
    try:
        with transaction.atomic():
            for entry in entries:
                result = _submit_one(owner, entry, batch, retain_audio=retain_audio)
                if result.detection is not None:
                    batch = result.detection.batch
                results.append(result)
    except Exception:
        # The rows rolled back; the bytes stored for them must go too.
        for result in results:
            if result.detection is not None:
                delete_recording(result.detection.audio_file.storage_path)
        raise
    return batch, results


def _submit_one(
    owner: User, entry: Entry, batch: Batch | None, *, retain_audio: bool
) -> FileResult:
    if entry.content is None:
        return FileResult(entry.name, error=entry.error)
    with entry.content:
        try:
            content_type = recording_type(entry.content)
        except APIException as error:
            return FileResult(entry.name, error=str(error.detail))
        detection = services.submit_upload(
            owner,
            entry.content,
            content_type,
            retain_audio=retain_audio,
            batch=batch or Batch.objects.create(owner=owner),
        )
    return FileResult(entry.name, detection)
