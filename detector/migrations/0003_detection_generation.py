from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('detector', '0002_inconclusive_reason'),
    ]

    operations = [
        migrations.AddField(
            model_name='detection',
            name='generation',
            field=models.PositiveIntegerField(default=0),
        ),
    ]
