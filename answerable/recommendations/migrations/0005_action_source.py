"""Copy each action's source onto the action (issue #5).

Visibility ("actions under the office's sources") and the dashboard's counts by source then
read the actions table alone. The column is added empty and filled from the recommendations
in one statement; 0006 makes it required (PostgreSQL will not alter a table with the fill's
deferred foreign-key checks still pending in the same transaction).
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE recommendations_action
SET source_id = (
    SELECT source_id FROM recommendations_recommendation
    WHERE recommendations_recommendation.id = recommendations_action.recommendation_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("recommendations", "0004_recommendation_search_column"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="source",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="actions",
                to="recommendations.source",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
