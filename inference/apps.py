from django.apps import AppConfig


class InferenceConfig(AppConfig):
    name = "inference"
    verbose_name = "Inference"

    def ready(self) -> None:
        from config import logging as log_context

        # Uploads (web) tag their log lines with the new detection's request_id.
        log_context.connect_django_signals()
