"""Reviewer labels in the API: the label request, the history, and the status's review fields."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from detector.models import Detection
from detector.reviews.labels import current_label
from detector.reviews.labels import disagrees
from detector.reviews.models import ReviewerLabel

MAX_COMMENT_LENGTH = 2000


class ReviewerLabelSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)

    class Meta:
        model = ReviewerLabel
        fields = ("label", "comment", "reviewer", "created_at")
        read_only_fields = fields


class SetLabelSerializer(serializers.Serializer):
    # The metaclass collects declared fields, so this shadows no Field.label.
    label = serializers.ChoiceField(choices=ReviewerLabel.Label.choices)  # type: ignore[assignment]
    comment = serializers.CharField(
        max_length=MAX_COMMENT_LENGTH, allow_blank=True, required=False, default=""
    )


# The status and history bodies' review fields. No docstring: the schema would
# show it as the description of every serializer that mixes this in.
class ReviewFieldsMixin(serializers.Serializer):
    review = serializers.SerializerMethodField(
        help_text="The current reviewer label (the newest); null when unlabelled."
    )
    disagrees_with_model = serializers.SerializerMethodField(
        help_text="The current label is genuine and the verdict fake or likely fake, "
        "or it is synthetic and the verdict real."
    )

    @extend_schema_field(ReviewerLabelSerializer(allow_null=True))
    def get_review(self, detection: Detection) -> dict[str, Any] | None:
        label = current_label(detection)
        return None if label is None else ReviewerLabelSerializer(label).data

    def get_disagrees_with_model(self, detection: Detection) -> bool:
        label = current_label(detection)
        return disagrees(label.label if label else None, detection.overall_assessment)


class DetectionReviewSerializer(ReviewFieldsMixin):
    """The answer to setting a label: the detection's review fields, updated."""
