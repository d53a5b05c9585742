"""Unpacking a batch's zip: every limit holds whatever the zip declares."""

import io
import struct
import zipfile

import pytest

from detector import archives
from detector.archives import ArchiveError
from tests.audio_fixtures import wav_bytes


def zipped(
    *members: tuple[str, bytes], method: int = zipfile.ZIP_DEFLATED
) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, content in members:
            if name.endswith("/"):
                archive.mkdir(name)
            else:
                archive.writestr(name, content)
    buffer.seek(0)
    return buffer


def unpack(archive: io.BytesIO) -> list[tuple[str, bytes | str]]:
    """(name, content) of each accepted entry, (name, error) of each refused one."""
    found: list[tuple[str, bytes | str]] = []
    for entry in archives.entries(archive):
        if entry.content is None:
            found.append((entry.name, entry.error))
        else:
            with entry.content:
                found.append((entry.name, entry.content.read()))
    return found


def test_entries_drop_folders_paths_and_macos_metadata() -> None:
    """Only the file name of each entry is kept; folders and __MACOSX copies are skipped."""
    audio = wav_bytes(1.0)
    archive = zipped(
        ("calls/", b""),
        ("calls/../../etc/a.wav", audio),
        ("C:\\Users\\x\\b.wav", audio),
        ("__MACOSX/calls/._a.wav", b"\x00\x05\x16\x07"),
    )
    assert unpack(archive) == [("a.wav", audio), ("b.wav", audio)]


def test_too_many_entries_refuse_the_whole_zip(settings) -> None:
    """More files than DETECTOR_MAX_BATCH_FILES: the zip is refused before anything is read."""
    settings.DETECTOR_MAX_BATCH_FILES = 3
    archive = zipped(*((f"{index}.wav", b"RIFF") for index in range(4)))
    with pytest.raises(ArchiveError, match="holds 4 files; a batch takes at most 3"):
        list(archives.entries(archive))


def test_zip_bomb_entry_is_refused_by_its_ratio() -> None:
    """Megabytes of zeros in a few kilobytes: refused long before they are unpacked."""
    archive = zipped(("bomb.wav", b"\0" * (20 * 1024**2)), ("ok.wav", wav_bytes(1.0)))
    assert len(archive.getvalue()) < 100_000
    [(bomb, error), (ok, content)] = unpack(archive)
    assert (bomb, ok) == ("bomb.wav", "ok.wav")
    assert "compressed more than 100 to 1" in str(error)
    assert isinstance(content, bytes)


def test_entry_over_the_upload_limit_is_refused(settings) -> None:
    """The per-entry cap is the single upload's, counted on bytes actually read."""
    settings.DETECTOR_MAX_UPLOAD_BYTES = 10_000
    archive = zipped(("big.wav", wav_bytes(1.0)), method=zipfile.ZIP_STORED)
    [(_, error)] = unpack(archive)
    assert "upload limit" in str(error)


def test_total_unpacked_size_is_capped(settings) -> None:
    """Entries that would take the batch past DETECTOR_MAX_BATCH_BYTES are left out."""
    audio = wav_bytes(1.0)
    settings.DETECTOR_MAX_BATCH_BYTES = len(audio) * 2 + 10
    archive = zipped(*((f"{index}.wav", audio) for index in range(3)))
    results = unpack(archive)
    assert [content == audio for _, content in results] == [True, True, False]
    assert "a batch may hold" in str(results[2][1])


def test_declared_sizes_are_not_trusted() -> None:
    """An entry whose header claims a small size cannot slip more bytes through."""
    archive = zipped(("a.wav", wav_bytes(1.0)), method=zipfile.ZIP_STORED)
    raw = bytearray(archive.getvalue())
    # Shrink the declared size in the central directory: the reader stops there
    # and the CRC check refuses the entry instead of trusting the rest.
    directory = raw.rindex(b"PK\x01\x02")
    struct.pack_into("<I", raw, directory + 24, 100)
    [(_, error)] = unpack(io.BytesIO(bytes(raw)))
    assert error == archives.DAMAGED_ENTRY


def test_oversized_directory_and_garbage_are_refused(monkeypatch) -> None:
    """A zip whose entry list is too large, or no zip at all, is refused as a whole."""
    monkeypatch.setattr(archives, "MAX_DIRECTORY_BYTES", 200)
    archive = zipped(*((f"{index:040}.wav", b"x") for index in range(5)))
    with pytest.raises(ArchiveError, match="list of entries is too large"):
        list(archives.entries(archive))
    with pytest.raises(ArchiveError, match="damaged"):
        list(archives.entries(io.BytesIO(b"PK\x03\x04 not really a zip")))
