"""Operators' views of reviewer labels: labelling in the detection page, disagreements."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.db.models import Q
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.forms import ModelForm
from django.http import HttpRequest

from accounts.models import User
from detector.models import Detection
from detector.reviews.labels import contradiction
from detector.reviews.labels import disagrees
from detector.reviews.labels import set_label
from detector.reviews.labels import with_review_state
from detector.reviews.models import ReviewerLabel
from detector.reviews.models import ThresholdOverride
from detector.reviews.thresholds import retire_override


class ReviewerLabelFormSet(BaseInlineFormSet):
    """New rows go through ``set_label``, with the staff user as the reviewer."""

    reviewer: User

    def save_new(self, form: ModelForm, commit: bool = True) -> Model:  # noqa: FBT001, FBT002 - Django's signature
        return set_label(
            self.instance,
            self.reviewer,
            form.cleaned_data["label"],
            form.cleaned_data.get("comment", ""),
        )


class ReviewerLabelInline(admin.TabularInline):
    """The label history, read-only, and a row to add a label to a completed detection."""

    model = ReviewerLabel
    formset = ReviewerLabelFormSet
    extra = 0
    can_delete = False
    fields = ("label", "comment", "reviewer", "created_at")
    readonly_fields = ("reviewer", "created_at")

    def get_formset(
        self, request: HttpRequest, obj: Detection | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        # A subclass per request: the reviewer is whoever is signed in.
        return type(formset.__name__, (formset,), {"reviewer": request.user})

    def has_add_permission(
        self, request: HttpRequest, obj: Detection | None = None
    ) -> bool:
        completed = obj is not None and obj.status == Detection.Status.COMPLETED
        return completed and super().has_add_permission(request, obj)

    def has_change_permission(
        self, request: HttpRequest, obj: Detection | None = None
    ) -> bool:
        return False  # a label is never edited: a new one supersedes it


class DisagreementFilter(admin.SimpleListFilter):
    title = "disagrees with model"
    parameter_name = "disagrees"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Disagrees"), ("no", "Agrees, unsure or unlabelled")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in {"yes", "no"}:
            return queryset
        return self.narrow(queryset, disagreeing=self.value() == "yes")

    def narrow(self, queryset: QuerySet[Any], *, disagreeing: bool) -> QuerySet[Any]:
        raise NotImplementedError


class DetectionDisagreementFilter(DisagreementFilter):
    """Detections whose current label contradicts their verdict."""

    def narrow(
        self, queryset: QuerySet[Detection], *, disagreeing: bool
    ) -> QuerySet[Detection]:
        return with_review_state(queryset).filter(Q(label_disagrees=disagreeing))


class LabelDisagreementFilter(DisagreementFilter):
    """Labels that contradict their detection's verdict."""

    def narrow(
        self, queryset: QuerySet[ReviewerLabel], *, disagreeing: bool
    ) -> QuerySet[ReviewerLabel]:
        contradicts = contradiction("label", "detection__overall_assessment")
        return (
            queryset.filter(contradicts)
            if disagreeing
            else queryset.exclude(contradicts)
        )


@admin.register(ReviewerLabel)
class ReviewerLabelAdmin(admin.ModelAdmin):
    list_display = (
        "detection",
        "reviewer",
        "label",
        "verdict",
        "disagrees_with_model",
        "created_at",
    )
    list_filter = (LabelDisagreementFilter, "label", "detection__model_name")
    list_select_related = ("detection", "reviewer")
    search_fields = ("detection__request_id", "reviewer__username", "comment")
    readonly_fields = ("detection", "reviewer", "label", "comment", "created_at")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # labels are added on the detection's page

    def has_change_permission(
        self, request: HttpRequest, obj: ReviewerLabel | None = None
    ) -> bool:
        return False

    @admin.display(description="verdict", ordering="detection__overall_assessment")
    def verdict(self, label: ReviewerLabel) -> str:
        return label.detection.get_overall_assessment_display()

    @admin.display(description="disagrees with model", boolean=True)
    def disagrees_with_model(self, label: ReviewerLabel) -> bool:
        return disagrees(label.label, label.detection.overall_assessment)


@admin.register(ThresholdOverride)
class ThresholdOverrideAdmin(admin.ModelAdmin):
    list_display = (
        "model_name",
        "model_version",
        "likely_fake_threshold",
        "fake_threshold",
        "label_count",
        "eer",
        "created_by",
        "created_at",
        "retired_at",
    )
    list_filter = ("model_name", "model_version", "retired_at")
    readonly_fields = [field.name for field in ThresholdOverride._meta.fields]
    actions = ("retire",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # written by calibration_report --write, from the labels

    def has_change_permission(
        self, request: HttpRequest, obj: ThresholdOverride | None = None
    ) -> bool:
        return False

    @admin.action(
        description="Retire selected overrides (later results stop using them)"
    )
    def retire(
        self, request: HttpRequest, queryset: QuerySet[ThresholdOverride]
    ) -> None:
        in_use = list(queryset.filter(retired_at=None))
        for override in in_use:
            retire_override(override, request.user.get_username())
        self.message_user(
            request,
            f"Retired {len(in_use)} threshold overrides: later results of their "
            "versions use the newest fit still in use, or the model's own thresholds.",
        )
