"""Cluster and station rules as queries, for `manage.py check_data` (see reform.data_checks)."""

from collections.abc import Iterator

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusters.models import Cluster, GuidanceStation
from reform.data_checks import DataCheck, field_checks
from reform.models import Park, Region


def station_pilots_outside() -> Iterator[tuple[int, str]]:
    """A station looks after pilots in its park's county-level unit only (station_pilots_set)."""
    rows = (
        GuidanceStation.pilots.through.objects.exclude(
            pilot__enterprise__county_id=F("guidancestation__park__county_id")
        )
        .values_list(
            "guidancestation_id",
            "guidancestation__name",
            "pilot__enterprise__name",
            "pilot__enterprise__county__name",
            "guidancestation__park__county__name",
        )
        .order_by("guidancestation_id", "pilot_id")
    )
    for pk, station, pilot, county, park_county in rows:
        yield (
            pk,
            _(
                "%(station)s looks after the pilot %(pilot)s of %(county)s, outside its park's "
                "county-level unit %(park_county)s."
            )
            % {"station": station, "pilot": pilot, "county": county, "park_county": park_county},
        )


def cluster_counties() -> Iterator[tuple[int, str]]:
    rows = Cluster.objects.exclude(county__level=Region.Level.COUNTY).values_list(
        "pk", "name", "county__name"
    )
    for pk, name, region in rows.order_by("pk"):
        yield (
            pk,
            _("%(cluster)s lies in %(region)s, which is not a county-level unit.")
            % {
                "cluster": name,
                "region": region,
            },
        )


def cluster_data_checks() -> list[DataCheck]:
    return [
        DataCheck(Cluster, cluster_counties),
        field_checks(Cluster),
        DataCheck(GuidanceStation, station_pilots_outside),
        field_checks(GuidanceStation),
    ]


def stranded_station_pilots(record) -> list[str]:
    """Moving a park to another county-level unit would leave its stations' pilots outside it
    (ClustersConfig.place_conflicts, called from Park.clean())."""
    if not isinstance(record, Park):
        return []
    found = GuidanceStation.pilots.through.objects.filter(guidancestation__park=record).exclude(
        pilot__enterprise__county_id=record.county_id
    )
    count = found.count()
    if not count:
        return []
    return [
        ngettext(
            "A guidance station of this park looks after %(count)d pilot of another "
            "county-level unit; take it off the station first.",
            "A guidance station of this park looks after %(count)d pilots of another "
            "county-level unit; take them off the station first.",
            count,
        )
        % {"count": count}
    ]
