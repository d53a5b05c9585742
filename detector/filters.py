import django_filters

from detector.models import Detection
from detector.reviews.filters import UNLABELLED
from detector.reviews.filters import filter_current_label
from detector.reviews.filters import filter_disagreement
from detector.reviews.models import ReviewerLabel


class DetectionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Detection.Status.choices)
    verdict = django_filters.ChoiceFilter(
        field_name="overall_assessment", choices=Detection.Assessment.choices
    )
    source = django_filters.ChoiceFilter(choices=Detection.Source.choices)
    label = django_filters.ChoiceFilter(
        choices=[*ReviewerLabel.Label.choices, (UNLABELLED, "Not labelled")],
        method=filter_current_label,
        label="The current reviewer label, or none.",
    )
    disagrees = django_filters.BooleanFilter(
        method=filter_disagreement, label="The current label contradicts the verdict."
    )

    class Meta:
        model = Detection
        fields = ("status", "verdict", "source", "label", "disagrees")
