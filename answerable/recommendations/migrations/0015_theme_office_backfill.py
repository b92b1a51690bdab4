"""Give every theme the office it belongs to (issue #17).

Themes were one list shared by every office. Each theme now goes to the office whose
sources' recommendations (or whose meetings' agenda items) use it; a theme used by several
offices is copied, one for each, and their rows moved to their own copy. A theme nothing
uses belongs to no office and is removed: it is only a name.
"""

from django.db import migrations


def _rows(apps):
    Theme = apps.get_model("recommendations", "Theme")
    Tagged = apps.get_model("recommendations", "Recommendation").themes.through
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    return Theme, Tagged, AgendaItem


def assign_offices(apps, schema_editor):
    Theme, Tagged, AgendaItem = _rows(apps)
    for theme in Theme.objects.filter(office__isnull=True).order_by("pk"):
        offices = set(
            Tagged.objects.filter(theme_id=theme.pk).values_list(
                "recommendation__source__owner_id", flat=True
            )
        ) | set(
            AgendaItem.objects.filter(theme_id=theme.pk).values_list(
                "meeting__office_id", flat=True
            )
        )
        if not offices:
            theme.delete()
            continue
        first, *others = sorted(offices)
        theme.office_id = first
        theme.save(update_fields=["office"])
        for office_id in others:
            copy = Theme.objects.create(name=theme.name, office_id=office_id)
            Tagged.objects.filter(
                theme_id=theme.pk, recommendation__source__owner_id=office_id
            ).update(theme_id=copy.pk)
            AgendaItem.objects.filter(theme_id=theme.pk, meeting__office_id=office_id).update(
                theme_id=copy.pk
            )


def share_again(apps, schema_editor):
    """Back to one shared list: each name's first theme keeps every row of its copies, and
    merged themes are undone (the earlier schema has no archived theme)."""
    Theme, Tagged, AgendaItem = _rows(apps)
    kept: dict[str, int] = {}
    for theme in Theme.objects.order_by("pk"):
        key = theme.name.casefold()
        if key not in kept:
            kept[key] = theme.pk
            continue
        tagged = set(
            Tagged.objects.filter(theme_id=kept[key]).values_list("recommendation_id", flat=True)
        )
        Tagged.objects.filter(theme_id=theme.pk, recommendation_id__in=tagged).delete()
        Tagged.objects.filter(theme_id=theme.pk).update(theme_id=kept[key])
        AgendaItem.objects.filter(theme_id=theme.pk).update(theme_id=kept[key])
        Theme.objects.filter(merged_into_id=theme.pk).update(merged_into=None)
        theme.delete()
    Theme.objects.update(office=None, merged_into=None, is_archived=False)


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0014_theme_per_office"),
        # Agenda items name themes too; they move to their meeting's office's copy.
        ("meetings", "0002_agenda_item_version"),
    ]

    operations = [migrations.RunPython(assign_offices, share_again)]
