"""Operators' views of recordings and detections, with the pipeline's own actions."""

from django.contrib import admin
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from detector import services
from detector.models import AudioFile
from detector.models import Chunk
from detector.models import Detection
from detector.models import DetectionEvent
from detector.reviews.admin import DetectionDisagreementFilter
from detector.reviews.admin import ReviewerLabelInline
from detector.webhooks import admin as webhooks_admin  # noqa: F401 - registers its pages

OPERATOR_FAILURE = "Marked failed by an operator."


@admin.register(AudioFile)
class AudioFileAdmin(admin.ModelAdmin):
    list_display = (
        "original_filename",
        "user",
        "content_type",
        "file_size_bytes",
        "duration_seconds",
        "uploaded_at",
    )
    list_filter = ("content_type", "storage_type")
    list_select_related = ("user",)
    search_fields = ("original_filename", "user__username", "sha256")
    readonly_fields = [field.name for field in AudioFile._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recordings come from uploads, with their stored file


class DetectionEventInline(admin.TabularInline):
    """The custody log, read-only: entries are written by the actions themselves."""

    model = DetectionEvent
    extra = 0
    can_delete = False
    verbose_name_plural = "custody log"
    fields = ("created_at", "action", "actor_name", "details")
    readonly_fields = fields

    def has_add_permission(
        self, request: HttpRequest, obj: Detection | None = None
    ) -> bool:
        return False


class ChunkInline(admin.TabularInline):
    model = Chunk
    extra = 0
    can_delete = False
    fields = (
        "index",
        "start_seconds",
        "end_seconds",
        "speech_ratio",
        "has_speech",
        "level_dbfs",
        "silent",
        "score",
    )
    readonly_fields = fields

    def has_add_permission(
        self, request: HttpRequest, obj: Detection | None = None
    ) -> bool:
        return False


@admin.register(Detection)
class DetectionAdmin(admin.ModelAdmin):
    list_display = (
        "request_id",
        "user",
        "file_name",
        "status",
        "overall_assessment",
        "overall_confidence",
        "inconclusive_reason",
        "model_label",
        "attempts",
        "submitted_at",
    )
    list_filter = (
        "status",
        "source",
        "overall_assessment",
        "inconclusive_reason",
        "model_name",
        "model_trained",
        DetectionDisagreementFilter,
    )
    list_select_related = ("user", "audio_file")
    search_fields = ("request_id", "user__username", "audio_file__original_filename")
    readonly_fields = [
        *(field.name for field in Detection._meta.fields),
        "inconclusive_message",
    ]
    inlines = (ChunkInline, ReviewerLabelInline, DetectionEventInline)
    actions = ("requeue", "mark_failed")
    date_hierarchy = "submitted_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only an upload creates a detection (an empty form was a 500)

    @admin.display(description="file", ordering="audio_file__original_filename")
    def file_name(self, detection: Detection) -> str:
        return detection.audio_file.original_filename

    @admin.display(description="model", ordering="model_name")
    def model_label(self, detection: Detection) -> str:
        if detection.model_trained is False:
            return format_html(
                '{} <strong style="color:#b00">UNTRAINED DEMO</strong>',
                detection.model_name,
            )
        return detection.model_name

    @admin.action(description="Re-queue selected detections")
    def requeue(self, request: HttpRequest, queryset: QuerySet[Detection]) -> None:
        moved = sum(
            services.requeue_detection(detection, actor=request.user)  # type: ignore[arg-type]
            for detection in queryset
        )
        self.message_user(
            request, f"Re-queued {moved} of {queryset.count()} detections."
        )

    @admin.action(description="Mark selected detections failed")
    def mark_failed(self, request: HttpRequest, queryset: QuerySet[Detection]) -> None:
        failed = sum(
            services.fail_detection(
                str(detection.request_id),
                OPERATOR_FAILURE,
                actor=request.user,  # type: ignore[arg-type]
            )
            is not None
            for detection in queryset
        )
        level = messages.SUCCESS if failed else messages.WARNING
        self.message_user(request, f"Marked {failed} detections failed.", level)
