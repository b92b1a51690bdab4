"""Edit, archive, supersede and the statutory response (issue #17).

Adding a foreign key makes Django remake the SQLite recommendations table, which drops the
full-text search triggers of 0002: they are created again after it (and, undoing this
migration, after its own remake).
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

_search = importlib.import_module(
    "answerable.recommendations.migrations.0002_recommendation_search"
)


def search_triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _search.SQLITE_FORWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0005_office_requires_second_approval"),
        ("recommendations", "0011_source_publish_request"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, search_triggers_create),
        migrations.RemoveIndex(
            model_name="action",
            name="action_open_target",
        ),
        migrations.AddField(
            model_name="action",
            name="archived_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="action",
            name="is_superseded",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="archived_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="superseded_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="superseded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="superseded_recommendations",
                to="recommendations.recommendation",
            ),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="version",
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name="source",
            name="archived_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="source",
            name="response_document",
            field=models.FileField(blank=True, upload_to="responses/%Y/"),
        ),
        migrations.AddField(
            model_name="source",
            name="response_document_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="source",
            name="response_url",
            field=models.URLField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="source",
            name="version",
            field=models.PositiveIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                condition=models.Q(
                    (
                        "delivery_status__in",
                        ["not_started", "on_track", "off_track", "ready_for_assessment"],
                    ),
                    ("is_archived", False),
                    ("is_superseded", False),
                ),
                fields=["target_on", "source", "owner", "delivery_status", "is_archived"],
                name="action_open_target",
            ),
        ),
        migrations.RunPython(search_triggers_create, migrations.RunPython.noop),
    ]
