from django.apps import AppConfig


class DetectorConfig(AppConfig):
    name = "detector"
    verbose_name = "Detections"

    def ready(self) -> None:
        from config import log_context

        # Uploads (web) tag their log lines with the new detection's request_id.
        log_context.connect_django_signals()
