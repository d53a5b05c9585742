"""Name the source of detections recorded before ``Detection.source`` existed."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def backfill(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    detection = apps.get_model("detector", "Detection")
    # Every row defaulted to "upload"; batch members and uploads by link are not.
    detection.objects.filter(batch__isnull=False).update(source="batch")
    detection.objects.exclude(audio_file__source_url="").update(source="url")


class Migration(migrations.Migration):
    dependencies = [("detector", "0008_detection_source")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
