"""Account serializers: registration, login and the current user."""

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.tokens import is_revoked
from accounts.tokens import start_session

WRONG_CREDENTIALS = "Wrong username, email or password."


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "username", "email", "created_at")
        read_only_fields = fields


class RegisterSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, trim_whitespace=False)

    class Meta:
        model = User
        fields = ("id", "username", "email", "password")

    def validate_email(self, value: str) -> str:
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(
                "An account with this email already exists."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                {"password": list(error.messages)}
            ) from error
        return attrs

    def create(self, validated_data: dict[str, Any]) -> User:
        return User.objects.create_user(**validated_data)


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Username or email address.")
    password = serializers.CharField(write_only=True, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            user = User.objects.get_by_login(attrs["username"])
        except User.DoesNotExist:
            # Hash anyway, so response time does not reveal which accounts exist.
            User().set_password(attrs["password"])
            raise AuthenticationFailed(WRONG_CREDENTIALS) from None
        if not user.is_active or not user.check_password(attrs["password"]):
            raise AuthenticationFailed(WRONG_CREDENTIALS)
        update_last_login(User, user)
        refresh = start_session(user)
        return {"refresh": str(refresh), "access": str(refresh.access_token)}


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshTokenSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class PasswordConfirmSerializer(serializers.Serializer):
    """The current password, asked again before an irreversible change."""

    password = serializers.CharField(write_only=True, trim_whitespace=False)

    def validate_password(self, password: str) -> str:
        if not self.context["request"].user.check_password(password):
            raise serializers.ValidationError("The password is wrong.")
        return password


class SessionRefreshSerializer(TokenRefreshSerializer):
    """Rotation, refused for a logged-out session even with a not yet used token."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        if is_revoked(RefreshToken(attrs["refresh"])):
            raise InvalidToken("This session has ended; log in again.")
        return super().validate(attrs)
