"""Request and response bodies of the webhooks API."""

from typing import Any

from rest_framework import serializers

from detector import outbound
from detector.webhooks.models import EVENT_TYPES
from detector.webhooks.models import WebhookAttempt
from detector.webhooks.models import WebhookDelivery
from detector.webhooks.models import WebhookEndpoint


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES),
        allow_empty=False,
        help_text="The events this endpoint receives.",
    )

    class Meta:
        model = WebhookEndpoint
        fields: tuple[str, ...] = (
            "id",
            "url",
            "events",
            "enabled",
            "description",
            "disabled_reason",
            "created_at",
            "updated_at",
        )
        read_only_fields: tuple[str, ...] = (
            "id",
            "disabled_reason",
            "created_at",
            "updated_at",
        )

    def validate_url(self, url: str) -> str:
        """https only (unless allowed), and resolving to public addresses only."""
        try:
            _scheme, host, port = outbound.check_url(url)
            outbound.resolve(host, port)
        except outbound.RefusedURLError as error:
            raise serializers.ValidationError(str(error)) from error
        return url

    def validate_events(self, events: list[str]) -> list[str]:
        return [event for event in EVENT_TYPES if event in events]

    def update(
        self, instance: WebhookEndpoint, validated_data: dict[str, Any]
    ) -> WebhookEndpoint:
        if validated_data.get("enabled"):
            validated_data["disabled_reason"] = ""  # the owner turned it back on
        return super().update(instance, validated_data)


class WebhookSecretSerializer(serializers.ModelSerializer):
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text="Until then the previous secret also signs every delivery.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("secret", "previous_secret_expires_at")
        read_only_fields = fields


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """An endpoint as created: the only body, besides .../secret, holding the secret."""

    class Meta(WebhookEndpointSerializer.Meta):
        fields = (*WebhookEndpointSerializer.Meta.fields, "secret")
        read_only_fields = fields


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = (
            "attempted_at",
            "status_code",
            "latency_ms",
            "error",
            "response_excerpt",
        )
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    id = serializers.CharField(
        source="message_id", read_only=True, help_text="The webhook-id header."
    )
    attempt_count = serializers.IntegerField(source="attempts", read_only=True)
    attempts = WebhookAttemptSerializer(source="attempt_log", many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = (
            "id",
            "event_type",
            "status",
            "attempt_count",
            "next_attempt_at",
            "created_at",
            "payload",
            "attempts",
        )
        read_only_fields = fields
