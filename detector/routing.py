from django.urls import path

from detector.consumers import DetectionConsumer
from detector.streaming.consumer import StreamConsumer

websocket_urlpatterns = [
    path("ws/v1/detections/", DetectionConsumer.as_asgi()),
    path("ws/v1/stream/", StreamConsumer.as_asgi()),
]
