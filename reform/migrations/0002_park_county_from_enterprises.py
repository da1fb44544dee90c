"""Every park gets its county-level unit before the field becomes required (0003).

A park lies in the county-level unit of the enterprises placed in it (DESIGN.md), so a park
without one could hold no enterprise. For each park that has none:

- its enterprises all lie in one county-level unit: that is the park's;
- nothing uses it and it is 连云港综合保税区 as the reference data loaded it (its blocks lie in
  two county-level units, 连云区 and the development zone, so it is no longer loaded; see
  fixtures/SOURCES.md): it is deleted;
- otherwise the migration stops and names the park, so that an administrator sets its county
  (or moves its enterprises) before migrating again. Nothing is guessed and nothing is lost.

The reverse changes nothing: 0003's reverse makes the field optional again, and a county that
was set stays correct.
"""

from django.core.management.base import CommandError
from django.db import migrations

BONDED_ZONE = "连云港综合保税区"


def fill_county(apps, schema_editor):
    Park = apps.get_model("reform", "Park")
    Enterprise = apps.get_model("pilots", "Enterprise")
    GuidanceStation = apps.get_model("clusters", "GuidanceStation")
    problems = []
    for park in Park.objects.filter(county__isnull=True).order_by("pk"):
        counties = set(
            Enterprise.objects.filter(park=park).values_list("county_id", flat=True).distinct()
        )
        stations = GuidanceStation.objects.filter(park=park).count()
        if len(counties) == 1:
            park.county_id = counties.pop()
            park.save(update_fields=["county"])
        elif not counties and not stations and park.name == BONDED_ZONE:
            park.delete()
        elif counties:
            problems.append(
                f"{park.name} (id {park.pk}): its enterprises lie in {len(counties)} "
                "county-level units; move them to parks of their own county-level unit"
            )
        else:
            problems.append(f"{park.name} (id {park.pk}): no enterprise tells its county")
    if problems:
        raise CommandError(
            "These parks have no county-level unit and the migration cannot tell which it is. "
            "Set it in the admin (Parks), then run migrate again:\n  " + "\n  ".join(problems)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reform", "0001_initial"),
        ("pilots", "0004_import_batch_link_counts"),
        ("clusters", "0002_add_cluster_membership_with_history"),
    ]

    operations = [
        migrations.RunPython(fill_county, migrations.RunPython.noop),
    ]
