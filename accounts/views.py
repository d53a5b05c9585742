"""Account endpoints: register, login, refresh, logout, me."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_view
from rest_framework import generics
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from accounts.serializers import LoginSerializer
from accounts.serializers import PasswordConfirmSerializer
from accounts.serializers import RefreshTokenSerializer
from accounts.serializers import RegisterSerializer
from accounts.serializers import SessionRefreshSerializer
from accounts.serializers import TokenPairSerializer
from accounts.serializers import UserSerializer
from accounts.socket_sessions import close_session_sockets
from accounts.tokens import revoke_sessions
from detector.deletion import delete_account


class RegisterView(generics.CreateAPIView):
    """Create an account."""

    serializer_class = RegisterSerializer
    permission_classes = (AllowAny,)
    authentication_classes = ()
    throttle_scope = "register"


class LoginView(APIView):
    permission_classes = (AllowAny,)
    authentication_classes = ()
    throttle_scope = "login"

    def get_authenticate_header(self, request: Request) -> str:
        # Without authenticators DRF would turn the 401 for bad credentials into 403.
        return 'Bearer realm="api"'

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: TokenPairSerializer,
            401: OpenApiResponse(description="Wrong username, email or password."),
        },
    )
    def post(self, request: Request) -> Response:
        """Exchange a username (or email) and password for access and refresh tokens."""
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


@extend_schema_view(
    post=extend_schema(
        responses={
            200: SessionRefreshSerializer,
            401: OpenApiResponse(
                description="The refresh token is invalid, expired, already used, "
                "or its session has ended."
            ),
        }
    )
)
class RefreshView(TokenRefreshView):
    """Rotate a refresh token: the old one is blacklisted and refused from then on."""

    serializer_class = SessionRefreshSerializer
    throttle_scope = "login"


class LogoutView(APIView):
    @extend_schema(
        request=RefreshTokenSerializer,
        responses={
            205: None,
            403: OpenApiResponse(
                description="The refresh token belongs to another account."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        """End the session: its refresh and access tokens are refused, its sockets closed."""
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            refresh = RefreshToken(serializer.validated_data["refresh"])
        except TokenError as error:
            raise InvalidToken(str(error)) from error
        if str(refresh.get("user_id")) != str(request.user.pk):
            raise PermissionDenied("This refresh token belongs to another account.")
        refresh.blacklist()
        for session in revoke_sessions([refresh, request.auth]):  # type: ignore[list-item]
            close_session_sockets(session)
        return Response(status=status.HTTP_205_RESET_CONTENT)


class MeView(generics.RetrieveDestroyAPIView):
    """The account the access token belongs to."""

    serializer_class = UserSerializer

    @property
    def throttle_scope(self) -> str | None:
        # Deleting takes the password: limited like a login, against guessing it.
        return "login" if self.request.method == "DELETE" else None

    def get_object(self) -> Any:
        return self.request.user

    @extend_schema(
        request=PasswordConfirmSerializer,
        responses={
            204: None,
            400: OpenApiResponse(description="The password is missing or wrong."),
        },
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Delete the account and everything it owns, recordings included; its tokens stop working."""
        confirm = PasswordConfirmSerializer(
            data=request.data, context={"request": request}
        )
        confirm.is_valid(raise_exception=True)
        delete_account(request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
