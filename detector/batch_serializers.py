"""Bodies of the batch endpoints (and of the ``batch.completed`` event)."""

from typing import Any

from django.db.models import Count
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from detector.models import Batch
from detector.models import Detection
from detector.serializers import status_url


class BatchMemberSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(source="audio_file.original_filename")
    verdict = serializers.CharField(
        source="overall_assessment",
        help_text="The member's verdict; empty until it is completed.",
    )
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = Detection
        fields = (
            "request_id",
            "file_name",
            "status",
            "verdict",
            "error_message",
            "status_url",
        )
        read_only_fields = fields

    def get_status_url(self, detection: Detection) -> str:
        return status_url(detection, self.context.get("request"))


class BatchCountsSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    processing = serializers.IntegerField()
    completed = serializers.IntegerField()
    failed = serializers.IntegerField()


class BatchSerializer(serializers.ModelSerializer):
    batch_id = serializers.UUIDField(source="id")
    status_url = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()

    class Meta:
        model = Batch
        fields = (
            "batch_id",
            "status_url",
            "created_at",
            "completed_at",
            "counts",
            "members",
        )
        read_only_fields = fields

    def get_status_url(self, batch: Batch) -> str:
        return batch_url(batch, self.context.get("request"))

    @extend_schema_field(BatchCountsSerializer)
    def get_counts(self, batch: Batch) -> dict[str, int]:
        found = dict(
            batch.detections.order_by()
            .values_list("status")
            .annotate(count=Count("pk"))
        )
        return {status: found.get(status, 0) for status in Detection.Status.values}

    @extend_schema_field(BatchMemberSerializer(many=True))
    def get_members(self, batch: Batch) -> list[dict[str, Any]]:
        members = batch.detections.select_related("audio_file").order_by("pk")
        return list(
            BatchMemberSerializer(members, many=True, context=self.context).data
        )


class BatchFileSerializer(serializers.Serializer):
    file_name = serializers.CharField()
    request_id = serializers.UUIDField(
        allow_null=True, help_text="The file's detection; null when it was refused."
    )
    status_url = serializers.CharField(allow_null=True)
    error = serializers.CharField(
        allow_blank=True, help_text="Why the file was refused; empty when accepted."
    )


class BatchAcceptedSerializer(serializers.Serializer):
    batch_id = serializers.UUIDField()
    status_url = serializers.CharField()
    files = BatchFileSerializer(many=True)


class BatchRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    files = BatchFileSerializer(many=True)


class BatchRequestSerializer(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(),
        help_text=(
            "Several recordings, one per 'file' part, or one zip file of recordings."
        ),
    )
    retain_audio = serializers.BooleanField(
        default=True,
        help_text="false: delete the recordings as soon as they are scored.",
    )


def batch_url(batch: Batch, request: Any) -> str:
    path = reverse("detector:batch", kwargs={"batch_id": batch.pk})
    return request.build_absolute_uri(path) if request is not None else path
