"""Which thresholds decide a model version's verdicts: a label-fitted override wins."""

from detector.reviews.models import ThresholdOverride
from detector.verdict import VerdictPolicy


def latest_override(model_name: str, model_version: str) -> ThresholdOverride | None:
    return (
        ThresholdOverride.objects.filter(
            model_name=model_name, model_version=model_version
        )
        .order_by("-created_at", "-id")
        .first()
    )


def resolve_policy(
    model_name: str, model_version: str, model_policy: VerdictPolicy
) -> tuple[VerdictPolicy, ThresholdOverride | None]:
    """The policy to decide with, and the override it came from (None: the model's)."""
    override = latest_override(model_name, model_version)
    if override is None:
        return model_policy, None
    return override.policy, override
