"""The Excel import's cluster column (产业集群): members added many at once from a workbook.

pilots offers the hook (pilots.imports.columns) and clusters fills it: pilots may not import
clusters (it sits below), so `ClustersConfig.ready()` registers `ClusterColumn` there.
A cell names one cluster, or several separated by 、 , ; or new lines; the enterprise joins
them. Only adds: an empty cell, or another cluster, ends no membership.
"""

from __future__ import annotations

import re

from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from clusters.models import Cluster, ClusterMembership
from pilots.imports.columns import ColumnError
from pilots.imports.lookups import key
from pilots.imports.plan import chunks
from reform.models import Region
from reform.scopes import Scope

CLUSTER_COUNTY = "county"
# NFKC (in key) makes full-width commas and semicolons half-width; split before it, though.
_SEPARATORS = re.compile(r"[、,;，；\n]+")
_SUFFIX = "产业集群"


def writable_clusters(scope: Scope):
    """The clusters whose members the scope may change: county records, county staff and up."""
    if not scope.can_write or scope.township_id is not None:
        return Cluster.objects.none()
    return scope.filter_county_records(Cluster.objects.all(), county=CLUSTER_COUNTY)


class ClusterResolver:
    """Every cluster loaded once per upload (a few dozen at most); one query a chunk of rows
    for the memberships the matched enterprises have."""

    def __init__(self, scope: Scope):
        self.scope = scope
        clusters = list(Cluster.objects.values_list("pk", "name", "county_id"))
        county_names = dict(
            Region.objects.filter(pk__in={c[2] for c in clusters}).values_list("pk", "name")
        )
        self.clusters = {pk: (name, county_id) for pk, name, county_id in clusters}
        self.county_names = county_names
        self.by_name: dict[str, int] = {}
        short: dict[str, list[int]] = {}
        for pk, name, _county in clusters:
            self.by_name[key(name)] = pk
            short.setdefault(key(name.removesuffix(_SUFFIX)), []).append(pk)
        # "东海水晶" for 东海水晶产业集群, where that is unambiguous.
        for word, ids in short.items():
            if word and len(ids) == 1:
                self.by_name.setdefault(word, ids[0])

    def resolve(self, text: str) -> list[tuple[int, str]]:
        found: dict[int, str] = {}
        for part in _SEPARATORS.split(text):
            if not part.strip():
                continue
            pk = self.by_name.get(key(part))
            if pk is None:
                raise ColumnError(_("Unknown industry cluster; choose one from the list."))
            found[pk] = self.clusters[pk][0]
        return list(found.items())

    def refusal(self, target: int) -> str | None:
        name, county_id = self.clusters[target]
        if self.scope.allows_county_write(county_id=county_id):
            return None
        if self.scope.can_write and self.scope.township_id is not None:
            return _("Cluster members are added by county or city staff; leave this empty.")
        return _("%(cluster)s belongs to %(county)s; you cannot add members to it.") % {
            "cluster": name,
            "county": self.county_names.get(county_id, ""),
        }

    def existing(self, enterprise_ids: list[int]) -> set[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        for chunk in chunks(enterprise_ids):
            found.update(
                ClusterMembership.objects.filter(enterprise_id__in=chunk).values_list(
                    "enterprise_id", "cluster_id"
                )
            )
        return found


class ClusterColumn:
    field = "cluster"

    def values(self, scope: Scope) -> list[str]:
        return list(writable_clusters(scope).order_by("name").values_list("name", flat=True))

    def explanation(self) -> str:
        return _(
            "The industry cluster the enterprise joins, if any; choose from the list. "
            "Memberships it already has stay as they are."
        )

    def resolver(self, scope: Scope) -> ClusterResolver:
        return ClusterResolver(scope)

    def describe(self, label: str) -> str:
        return _("joins %(cluster)s") % {"cluster": label}

    def count_label(self, count: int, *, applied: bool) -> str:
        if applied:
            return ngettext("Cluster membership added", "Cluster memberships added", count)
        return ngettext("Cluster membership to add", "Cluster memberships to add", count)

    def apply(self, batch, pairs: list[tuple[int, int]], user) -> list[int]:
        """Add the memberships not there yet, in bulk, history tagged with the batch.

        Returns the ids of the memberships added, for undo. Clusters deleted since the
        preview are skipped; a membership someone added meanwhile is left as it is.
        """
        pairs = list(dict.fromkeys(pairs))
        clusters = set(
            Cluster.objects.filter(pk__in={cluster for _e, cluster in pairs}).values_list(
                "pk", flat=True
            )
        )
        have: set[tuple[int, int]] = set()
        for chunk in chunks([enterprise for enterprise, _c in pairs]):
            have.update(
                ClusterMembership.objects.filter(enterprise_id__in=chunk).values_list(
                    "enterprise_id", "cluster_id"
                )
            )
        new = [
            ClusterMembership(enterprise_id=enterprise, cluster_id=cluster, added_by=user)
            for enterprise, cluster in pairs
            if cluster in clusters and (enterprise, cluster) not in have
        ]
        if not new:
            return []
        created = bulk_create_with_history(
            new,
            ClusterMembership,
            batch_size=500,
            default_user=user,
            default_change_reason=batch.change_reason,
            default_date=timezone.now(),
        )
        return [membership.pk for membership in created]

    def undo(self, batch, items: list[int], user) -> None:
        """End the memberships the batch added that still exist; history says by whose undo."""
        now = timezone.now()
        for chunk in chunks(items):
            memberships = list(ClusterMembership.objects.filter(pk__in=chunk))
            for membership in memberships:
                # Read by simple_history's post_delete handler for the "-" history row.
                membership._change_reason = f"undo:{batch.pk}"
                membership._history_user = user
                membership._history_date = now
            collector = Collector(using=ClusterMembership.objects.db, origin=ClusterMembership)
            collector.collect(memberships)
            collector.delete()
