"""The evidence report's content: one dict that the JSON serializes and the PDF lays out."""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from accounts.models import User
from detector.custody import events_for
from detector.models import Detection
from detector.report.model_facts import ModelFacts
from detector.report.model_facts import facts_for
from detector.services import recorded_policy
from detector.verdict import VerdictPolicy
from detector.verdict import reason_message

REPORT_VERSION = 1
FINAL_STATUSES = (Detection.Status.COMPLETED, Detection.Status.FAILED)

NO_CARD_NOTE = (
    "The checkpoint that scored this recording ({name} {version}) is not the one "
    "this server runs now, so its weights digest, calibration and model card "
    "are not available here."
)
NOT_SCORED_NOTE = "No model scored this recording."
NO_LIMITS_NOTE = (
    "The scoring checkpoint's model card states no limits here; treat the verdict "
    "as evidence to weigh, not proof."
)
DECIDED_BY_PEAK = (
    Detection.Assessment.REAL,
    Detection.Assessment.LIKELY_FAKE,
    Detection.Assessment.FAKE,
)


def build_report(detection: Detection, reader: User) -> dict[str, Any]:
    """Everything a case file needs about one final detection, read now."""
    audio = detection.audio_file
    policy, min_speech_seconds = recorded_policy(detection.verdict_policy)
    chunks = report_chunks(detection)
    facts = facts_for(detection.model_name, detection.model_version)
    peak = _peak(chunks) if detection.overall_assessment in DECIDED_BY_PEAK else None
    return {
        "report_version": REPORT_VERSION,
        "generated_at": timezone.now(),
        "generated_by": reader.get_username(),
        "request_id": detection.request_id,
        "status": detection.status,
        "file": {
            "name": audio.original_filename,
            "size_bytes": audio.file_size_bytes,
            "duration_seconds": audio.duration_seconds,
            "content_type": audio.content_type,
            "sample_rate": audio.sample_rate,
            "channels": audio.channels,
            "sha256": audio.sha256,
            "source_url": audio.source_url,
            "uploaded_at": audio.uploaded_at,
            "audio_deleted_at": audio.audio_deleted_at,
        },
        "processing": {
            "submitted_at": detection.submitted_at,
            "started_at": detection.started_at,
            "completed_at": detection.completed_at,
            "processing_duration_ms": detection.processing_duration_ms,
        },
        "model": _model(detection, facts),
        "verdict": {
            "assessment": detection.overall_assessment,
            "assessment_label": detection.get_overall_assessment_display(),
            "confidence": detection.overall_confidence,
            "inconclusive_reason": detection.inconclusive_reason,
            "statement": verdict_statement(detection, peak, policy),
            "deciding_chunk": peak["name"] if peak else None,
            "rule": rule_in_words(policy, min_speech_seconds),
            "thresholds": {
                **policy.as_dict(),
                "min_speech_seconds": min_speech_seconds,
            },
        },
        "chunks": chunks,
        "labels": labels_for_report(detection),
        "custody": [
            {
                "time": event.created_at,
                "action": event.action,
                "action_label": event.get_action_display(),
                "actor": event.actor_name,
                "details": event.details,
            }
            for event in events_for(detection.request_id)
        ],
        "limits": _limits(facts),
    }


def rule_in_words(policy: VerdictPolicy, min_speech_seconds: float) -> list[str]:
    """The verdict policy of ``detector.verdict`` as sentences, with these thresholds."""
    likely, fake = policy.likely_fake_threshold, policy.fake_threshold
    return [
        "Each 4-second chunk gets a score: the probability that it is synthetic "
        "(0 = very likely genuine, 1 = very likely synthetic).",
        "Only chunks in which the voice-activity detector found speech count; "
        f"with less than {min_speech_seconds:g} s of speech in all, the verdict is "
        "inconclusive.",
        "The verdict follows the highest counted score (the peak), never an "
        "average, so one short synthetic stretch in a long genuine recording "
        "is enough.",
        f"Peak at or above {fake:.3f}: fake. Peak at or above {likely:.3f}: "
        f"likely fake. Lower: real.",
        "Confidence is the peak for the fake verdicts and 1 minus the peak for real.",
    ]


