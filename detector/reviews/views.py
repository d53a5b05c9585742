"""The owner's label on a detection, and the label history."""

from typing import cast

from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from detector.reviews.labels import set_label
from detector.reviews.models import ReviewerLabel
from detector.reviews.serializers import DetectionReviewSerializer
from detector.reviews.serializers import ReviewerLabelSerializer
from detector.reviews.serializers import SetLabelSerializer
from detector.views import UserDetectionsView


class LabelView(UserDetectionsView):
    @extend_schema(
        request=SetLabelSerializer,
        responses={
            200: DetectionReviewSerializer,
            400: OpenApiResponse(description="An unknown label or a too long comment."),
            404: OpenApiResponse(description="You have no detection with this id."),
            409: OpenApiResponse(description="The detection is not completed."),
        },
    )
    def put(self, request: Request, request_id: str) -> Response:
        """Set your label (genuine, synthetic or unsure) on a completed detection.

        The label becomes the current one; earlier labels stay in the history
        and the model's output is never changed.
        """
        detection = self.get_object()
        body = SetLabelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        set_label(detection, cast(User, request.user), **body.validated_data)
        return Response(DetectionReviewSerializer(detection).data)


class LabelHistoryView(UserDetectionsView):
    # A handful of rows per detection: one plain list, no paging or search.
    pagination_class = None
    filter_backends = ()

    @extend_schema(responses={200: ReviewerLabelSerializer(many=True)})
    def get(self, request: Request, request_id: str) -> Response:
        """Every label set on the detection, newest first (the first is the current one)."""
        labels = ReviewerLabel.objects.filter(detection=self.get_object())
        serializer = ReviewerLabelSerializer(
            labels.select_related("reviewer"), many=True
        )
        return Response(serializer.data)
