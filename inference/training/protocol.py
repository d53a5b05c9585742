"""ASVspoof-style protocol files: ``speaker file_id - attack_or_system label``."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from inference.labels import BONAFIDE
from inference.labels import ID2LABEL
from inference.labels import SPOOF

NO_ATTACK = "-"


class ProtocolError(ValueError):
    """A protocol line cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class ProtocolEntry:
    speaker: str
    file_id: str
    attack: str
    label: str

    @property
    def is_spoof(self) -> bool:
        return self.label == SPOOF

    def line(self) -> str:
        return f"{self.speaker} {self.file_id} - {self.attack} {self.label}"


def parse_line(line: str) -> ProtocolEntry:
    """One protocol line, in the 2019 five-column form or the longer 2021 form."""
    fields = line.split()
    # ASVspoof 2021 appends codec/transmission columns; the label is the first
    # bonafide/spoof token after the file id and the attack is the one before it.
    for index in range(2, len(fields)):
        if fields[index] in ID2LABEL.values():
            attack = fields[index - 1] if index >= 3 else NO_ATTACK
            return ProtocolEntry(fields[0], fields[1], attack, fields[index])
    raise ValueError(f"no {BONAFIDE!r}/{SPOOF!r} label in {line!r}")


def read_protocol(path: Path) -> list[ProtocolEntry]:
    """The protocol's entries in file order, skipping blank lines and # comments."""
    entries = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        try:
            entries.append(parse_line(text))
        except ValueError as error:
            raise ProtocolError(f"{path}:{number}: {error}") from error
    return entries


def write_protocol(path: Path, entries: Iterable[ProtocolEntry]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{entry.line()}\n" for entry in entries))
    return path


def audio_path(audio_dir: Path, entry: ProtocolEntry, extension: str) -> Path:
    return audio_dir / f"{entry.file_id}.{extension.lstrip('.')}"
