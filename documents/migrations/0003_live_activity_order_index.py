from django.db import migrations, models


class Migration(migrations.Migration):
    """The API's document list pages through every live document by activity (issue 8)."""

    dependencies = [
        ("documents", "0002_list_order_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(condition=models.Q(("trashed_at__isnull", True)),
                               fields=["-activity_at", "-id"],
                               name="documents_live_activity_order"),
        ),
    ]
