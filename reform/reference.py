"""Loading the real reference data in fixtures/: regions, parks, industries. Idempotent."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from reform.industry_codes import sector_of
from reform.models import Industry, Park, Region

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def read_fixture(name: str) -> list[dict[str, str]]:
    with open(FIXTURES / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def region_kind(code: str, name: str, level: str) -> str:
    """The kind of a region from its NBS statistical code (and, for counties, its name)."""
    if level == Region.Level.CITY:
        return Region.Kind.CITY
    if level == Region.Level.PROVINCE:
        return Region.Kind.PROVINCE
    if level == Region.Level.COUNTY:
        # Digits 5–6 from 71 up are functional zones (开发区) in the statistics codes.
        if int(code[4:6]) >= 71:
            return Region.Kind.FUNCTIONAL_ZONE
        if name.endswith("县"):
            return Region.Kind.COUNTY
        if name.endswith("市"):
            return Region.Kind.COUNTY_CITY
        return Region.Kind.DISTRICT
    # Township level: digits 7–9 — 001–099 street, 100–199 town, 200–399 township,
    # 400–599 units that are not administrative divisions (farms, salt works, zones).
    number = int(code[6:9])
    if number < 100:
        return Region.Kind.STREET
    if number < 200:
        return Region.Kind.TOWN
    if number < 400:
        return Region.Kind.TOWNSHIP
    return Region.Kind.OTHER


@transaction.atomic
def load_regions(rows: list[dict[str, str]] | None = None) -> int:
    """Create or update the regions; returns how many were created or changed."""
    rows = rows if rows is not None else read_fixture("lianyungang_divisions.csv")
    existing = {region.code: region for region in Region.objects.all()}
    changed = 0
    for row in rows:  # parents come before their children in the file
        parent = existing.get(row["parent_code"]) if row["parent_code"] else None
        values = {
            "name": row["name"],
            "level": row["level"],
            "kind": region_kind(row["code"], row["name"], row["level"]),
            "parent": parent,
        }
        region = existing.get(row["code"])
        if region is None:
            region = Region.objects.create(code=row["code"], **values)
            existing[region.code] = region
            changed += 1
        elif any(getattr(region, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(region, key, value)
            region.save()
            changed += 1
    return changed


@transaction.atomic
def load_parks(rows: list[dict[str, str]] | None = None) -> int:
    rows = rows if rows is not None else read_fixture("lianyungang_parks.csv")
    counties = {r.name: r for r in Region.objects.filter(level=Region.Level.COUNTY)}
    changed = 0
    for row in rows:
        # A park lies in one county-level unit (an enterprise's park lies in its county).
        county = counties.get(row["county_name"])
        if county is None:
            raise ValueError(
                f"Park {row['name']}: no county-level unit named {row['county_name']!r}."
            )
        _park, created = Park.objects.update_or_create(
            name=row["name"],
            defaults={
                "level": row["level"],
                "kind": row["kind"],
                "county": county,
                "source": row["source"],
                "is_demo": False,
            },
        )
        changed += created
    return changed


@transaction.atomic
def load_industries(rows: list[dict[str, str]] | None = None) -> int:
    """GB/T 4754-2017, all four levels (fixtures/gbt4754_2017.csv); returns how many entries
    were created or changed. The sector is derived by the NBS rule (reform.industry_codes); the
    file carries it too, and a row where the two disagree stops the load. A level at a time in
    bulk (parents first): 1,971 entries in a handful of queries."""
    rows = rows if rows is not None else read_fixture("gbt4754_2017.csv")
    for row in rows:
        if row.get("sector") and row["sector"] != sector_of(row["code"]):
            raise ValueError(
                f"Industry {row['code']}: the file says {row['sector']}, the NBS rule "
                f"{sector_of(row['code'])}."
            )
    existing = {industry.code: industry for industry in Industry.objects.all()}
    changed = 0
    for level in Industry.Level.values:  # sections, divisions, groups, classes
        new, updated = [], []
        for order, row in enumerate(rows, start=1):
            if row["level"] != level:
                continue
            values = {
                "name": row["name"],
                "level": row["level"],
                "parent_id": existing[row["parent_code"]].pk if row["parent_code"] else None,
                "sector": sector_of(row["code"]),
                "order": order,
            }
            industry = existing.get(row["code"])
            if industry is None:
                new.append(Industry(code=row["code"], **values))
            elif any(getattr(industry, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(industry, key, value)
                updated.append(industry)
        for industry in Industry.objects.bulk_create(new, batch_size=500):
            existing[industry.code] = industry
        Industry.objects.bulk_update(
            updated, ["name", "level", "parent_id", "sector", "order"], batch_size=500
        )
        changed += len(new) + len(updated)
    return changed


def load_core_reference() -> dict[str, int]:
    return {
        "regions": load_regions(),
        "parks": load_parks(),
        "industries": load_industries(),
    }


def load_all_reference() -> dict[str, int]:
    """The reference data of every app, lowest layer first.

    Each app that has reference data says so with a `load_reference()` method on its AppConfig
    (returning {what: new or changed}); the core does not import the apps above it.
    """
    from django.apps import apps

    counts: dict[str, int] = {}
    for app_config in apps.get_app_configs():
        load = getattr(app_config, "load_reference", None)
        if load is not None:
            counts.update(load())
    return counts
