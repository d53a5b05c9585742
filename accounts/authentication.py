"""JWT authentication that also honours revoked access tokens."""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import Token

from accounts.tokens import is_access_token_revoked


class RevocableJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token: bytes) -> Token:
        token = super().get_validated_token(raw_token)
        if is_access_token_revoked(token):
            raise InvalidToken("This token has been revoked; log in again.")
        return token
