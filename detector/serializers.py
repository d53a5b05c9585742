"""Detection bodies for the status, history and upload endpoints."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from detector.chunk_map import Progress
from detector.chunk_map import current_chunk_map
from detector.chunk_map import progress_of
from detector.modelcard.coverage import detection_coverage_notes
from detector.models import AudioFile
from detector.models import Detection
from detector.outbound import RefusedURLError
from detector.outbound import check_url
from detector.reviews.serializers import ReviewFieldsMixin

UNTRAINED_WARNING = (
    "Scored by an untrained demonstration model: these scores are random and say "
    "nothing about this recording. Point DETECTOR_MODEL at a trained checkpoint."
)


class AudioFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = AudioFile
        fields = (
            "original_filename",
            "file_size_bytes",
            "content_type",
            "sha256",
            "duration_seconds",
            "sample_rate",
            "channels",
            "uploaded_at",
            "source_url",
            "retain_audio",
            "audio_deleted_at",
        )
        read_only_fields = fields
        extra_kwargs = {
            "source_url": {
                "help_text": "The link it was fetched from; empty for files."
            },
            "audio_deleted_at": {
                "help_text": "When the recording's bytes were deleted; null while kept."
            },
        }


class ModelInfoSerializer(serializers.Serializer):
    name = serializers.CharField(source="model_name")
    version = serializers.CharField(source="model_version")
    trained = serializers.BooleanField(source="model_trained", allow_null=True)
    warning = serializers.SerializerMethodField()

    def get_warning(self, detection: Detection) -> str:
        return UNTRAINED_WARNING if detection.model_trained is False else ""


class ChunkPredictionSerializer(serializers.Serializer):
    score = serializers.FloatField(allow_null=True)
    start = serializers.FloatField()
    end = serializers.FloatField()
    speech = serializers.BooleanField()
    # Absent from the maps of detections completed before they were recorded.
    speech_ratio = serializers.FloatField(
        required=False, help_text="Share of the chunk that the VAD heard as speech."
    )
    silent = serializers.BooleanField(
        required=False, help_text="Quieter than DETECTOR_SILENCE_DBFS."
    )


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()


class VerdictPolicySerializer(serializers.Serializer):
    """The thresholds the verdict was (or will be) decided with; {} until a chunk is scored."""

    likely_fake_threshold = serializers.FloatField(required=False)
    fake_threshold = serializers.FloatField(required=False)
    min_speech_seconds = serializers.FloatField(required=False)


class DetectionSummarySerializer(ReviewFieldsMixin, serializers.ModelSerializer):
    file = AudioFileSerializer(source="audio_file")
    model = ModelInfoSerializer(source="*")
    status_url = serializers.SerializerMethodField()
    # "" until a verdict exists (and for every verdict but inconclusive); ModelSerializer
    # drops allow_blank from read-only fields, which would hide "" from the schema.
    overall_assessment = serializers.ChoiceField(
        choices=Detection.Assessment.choices, allow_blank=True, read_only=True
    )
    inconclusive_reason = serializers.ChoiceField(
        choices=Detection.InconclusiveReason.choices, allow_blank=True, read_only=True
    )
    inconclusive_message = serializers.CharField(read_only=True)

    class Meta:
        model = Detection
        fields: tuple[str, ...] = (
            "request_id",
            "status",
            "status_url",
            "source",
            "submitted_at",
            "started_at",
            "completed_at",
            "file",
            "overall_assessment",
            "overall_confidence",
            "inconclusive_reason",
            "inconclusive_message",
            "error_message",
            "processing_duration_ms",
            "chunk_count",
            "model",
            "review",
            "disagrees_with_model",
        )
        read_only_fields = fields

    def get_status_url(self, detection: Detection) -> str:
        return status_url(detection, self.context.get("request"))


class DetectionSerializer(DetectionSummarySerializer):
    chunk_predictions = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    verdict_policy = VerdictPolicySerializer(read_only=True)
    thresholds_source = serializers.ChoiceField(
        choices=("model", "override"),
        read_only=True,
        help_text="model: the model's own thresholds; override: thresholds "
        "recalibrated from reviewer labels (calibration_report --write).",
    )
    coverage_notes = serializers.SerializerMethodField()

    class Meta(DetectionSummarySerializer.Meta):
        fields = (
            *DetectionSummarySerializer.Meta.fields,
            "chunk_predictions",
            "progress",
            "verdict_policy",
            "thresholds_source",
            "coverage_notes",
        )
        read_only_fields = fields

    def to_representation(self, detection: Detection) -> dict[str, Any]:
        # Both fields read the same map: build it once per detection.
        self._chunk_map = current_chunk_map(detection)
        return super().to_representation(detection)

    @extend_schema_field(serializers.DictField(child=ChunkPredictionSerializer()))
    def get_chunk_predictions(self, detection: Detection) -> dict[str, Any]:
        return dict(self._chunk_map)

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, detection: Detection) -> Progress:
        return progress_of(self._chunk_map, detection)

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(),
            help_text="Sentences naming each way the recording falls outside what "
            "the scoring model was trained on (sample rate, bandwidth, duration, "
            "codec, channels); empty when it fits or the model declares nothing.",
        )
    )
    def get_coverage_notes(self, detection: Detection) -> list[str]:
        return detection_coverage_notes(detection)


class RetainAudioSerializer(serializers.Serializer):
    retain_audio = serializers.BooleanField(
        default=True,
        help_text="false: delete the recording as soon as scoring ends "
        "(the result and its sha256 stay).",
    )


class UploadRequestSerializer(RetainAudioSerializer):
    file = serializers.FileField(
        help_text="The recording (WAV, FLAC, MP3, OGG, M4A or WebM)."
    )


class UrlUploadRequestSerializer(RetainAudioSerializer):
    url = serializers.CharField(
        max_length=2048,
        help_text="An https address of the recording; a worker fetches it.",
    )

    def validate_url(self, url: str) -> str:
        try:
            check_url(url)
        except RefusedURLError as error:
            raise serializers.ValidationError(str(error)) from error
        return url


class UploadAcceptedSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Detection.Status.choices)
    status_url = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=("ok", "unavailable"))
    checks = serializers.DictField(
        child=serializers.CharField(),
        help_text='Each component ("database", "redis", ...): "ok", or what is wrong.',
    )


def status_url(detection: Detection, request: Any) -> str:
    path = reverse("detector:status", kwargs={"request_id": detection.request_id})
    return request.build_absolute_uri(path) if request is not None else path
