# The queue's order as an index (issue 19, docs/performance.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0008_post_last_seen"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                fields=["school", "scheduled_at", "submitted_at", "id"], name="post_queue_order"
            ),
        ),
    ]
