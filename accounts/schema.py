"""How the API's authentication appears in the OpenAPI schema (Swagger's Authorize)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class RevocableJWTScheme(SimpleJWTScheme):
    """A bearer JWT, as for simplejwt's own class (revocation changes no header)."""

    target_class = "accounts.authentication.RevocableJWTAuthentication"
    name = "jwtAuth"
