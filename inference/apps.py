from django.apps import AppConfig


class InferenceConfig(AppConfig):
    name = "inference"
    verbose_name = "Inference"

    def ready(self) -> None:
        from config.celery import app as celery_app
        from inference.heartbeat import Heartbeat

        # Every worker announces itself for the health check.
        celery_app.steps["worker"].add(Heartbeat)
