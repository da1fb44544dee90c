"""Keep today's progress of every region against every rule of a plan year (pilots/snapshots.py).

    python manage.py snapshot_progress                      # the current plan year, today
    python manage.py snapshot_progress --date 2026-03-31 --year 2026

Idempotent for a date: running it again replaces that date's rows in one transaction. The
figures are always today's; --date only names the day they are kept under (a missed daily run
taken the next morning, say), never a day in the future. README, "Progress snapshots", has the
cron line for a daily run.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.snapshots import SnapshotError, snapshot_plan_year
from reform.models import PlanYear
from reform.selectors import plan_year_current


class Command(BaseCommand):
    help = "Keep a dated snapshot of every region's progress against the quota rules."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to keep it under, YYYY-MM-DD (default today)")
        parser.add_argument("--year", type=int, help="the plan year (default the current one)")

    def handle(self, *args, **options):
        day = timezone.localdate()
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    _("%(value)s is not a date (YYYY-MM-DD).") % {"value": options["date"]}
                ) from None
        if options["year"] is not None:
            plan_year = PlanYear.objects.filter(year=options["year"]).first()
            if plan_year is None:
                raise CommandError(_("There is no plan year %(year)s.") % {"year": options["year"]})
        else:
            plan_year = plan_year_current()
            if plan_year is None:
                raise CommandError(_("There is no current plan year."))
        try:
            rows = snapshot_plan_year(plan_year, day)
        except SnapshotError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Kept %(rows)s rows for plan year %(year)s on %(date)s.")
            % {"rows": rows, "year": plan_year.year, "date": day.isoformat()}
        )
