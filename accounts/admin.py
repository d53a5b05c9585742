from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework_api_key.models import APIKey

from accounts.api_keys import revoke_api_keys
from accounts.models import ApiKey
from accounts.models import User

# The library's own model has no owner; this project's keys are ApiKey.
admin.site.unregister(APIKey)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "is_staff", "is_active", "created_at")
    readonly_fields = ("created_at", "updated_at", "last_login", "date_joined")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "owner",
        "prefix",
        "scope",
        "expiry_date",
        "revoked",
        "last_used_at",
        "created",
    )
    list_filter = ("scope", "revoked")
    search_fields = ("name", "prefix", "owner__username")
    list_select_related = ("owner",)
    # Never the id or hash: the id embeds the key's hash.
    fields = list_display
    readonly_fields = list_display
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A key made here would be shown to the operator, not its owner.
        return False

    @admin.action(description="Revoke the selected API keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = revoke_api_keys(queryset)
        self.message_user(request, f"Revoked {count} API key(s).")
