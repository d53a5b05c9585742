"""Setting a reviewer's label, and telling when it disagrees with the model."""

from django.db import transaction
from django.db.models import BooleanField
from django.db.models import Case
from django.db.models import OuterRef
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import When
from rest_framework import status
from rest_framework.exceptions import APIException

from accounts.models import User
from detector.custody import record_event
from detector.models import Detection
from detector.reviews.models import ReviewerLabel

Label = ReviewerLabel.Label
Assessment = Detection.Assessment

# The verdicts each label contradicts; "unsure" contradicts nothing, and an
# inconclusive verdict is contradicted by no label.
CONTRADICTED: dict[str, tuple[str, ...]] = {
    Label.GENUINE: (Assessment.FAKE, Assessment.LIKELY_FAKE),
    Label.SYNTHETIC: (Assessment.REAL,),
}


class NotLabellableError(APIException):
    """Only a completed detection has a verdict to label."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "not_labellable"

    def __init__(self, detection: Detection) -> None:
        super().__init__(
            "Only a completed detection can be labelled; this one is "
            f"{detection.get_status_display().lower()}."
        )


def set_label(
    detection: Detection, reviewer: User, label: str, comment: str = ""
) -> ReviewerLabel:
    """Record ``reviewer``'s label as the detection's current one (history is kept)."""
    if detection.status != Detection.Status.COMPLETED:
        raise NotLabellableError(detection)
    with transaction.atomic():
        row = ReviewerLabel.objects.create(
            detection=detection, reviewer=reviewer, label=label, comment=comment
        )
        record_event(
            detection, "labelled", actor=reviewer, label=label, comment=comment
        )
    detection.refresh_from_db(fields=["labels"])  # drop a stale prefetch of the labels
    return row


def current_label(detection: Detection) -> ReviewerLabel | None:
    """The newest label (from the prefetch cache when ``with_labels`` was used)."""
    return next(iter(detection.labels.all()), None)


def disagrees(label: str | None, assessment: str) -> bool:
    return assessment in CONTRADICTED.get(label or "", ())


def contradiction(label_field: str, verdict_field: str) -> Q:
    """A filter for rows whose label (at ``label_field``) contradicts the verdict."""
    contradicts = Q()
    for label, verdicts in CONTRADICTED.items():
        contradicts |= Q(**{label_field: label, f"{verdict_field}__in": verdicts})
    return contradicts


def with_labels(detections: QuerySet[Detection]) -> QuerySet[Detection]:
    """Prefetch every detection's labels, newest first, with their reviewers."""
    return detections.prefetch_related(
        Prefetch("labels", queryset=ReviewerLabel.objects.select_related("reviewer"))
    )


def with_review_state(detections: QuerySet[Detection]) -> QuerySet[Detection]:
    """Annotate ``current_label`` (the newest label, or null) and ``label_disagrees``."""
    newest = ReviewerLabel.objects.filter(detection=OuterRef("pk")).values("label")
    contradicts = contradiction("current_label", "overall_assessment")
    return detections.annotate(current_label=Subquery(newest[:1])).annotate(
        label_disagrees=Case(
            When(contradicts, then=True), default=False, output_field=BooleanField()
        )
    )
