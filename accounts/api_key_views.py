"""Managing one's API keys: list, create (the key is shown once), revoke."""

from typing import cast

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_view
from rest_framework import generics
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_key_serializers import ApiKeyCreatedSerializer
from accounts.api_key_serializers import ApiKeySerializer
from accounts.api_key_serializers import NewApiKeySerializer
from accounts.api_keys import create_api_key
from accounts.api_keys import revoke_api_keys
from accounts.models import ApiKey
from accounts.models import User
from accounts.permissions import RefuseApiKeys

API_KEY_NOT_FOUND = "You have no API key with this prefix."
MADE_WITH_A_KEY = OpenApiResponse(
    description="Made with an API key: keys cannot list, create or revoke keys."
)


class OwnApiKeysView(generics.GenericAPIView):
    permission_classes = (IsAuthenticated, RefuseApiKeys)
    serializer_class = ApiKeySerializer
    # Revoked keys leave the list (the admin keeps them); the rest is bounded
    # by DETECTOR_MAX_API_KEYS, so no pages.
    pagination_class = None

    def get_queryset(self) -> QuerySet[ApiKey]:
        # By id: the schema generator calls this with an AnonymousUser (pk None).
        return ApiKey.objects.filter(owner_id=self.request.user.pk, revoked=False)


@extend_schema_view(
    get=extend_schema(
        responses={200: ApiKeySerializer(many=True), 403: MADE_WITH_A_KEY}
    )
)
class ApiKeyListView(OwnApiKeysView, generics.ListAPIView):
    """Your API keys (never the keys themselves), newest first."""

    @extend_schema(
        request=NewApiKeySerializer,
        responses={
            201: ApiKeyCreatedSerializer,
            403: MADE_WITH_A_KEY,
            409: OpenApiResponse(description="The user holds the most keys allowed."),
        },
    )
    def post(self, request: Request) -> Response:
        """Create a key; the response holds the full key, shown this once only."""
        serializer = NewApiKeySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        api_key, key = create_api_key(
            cast(User, request.user), **serializer.validated_data
        )
        body = ApiKeyCreatedSerializer(api_key, context={"key": key}).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    delete=extend_schema(
        responses={
            204: None,
            403: MADE_WITH_A_KEY,
            404: OpenApiResponse(
                description="You have no unrevoked key with this prefix."
            ),
        }
    )
)
class ApiKeyDetailView(OwnApiKeysView, generics.DestroyAPIView):
    """Revoke a key: it is refused at once and its open sockets close."""

    def get_object(self) -> ApiKey:
        try:
            return self.get_queryset().get(prefix=self.kwargs["prefix"])
        except ApiKey.DoesNotExist:
            raise NotFound(API_KEY_NOT_FOUND) from None

    def perform_destroy(self, instance: ApiKey) -> None:
        revoke_api_keys(ApiKey.objects.filter(pk=instance.pk))
