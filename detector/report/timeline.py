"""The report's timeline figure for one detection, decoded and drawn once per run.

The figure depends only on the run's chunk scores and on whether the
recording is still stored, so it is cached under those (the PDF around it
changes with every custody event and is laid out afresh). A cache outage
costs a redraw, never a report.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from detector.models import Detection
from detector.report.figure import Envelope
from detector.report.figure import draw_timeline
from detector.report.figure import envelope
from detector.storage import local_copy
from detector.verdict import VerdictPolicy
from inference.audio import AudioDecodeError
from inference.audio import decode_to_pcm16
from inference.chunking import SAMPLE_RATE

logger = logging.getLogger(__name__)

WAVEFORM_SHOWN = "The recording's waveform (16 kHz mono) above its chunk scores."
AUDIO_DELETED = "The recording was deleted, so only the chunk scores are drawn."
UNDECODABLE = (
    "The recording could not be decoded here, so only the chunk scores are drawn."
)


@dataclass(frozen=True)
class Timeline:
    png: bytes
    caption: str


def timeline_for(
    detection: Detection, chunks: list[dict[str, Any]], policy: VerdictPolicy
) -> Timeline:
    """The cached figure of this run, drawn now if nobody has drawn it yet."""
    audio = detection.audio_file
    stored = audio.audio_deleted_at is None and bool(audio.storage_path)
    key = (
        f"report-timeline:{detection.request_id}:{detection.generation}:"
        f"{'audio' if stored else 'scores'}"
    )
    try:
        cached = cache.get(key)
    except (ConnectionInterrupted, RedisError):
        logger.warning("report figure cache unreachable; drawing %s", key)
        cached = None
    if isinstance(cached, Timeline):
        return cached
    waveform, caption = (
        _waveform(audio.storage_path) if stored else (None, AUDIO_DELETED)
    )
    timeline = Timeline(draw_timeline(chunks, policy, waveform), caption)
    try:
        cache.set(key, timeline, settings.DETECTOR_REPORT_FIGURE_CACHE_SECONDS)
    except (ConnectionInterrupted, RedisError):
        logger.warning("report figure cache unreachable; %s not kept", key)
    return timeline


def _waveform(storage_path: str) -> tuple[Envelope | None, str]:
    """The stored recording's envelope, decoded under the pipeline's own limits."""
    try:
        with local_copy(storage_path) as path:
            decoded = decode_to_pcm16(
                path,
                max_seconds=settings.DETECTOR_MAX_DURATION_SECONDS,
                cpu_seconds=settings.DETECTOR_DECODE_CPU_SECONDS,
                memory_bytes=settings.DETECTOR_DECODE_MEMORY_BYTES,
            )
    # RuntimeError: no ffmpeg on this host; OSError: the stored file is unreadable.
    except (AudioDecodeError, RuntimeError, OSError) as error:
        logger.warning("report waveform of %s not drawn: %s", storage_path, error)
        return None, UNDECODABLE
    return envelope(decoded.pcm, SAMPLE_RATE), WAVEFORM_SHOWN
