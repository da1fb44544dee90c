from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Clusters and guidance stations")

    def ready(self):
        # Dependency inversion: the Excel import (pilots) reads a cluster column but may not
        # import clusters, the layer above it; it offers a hook (pilots.imports.columns) and
        # clusters fills it here, so the column adds cluster members.
        from clusters.import_column import ClusterColumn
        from pilots.imports.columns import register_column

        register_column(ClusterColumn())

    def load_reference(self) -> dict[str, int]:
        from clusters.reference import load_clusters

        return {"clusters": load_clusters()}

    def data_checks(self) -> list:
        from clusters.data_checks import cluster_data_checks

        return cluster_data_checks()

    def place_conflicts(self, record) -> list[str]:
        from clusters.data_checks import stranded_station_pilots

        return stranded_station_pilots(record)