def verdict_statement(
    detection: Detection, peak: dict[str, Any] | None, policy: VerdictPolicy
) -> str:
    """The verdict in one sentence, naming the stretch (``peak``) that decided it."""
    if detection.status == Detection.Status.FAILED:
        return f"No verdict: processing failed. {detection.error_message}".strip()
    assessment = detection.overall_assessment
    if assessment == Detection.Assessment.INCONCLUSIVE:
        minimum = float(detection.verdict_policy.get("min_speech_seconds", 0.0))
        return "Inconclusive: " + reason_message(detection.inconclusive_reason, minimum)
    if peak is None:
        return detection.get_overall_assessment_display()
    stretch = (
        f"{peak['name']} ({peak['start']:.1f} to {peak['end']:.1f} s) scored "
        f"{peak['score']:.3f}"
    )
    if assessment == Detection.Assessment.FAKE:
        return (
            f"Fake: the most suspicious stretch, {stretch}, at or above the fake "
            f"threshold {policy.fake_threshold:.3f}."
        )
    if assessment == Detection.Assessment.LIKELY_FAKE:
        return (
            f"Likely fake: the most suspicious stretch, {stretch}, at or above the "
            f"likely-fake threshold {policy.likely_fake_threshold:.3f} but below the "
            f"fake threshold {policy.fake_threshold:.3f}."
        )
    return (
        "Real: no speech chunk reached the likely-fake threshold "
        f"{policy.likely_fake_threshold:.3f}; the most suspicious stretch, {stretch}."
    )


def labels_for_report(detection: Detection) -> list[dict[str, Any]]:
    """Reviewers' labels, oldest first (the last one is the current label)."""
    return [
        {
            "reviewer": label.reviewer.get_username(),
            "label": label.label,
            "comment": label.comment,
            "created_at": label.created_at,
        }
        for label in detection.labels.select_related("reviewer").order_by(
            "created_at", "id"
        )
    ]


def report_chunks(detection: Detection) -> list[dict[str, Any]]:
    """The stored chunk map as rows in time order."""
    predictions: Mapping[str, Mapping[str, Any]] = (detection.results or {}).get(
        "chunk_predictions", {}
    )
    rows = [
        {
            "name": name,
            "start": float(chunk["start"]),
            "end": float(chunk["end"]),
            "speech": bool(chunk.get("speech")),
            "score": chunk.get("score"),
        }
        for name, chunk in predictions.items()
    ]
    return sorted(rows, key=lambda row: row["start"])


def _peak(chunks: list[dict[str, Any]]) -> dict[str, Any] | None:
    # The chunks the verdict counts (detector.verdict, rule 1): speech and a score.
    counted = [c for c in chunks if c["speech"] and c["score"] is not None]
    return max(counted, key=lambda c: float(c["score"]), default=None)


def _model(detection: Detection, facts: ModelFacts | None) -> dict[str, Any]:
    recorded = {
        "name": detection.model_name,
        "version": detection.model_version,
        "trained": detection.model_trained,
    }
    if facts is None:
        note = (
            NO_CARD_NOTE.format(
                name=detection.model_name, version=detection.model_version
            )
            if detection.model_name
            else NOT_SCORED_NOTE
        )
        return {
            **recorded,
            "weights_file": "",
            "weights_sha256": "",
            "calibrated": None,
            "calibration": {},
            "checkpoint_thresholds": {},
            "evaluation": [],
            "note": note,
        }
    return {
        **recorded,
        "weights_file": facts.weights_file,
        "weights_sha256": facts.weights_sha256,
        "calibrated": facts.calibrated,
        "calibration": facts.calibration,
        "checkpoint_thresholds": facts.thresholds,
        "evaluation": facts.evaluation,
        "note": "",
    }


def _limits(facts: ModelFacts | None) -> dict[str, Any]:
    if facts is None:
        return {"summary": "", "trained_on": [], "known_limits": [NO_LIMITS_NOTE]}
    return {
        "summary": facts.summary,
        "trained_on": facts.trained_on,
        "known_limits": facts.limits or [NO_LIMITS_NOTE],
    }
