"""Put existing partners in the area of the office, where there is only one office.

Before areas existed every administrator managed every organisation. Where a database holds
one office the partners can only be in its area; with several, a system administrator
assigns them, and until then only a system administrator manages them.
"""

from django.db import migrations


def partners_join_the_only_office(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    offices = list(Organisation.objects.filter(kind="pcc_office").values_list("pk", flat=True))
    if len(offices) == 1:
        Organisation.objects.exclude(kind="pcc_office").filter(office__isnull=True).update(
            office_id=offices[0]
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_add_office_area")]

    # Reversing drops the column in 0002, which forgets the areas anyway.
    operations = [migrations.RunPython(partners_join_the_only_office, migrations.RunPython.noop)]
