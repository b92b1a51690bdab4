"""Make each action's copied source required, and index it by owner (issue #5)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0005_action_source"),
    ]

    operations = [
        migrations.AlterField(
            model_name="action",
            name="source",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="actions",
                to="recommendations.source",
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["owner", "source"], name="action_owner_source"),
        ),
    ]
