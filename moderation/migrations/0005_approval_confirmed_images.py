from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0004_original_purged_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="approval",
            name="confirmed_images",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
