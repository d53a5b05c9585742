"""Which thresholds reviewers' labels fitted for a model version apply now."""

from django.utils import timezone

from detector.reviews.models import ThresholdOverride


def latest_override(model_name: str, model_version: str) -> ThresholdOverride | None:
    """The newest fit of that version still in use; None means the checkpoint's."""
    return (
        ThresholdOverride.objects.filter(
            model_name=model_name, model_version=model_version, retired_at=None
        )
        .order_by("-created_at", "-id")
        .first()
    )


def retire_override(
    override: ThresholdOverride, operator: str
) -> ThresholdOverride | None:
    """Take a fit out of use for later results; the override that applies instead.

    Retiring twice keeps the first retirement's time and operator.
    """
    ThresholdOverride.objects.filter(pk=override.pk, retired_at=None).update(
        retired_at=timezone.now(), retired_by=operator
    )
    override.refresh_from_db()
    return latest_override(override.model_name, override.model_version)
