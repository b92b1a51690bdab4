import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0002_coverage_link_agenda_item"),
    ]

    operations = [
        migrations.CreateModel(
            name="CohortFigure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "dimension",
                    models.CharField(
                        choices=[
                            ("all", "All required staff"),
                            ("workforce_type", "Workforce type"),
                            ("rank_or_grade", "Rank or grade"),
                            ("command", "Command or department"),
                            ("service_band", "Length of service"),
                        ],
                        max_length=20,
                    ),
                ),
                ("cohort", models.CharField(blank=True, max_length=100)),
                ("required", models.PositiveIntegerField()),
                ("in_date", models.PositiveIntegerField()),
                (
                    "course",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cohort_figures",
                        to="workforce.course",
                    ),
                ),
                (
                    "snapshot",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cohort_figures",
                        to="workforce.snapshot",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("snapshot", "course", "dimension", "cohort"),
                        name="cohort_figure_unique",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("in_date__lte", models.F("required"))),
                        name="cohort_figure_in_date_within_required",
                    ),
                ],
            },
        ),
    ]
