"""Reading stored uploads back as local files (the decoder needs a path)."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import default_storage


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
