"""The latest thresholds reviewers' labels fitted for a model version, if any."""

from detector.reviews.models import ThresholdOverride


def latest_override(model_name: str, model_version: str) -> ThresholdOverride | None:
    return (
        ThresholdOverride.objects.filter(
            model_name=model_name, model_version=model_version
        )
        .order_by("-created_at", "-id")
        .first()
    )
