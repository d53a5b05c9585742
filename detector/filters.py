import django_filters

from detector.models import Detection


class DetectionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Detection.Status.choices)
    verdict = django_filters.ChoiceFilter(
        field_name="overall_assessment", choices=Detection.Assessment.choices
    )

    class Meta:
        model = Detection
        fields = ("status", "verdict")
