# Reviewer labels and the thresholds fitted on them (detector.reviews).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations
from django.db import models


class Migration(migrations.Migration):
    dependencies = [
        ("detector", "0005_detection_events"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ThresholdOverride",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("model_name", models.CharField(max_length=255)),
                ("model_version", models.CharField(max_length=128)),
                ("likely_fake_threshold", models.FloatField()),
                ("fake_threshold", models.FloatField()),
                ("label_count", models.PositiveIntegerField()),
                ("eer", models.FloatField()),
                ("created_by", models.CharField(max_length=150)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "indexes": [models.Index(fields=["model_name", "model_version", "-created_at"], name="override_model_latest_idx")],
            },
        ),
        migrations.AddField(
            model_name="detection",
            name="threshold_override",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="detections", to="detector.thresholdoverride"),
        ),
        migrations.CreateModel(
            name="ReviewerLabel",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(choices=[("genuine", "Genuine"), ("synthetic", "Synthetic"), ("unsure", "Unsure")], max_length=16)),
                ("comment", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("detection", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="labels", to="detector.detection")),
                ("reviewer", models.ForeignKey(on_delete=django.db.models.deletion.RESTRICT, related_name="labels", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ("-created_at", "-id"),
                "indexes": [models.Index(fields=["detection", "-created_at"], name="label_detection_latest_idx")],
            },
        ),
    ]
