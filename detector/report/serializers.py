"""The evidence report's JSON body, described for the OpenAPI schema.

The PDF is laid out from this serialized body, so both carry the same content.
Times are ISO 8601 in UTC (the project's ``TIME_ZONE``).
"""

from rest_framework import serializers

from detector.custody import DetectionEvent
from detector.models import Detection
from detector.reviews.models import ReviewerLabel


class ReportFileSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The uploaded file's name, for display.")
    size_bytes = serializers.IntegerField()
    duration_seconds = serializers.FloatField(allow_null=True)
    content_type = serializers.CharField(help_text="Sniffed from the bytes.")
    sample_rate = serializers.IntegerField(allow_null=True)
    channels = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(help_text="SHA-256 of the original bytes.")
    source_url = serializers.CharField(
        help_text="The link it came from; empty for files."
    )
    uploaded_at = serializers.DateTimeField()
    audio_deleted_at = serializers.DateTimeField(allow_null=True)


class ReportProcessingSerializer(serializers.Serializer):
    submitted_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    processing_duration_ms = serializers.IntegerField(allow_null=True)


class ReportEvaluationSerializer(serializers.Serializer):
    held_out = serializers.CharField(help_text="What each fold held out.")
    eer = serializers.FloatField(allow_null=True)
    auc = serializers.FloatField(allow_null=True)


class ReportModelSerializer(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.CharField()
    trained = serializers.BooleanField(allow_null=True)
    weights_file = serializers.CharField()
    weights_sha256 = serializers.CharField(help_text="SHA-256 of the weights file.")
    calibrated = serializers.BooleanField(allow_null=True)
    calibration = serializers.DictField(
        help_text="The build's calibration figures (build_info.json)."
    )
    checkpoint_thresholds = serializers.DictField(
        help_text="The checkpoint's own thresholds (detector_thresholds.json)."
    )
    evaluation = ReportEvaluationSerializer(many=True)
    note = serializers.CharField(help_text="Why facts are missing; empty otherwise.")


class ReportThresholdsSerializer(serializers.Serializer):
    likely_fake_threshold = serializers.FloatField()
    fake_threshold = serializers.FloatField()
    min_speech_seconds = serializers.FloatField()


class ReportVerdictSerializer(serializers.Serializer):
    assessment = serializers.ChoiceField(
        choices=Detection.Assessment.choices, allow_blank=True
    )
    # "label" would shadow Field.label (DRF's own attribute) in the type stubs.
    assessment_label = serializers.CharField(help_text="The verdict in words.")
    confidence = serializers.FloatField(allow_null=True)
    inconclusive_reason = serializers.ChoiceField(
        choices=Detection.InconclusiveReason.choices, allow_blank=True
    )
    statement = serializers.CharField(help_text="The verdict in one sentence.")
    deciding_chunk = serializers.CharField(allow_null=True)
    rule = serializers.ListField(
        child=serializers.CharField(), help_text="The verdict rule in words."
    )
    thresholds = ReportThresholdsSerializer(help_text="The thresholds applied.")


class ReportChunkSerializer(serializers.Serializer):
    name = serializers.CharField()
    start = serializers.FloatField()
    end = serializers.FloatField()
    speech = serializers.BooleanField()
    score = serializers.FloatField(allow_null=True)


class ReportLabelSerializer(serializers.Serializer):
    reviewer = serializers.CharField()
    label = serializers.ChoiceField(choices=ReviewerLabel.Label.choices)  # type: ignore[assignment]
    comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class ReportEventSerializer(serializers.Serializer):
    time = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=DetectionEvent.Action.choices)
    action_label = serializers.CharField()
    actor = serializers.CharField(help_text="A username, or worker/sweeper/system.")
    details = serializers.DictField()


class ReportLimitsSerializer(serializers.Serializer):
    summary = serializers.CharField(allow_blank=True)
    trained_on = serializers.ListField(child=serializers.CharField())
    known_limits = serializers.ListField(child=serializers.CharField())


class EvidenceReportSerializer(serializers.Serializer):
    report_version = serializers.IntegerField()
    generated_at = serializers.DateTimeField()
    generated_by = serializers.CharField()
    request_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Detection.Status.choices)
    file = ReportFileSerializer()
    processing = ReportProcessingSerializer()
    model = ReportModelSerializer()
    verdict = ReportVerdictSerializer()
    chunks = ReportChunkSerializer(many=True)
    labels = ReportLabelSerializer(many=True, help_text="Oldest first.")
    custody = ReportEventSerializer(
        many=True, help_text="Every recorded access and change, oldest first."
    )
    limits = ReportLimitsSerializer()
