"""The custom user model."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from rest_framework_api_key.models import AbstractAPIKey


class UserManager(DjangoUserManager["User"]):
    def get_by_login(self, login: str) -> "User":
        """Find a user by username, or by email in any letter case."""
        field = "email__iexact" if "@" in login else "username"
        return self.get(**{field: login})


class User(AbstractUser):
    """An account: a person uploading recordings, or an operator."""

    email = models.EmailField("email address")  # unique in any case: see Meta
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username


class RevokedSession(models.Model):
    """A logged-out session: every token carrying its id is refused until ``expires_at``.

    Kept in PostgreSQL, not Redis, so a logout survives a Redis restart and is
    honoured while Redis is down.
    """

    session_id = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    revoked_at = models.DateTimeField(auto_now_add=True)
    # Past this no token of the session is valid anyway; the row can go.
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"session {self.session_id} of user {self.user_id}"


class ApiKey(AbstractAPIKey):
    """A key an integration sends instead of a password: ``Authorization: Api-Key <key>``.

    The library stores only a hash of the key (``hashed_key``); the public
    ``prefix`` (the key's first 8 characters) names it in lists and URLs.
    Revocation is final: the library refuses to unset ``revoked``.
    """

    class Scope(models.TextChoices):
        READ = "read", "read"
        READ_UPLOAD = "read+upload", "read and upload"

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.READ)
    # Stamped at most once a minute per key (accounts.api_keys.record_use).
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"
