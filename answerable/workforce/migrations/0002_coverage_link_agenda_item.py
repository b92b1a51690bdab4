import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("recommendations", "0003_action_visibility_indexes"),
        ("workforce", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="coveragelink",
            name="agenda_item",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="workforce_coverage_links",
                to="meetings.agendaitem",
            ),
        ),
        migrations.AlterField(
            model_name="coveragelink",
            name="recommendation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="workforce_coverage_links",
                to="recommendations.recommendation",
            ),
        ),
        migrations.AddConstraint(
            model_name="coveragelink",
            constraint=models.UniqueConstraint(
                fields=("course", "agenda_item"), name="coverage_link_unique_agenda_item"
            ),
        ),
        migrations.AddConstraint(
            model_name="coveragelink",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("agenda_item__isnull", True), ("recommendation__isnull", False)),
                    models.Q(("agenda_item__isnull", False), ("recommendation__isnull", True)),
                    _connector="OR",
                ),
                name="coverage_link_one_target",
            ),
        ),
    ]
