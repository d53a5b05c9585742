"""JWT authentication that also refuses tokens of logged-out sessions."""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import Token

from accounts.tokens import is_revoked


class RevocableJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token: bytes) -> Token:
        token = super().get_validated_token(raw_token)
        if is_revoked(token):
            raise InvalidToken("This session has ended; log in again.")
        return token
