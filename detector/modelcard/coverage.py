"""Whether a recording fits what the scoring model was trained on, in sentences.

Compares an uploaded file's facts (sample rate, channels, duration, format)
with the ``coverage`` its checkpoint declares in build_info.json
(``inference/training/coverage.py``). Each sentence names one way the
recording falls outside that material; none means nothing is known to be
outside it.
"""

from collections.abc import Mapping
from typing import Any
from typing import Protocol

from django.conf import settings

from detector.models import Detection
from detector.report.model_facts import facts_for

# A recording at this rate or below carries telephone bandwidth (up to 4 kHz).
TELEPHONE_RATE_HZ = 8_000
# The codecs a sniffed container may hold (detector/sniffing.py); lossless is "pcm".
CONTAINER_CODECS: dict[str, tuple[str, ...]] = {
    "audio/wav": ("pcm",),
    "audio/flac": ("pcm",),
    "audio/mpeg": ("mp3",),
    "audio/ogg": ("vorbis", "opus"),
    "audio/mp4": ("aac",),
    "audio/webm": ("opus", "vorbis"),
}


class RecordingFacts(Protocol):
    """What the decoder learned of an upload (an ``AudioFile``)."""

    @property
    def sample_rate(self) -> int | None: ...
    @property
    def channels(self) -> int | None: ...
    @property
    def duration_seconds(self) -> float | None: ...
    @property
    def content_type(self) -> str: ...


def detection_coverage_notes(detection: Detection) -> list[str]:
    """The notes for a detection's recording against the model that scored it."""
    facts = facts_for(detection.model_name, detection.model_version)
    if facts is None:
        return []
    return coverage_notes(
        detection.audio_file, facts.coverage, settings.DETECTOR_CHUNK_SECONDS
    )


def coverage_notes(
    recording: RecordingFacts, coverage: Mapping[str, Any], chunk_seconds: float
) -> list[str]:
    """Every way ``recording`` falls outside ``coverage`` (empty when undeclared)."""
    if not coverage:
        return []
    notes = [
        _sample_rate_note(recording.sample_rate, coverage),
        _duration_note(recording.duration_seconds, chunk_seconds),
        _codec_note(recording.content_type, coverage.get("codecs")),
        _channels_note(recording.channels, coverage.get("channels")),
    ]
    return [note for note in notes if note]


def _sample_rate_note(rate: int | None, coverage: Mapping[str, Any]) -> str:
    rates = coverage.get("sample_rates_hz") or []
    if not rate or not rates:
        return ""
    if rate < min(rates):
        return (
            f"Recorded at {rate} Hz, below the {min(rates)} Hz of the lowest-rate "
            "material the model was trained on: it never heard so narrow a band."
        )
    if rate > TELEPHONE_RATE_HZ:
        return ""
    telephone = coverage.get("telephone_band")
    if telephone == "recorded":
        return ""
    if telephone == "simulated":
        return (
            f"Recorded at {rate} Hz, telephone bandwidth: the model heard such "
            "audio only through simulated telephone lines, never real phone calls."
        )
    return f"Recorded at {rate} Hz, telephone bandwidth the model was not trained on."


def _duration_note(duration: float | None, chunk_seconds: float) -> str:
    if duration is None or duration >= chunk_seconds:
        return ""
    return (
        f"The recording is {duration:.1f} s long, shorter than one {chunk_seconds:g} s "
        "chunk: the verdict rests on a single short stretch."
    )


def _codec_note(content_type: str, covered: list[str] | None) -> str:
    possible = CONTAINER_CODECS.get(content_type, ())
    if not covered or not possible:
        return ""
    missing = [codec for codec in possible if codec not in covered]
    if not missing:
        return ""
    names = " or ".join(missing)
    if len(missing) == len(possible):
        return f"The file is encoded with {names}, which the model was not trained on."
    return f"The file may be encoded with {names}, which the model was not trained on."


def _channels_note(channels: int | None, trained: int | None) -> str:
    if not channels or not trained or channels <= trained:
        return ""
    return (
        f"The recording has {channels} channels, mixed into one before scoring "
        "(the model was trained on mono speech): voices on separate channels are "
        "judged together."
    )
