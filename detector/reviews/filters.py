"""History filters on the current reviewer label (methods of ``DetectionFilter``).

The annotations are filtered through ``Q``: django-stubs cannot see them.
"""

from django.db.models import Q
from django.db.models import QuerySet

from detector.models import Detection
from detector.reviews.labels import with_review_state

UNLABELLED = "none"


def filter_current_label(
    detections: QuerySet[Detection], name: str, value: str
) -> QuerySet[Detection]:
    annotated = with_review_state(detections)
    if value == UNLABELLED:
        return annotated.filter(Q(current_label__isnull=True))
    return annotated.filter(Q(current_label=value))


def filter_disagreement(
    detections: QuerySet[Detection],
    name: str,
    value: bool | None,  # noqa: FBT001 - django-filter passes it positionally
) -> QuerySet[Detection]:
    if value is None:
        return detections
    return with_review_state(detections).filter(Q(label_disagrees=value))
