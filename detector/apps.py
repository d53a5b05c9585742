from django.apps import AppConfig


class DetectorConfig(AppConfig):
    name = "detector"
    verbose_name = "Detections"
