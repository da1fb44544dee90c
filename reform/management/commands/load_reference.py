from django.core.management.base import BaseCommand

from clusters.reference import load_clusters
from reform.reference import load_core_reference


class Command(BaseCommand):
    help = "Load the real reference data in fixtures/ (regions, parks, industries, clusters)."

    def handle(self, *args, **options):
        counts = load_core_reference()
        counts["clusters"] = load_clusters()
        self.stdout.write(", ".join(f"{name}: {n} new or changed" for name, n in counts.items()))
