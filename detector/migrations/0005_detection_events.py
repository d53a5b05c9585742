# The custody log (detector.custody.DetectionEvent).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations
from django.db import models


class Migration(migrations.Migration):
    dependencies = [
        ("detector", "0004_webhooks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DetectionEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("request_id", models.UUIDField()),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("uploaded", "Uploaded"),
                            ("processing_started", "Processing started"),
                            ("completed", "Completed"),
                            ("failed", "Failed"),
                            ("requeued", "Re-queued"),
                            ("audio_downloaded", "Recording downloaded"),
                            ("report_downloaded", "Report downloaded"),
                            ("deletion_requested", "Deletion requested"),
                            ("labelled", "Labelled by a reviewer"),
                        ],
                        max_length=32,
                    ),
                ),
                ("actor_name", models.CharField(max_length=150)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now),
                ),
                ("details", models.JSONField(blank=True, default=dict)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "detection",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="events",
                        to="detector.detection",
                    ),
                ),
            ],
            options={
                "ordering": ("created_at", "id"),
                "indexes": [
                    models.Index(
                        fields=["request_id", "created_at"],
                        name="event_request_created_idx",
                    )
                ],
            },
        ),
    ]
