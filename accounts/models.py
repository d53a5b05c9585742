"""The custom user model."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower


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
