"""Operators' read-only views of webhook endpoints, deliveries and attempts (never secrets)."""

from django.contrib import admin
from django.http import HttpRequest

from detector.webhooks.models import WebhookAttempt
from detector.webhooks.models import WebhookDelivery
from detector.webhooks.models import WebhookEndpoint


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the API and the delivery worker; operators look, or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: object | None = None
    ) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = (
        "url",
        "owner",
        "enabled",
        "events",
        "disabled_reason",
        "created_at",
    )
    list_filter = ("enabled",)
    list_select_related = ("owner",)
    search_fields = ("url", "owner__username", "description")
    # Signing secrets stay out of the admin: only the owner may read them.
    fields = (
        "id",
        "owner",
        "url",
        "events",
        "enabled",
        "description",
        "disabled_reason",
        "previous_secret_expires_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = (
        "attempted_at",
        "status_code",
        "latency_ms",
        "error",
        "response_excerpt",
    )
    readonly_fields = fields

    def has_add_permission(
        self, request: HttpRequest, obj: WebhookDelivery | None = None
    ) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "message_id",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("status", "event_type")
    list_select_related = ("endpoint",)
    search_fields = ("message_id", "endpoint__url", "endpoint__owner__username")
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]
    inlines = (WebhookAttemptInline,)
    date_hierarchy = "created_at"
