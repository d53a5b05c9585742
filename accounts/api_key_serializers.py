"""API keys as the owner sees them; the full key only in the creation response."""

from datetime import datetime

from django.utils import timezone
from rest_framework import serializers

from accounts.models import ApiKey


class NewApiKeySerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiKey
        fields = ("name", "scope", "expiry_date")
        # The library's model gives name a default (None) that the column refuses.
        extra_kwargs = {"name": {"required": True}}

    def validate_expiry_date(self, value: datetime | None) -> datetime | None:
        if value is not None and value <= timezone.now():
            raise serializers.ValidationError("The expiry date must be in the future.")
        return value


class ApiKeySerializer(serializers.ModelSerializer):
    expired = serializers.BooleanField(source="has_expired", read_only=True)

    class Meta:
        model = ApiKey
        fields: tuple[str, ...] = (
            "prefix",
            "name",
            "scope",
            "expiry_date",
            "expired",
            "created",
            "last_used_at",
        )
        read_only_fields = fields


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.SerializerMethodField(
        help_text="The full key: shown only in this response, never again."
    )

    class Meta(ApiKeySerializer.Meta):
        fields = (*ApiKeySerializer.Meta.fields, "key")
        read_only_fields = fields

    def get_key(self, api_key: ApiKey) -> str:
        return str(self.context["key"])
