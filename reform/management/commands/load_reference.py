from django.core.management.base import BaseCommand

from reform.reference import load_all_reference


class Command(BaseCommand):
    help = "Load the real reference data in fixtures/ (regions, parks, industries, clusters)."

    def handle(self, *args, **options):
        counts = load_all_reference()
        self.stdout.write(", ".join(f"{name}: {n} new or changed" for name, n in counts.items()))
