import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dashboards.demo import seed_demo
from pilots.models import Enterprise


class Command(BaseCommand):
    help = "Load the reference data where missing, then fill the database with demo data."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but reset the demo accounts) when enterprises exist already.",
        )

    def handle(self, *args, enterprises, seed, if_empty, **options):
        if enterprises < 0:
            raise CommandError(_("--enterprises must be 0 or more."))
        started = time.perf_counter()
        if Enterprise.objects.exists():
            if not if_empty:
                raise CommandError(
                    _("The database already holds enterprises; demo data goes into an empty one.")
                )
            from dashboards.demo import ensure_demo_users
            from demonstration.demo import ensure_demo_reviewers

            users = ensure_demo_users() + ensure_demo_reviewers()
            self.stdout.write(_("Enterprises exist already; demo data left as it is."))
        else:
            result = seed_demo(enterprises=enterprises, seed=seed)
            users = result.users
            self.stdout.write(
                _("Demo data: %(e)d enterprises, %(p)d pilots in %(s).1f s.")
                % {"e": result.enterprises, "p": result.pilots, "s": time.perf_counter() - started}
            )
        self.stdout.write(_("Demo accounts (user name / password / role):"))
        for username, password, role in users:
            self.stdout.write(f"  {username:<10} {password:<22} {role}")
