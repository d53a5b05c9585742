"""The webhooks API: an owner's endpoints, their secrets, test events and deliveries."""

from typing import cast

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import RefuseApiKeys
from detector.webhooks import endpoints
from detector.webhooks.models import WebhookDelivery
from detector.webhooks.models import WebhookEndpoint
from detector.webhooks.serializers import WebhookDeliverySerializer
from detector.webhooks.serializers import WebhookEndpointSerializer
from detector.webhooks.serializers import WebhookEndpointWithSecretSerializer
from detector.webhooks.serializers import WebhookSecretSerializer

# The same for an unknown id and another user's endpoint.
ENDPOINT_NOT_FOUND = "You have no webhook endpoint with this id."


def own_endpoints(request: Request) -> QuerySet[WebhookEndpoint]:
    # Scoped to the caller, so another user's endpoint is a plain 404.
    return WebhookEndpoint.objects.filter(owner=cast(User, request.user))


def own_endpoint(request: Request, pk: str) -> WebhookEndpoint:
    try:
        return own_endpoints(request).get(pk=pk)
    except WebhookEndpoint.DoesNotExist:
        raise NotFound(ENDPOINT_NOT_FOUND) from None


class OwnEndpointsMixin(generics.GenericAPIView):
    queryset = WebhookEndpoint.objects.none()  # for the schema; see get_queryset

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return own_endpoints(self.request)

    def get_object(self) -> WebhookEndpoint:
        return own_endpoint(self.request, self.kwargs["pk"])


class EndpointListView(OwnEndpointsMixin, generics.ListCreateAPIView):
    """The caller's webhook endpoints, oldest first."""

    serializer_class = WebhookEndpointSerializer

    @extend_schema(responses={201: WebhookEndpointWithSecretSerializer})
    def post(self, request: Request) -> Response:
        """Register an endpoint; the response holds its signing secret."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = endpoints.create_endpoint(
            cast(User, request.user), **serializer.validated_data
        )
        return Response(
            WebhookEndpointWithSecretSerializer(endpoint).data,
            status=status.HTTP_201_CREATED,
        )


class EndpointDetailView(OwnEndpointsMixin, generics.RetrieveUpdateDestroyAPIView):
    """One endpoint: read, change (url, events, enabled, description) or delete."""

    serializer_class = WebhookEndpointSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]


class SecretView(OwnEndpointsMixin):
    serializer_class = WebhookSecretSerializer
    # Whoever holds the secret can forge our deliveries: never to an API key.
    permission_classes = (IsAuthenticated, RefuseApiKeys)

    def get(self, request: Request, pk: str) -> Response:
        """The endpoint's current signing secret."""
        return Response(self.get_serializer(self.get_object()).data)


class RotateSecretView(OwnEndpointsMixin):
    serializer_class = WebhookSecretSerializer

    @extend_schema(request=None)
    def post(self, request: Request, pk: str) -> Response:
        """Replace the secret; the old one also signs until previous_secret_expires_at."""
        endpoint = endpoints.rotate_secret(self.get_object())
        return Response(self.get_serializer(endpoint).data)


class TestEventView(OwnEndpointsMixin):
    serializer_class = WebhookDeliverySerializer
    throttle_scope = "webhook_test"

    @extend_schema(
        request=None,
        responses={
            202: WebhookDeliverySerializer,
            429: OpenApiResponse(description="Too many test events; see Retry-After."),
        },
    )
    def post(self, request: Request, pk: str) -> Response:
        """Send a `webhook.test` event to this endpoint now (one attempt, even if disabled).

        The answer is the queued delivery; its attempt appears under deliveries.
        """
        delivery = endpoints.send_test(self.get_object())
        return Response(
            self.get_serializer(delivery).data, status=status.HTTP_202_ACCEPTED
        )


class DeliveryListView(generics.ListAPIView):
    """The endpoint's deliveries, newest first, each with its attempts."""

    serializer_class = WebhookDeliverySerializer
    queryset = WebhookDelivery.objects.none()  # for the schema; see get_queryset

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        endpoint = own_endpoint(self.request, self.kwargs["pk"])
        return (
            WebhookDelivery.objects.filter(endpoint=endpoint)
            .prefetch_related("attempt_log")
            .order_by("-created_at", "-id")
        )
