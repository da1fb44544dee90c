"""Make every cached figure obsolete, after the data was changed outside the site.

    python manage.py data_changed

The site sees its own writes by itself (reform/figures.py); a change made by hand in the
database, or a restored backup, is seen at once after this command (and without it after
FIGURES_CACHE_SECONDS).
"""

from django.core.management.base import BaseCommand

from reform.figures import data_version, new_version


class Command(BaseCommand):
    help = "Change the data version, so that no cached figure is shown again."

    def handle(self, *args, **options):
        new_version()
        self.stdout.write(f"Data version now {data_version()}.")
