"""GET model: the serving checkpoint's card, for the dashboard's "What this model knows"."""

from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from detector.modelcard.serializers import ModelCardSerializer
from detector.report.model_facts import serving_facts


class ModelCardView(APIView):
    @extend_schema(
        responses={
            200: ModelCardSerializer,
            404: OpenApiResponse(
                description="The model is a hub id: this server holds no card of it."
            ),
        }
    )
    def get(self, request: Request) -> Response:
        """What the model that scores new uploads knows: material, evaluation, limits."""
        facts = serving_facts()
        if facts is None:
            raise NotFound(
                "The serving model is a hub id: this server holds no card of it."
            )
        return Response(ModelCardSerializer(facts).data)
