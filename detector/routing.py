from django.urls import path

from detector.consumers import DetectionConsumer

websocket_urlpatterns = [
    path("ws/v1/detections/", DetectionConsumer.as_asgi()),
]
