"""Remove finished background tasks older than some days, with the files they made.

    python manage.py clear_jobs              # finished more than JOBS_KEEP_DAYS (30) days ago
    python manage.py clear_jobs --days 7

An export of a whole province's enterprises is a file of about 10 MB kept in the file store
until its task record goes; run this from cron (daily) beside `prune_db_task_results`. Tasks
waiting or running are never touched, whatever their age.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reform.models import Job


class Command(BaseCommand):
    help = "Remove finished background tasks (and the files they made) older than some days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep those finished in the last DAYS days (default {settings.JOBS_KEEP_DAYS})",
        )

    def handle(self, *args, days, **options):
        days = settings.JOBS_KEEP_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days cannot be negative.")
        before = timezone.now() - datetime.timedelta(days=days)
        old = Job.objects.filter(
            status__in=(Job.Status.DONE, Job.Status.FAILED), updated_at__lt=before
        )
        files = 0
        for job in old.exclude(result_file="").only("pk", "result_file").iterator():
            # The record goes even when its file is already gone from the store.
            job.result_file.delete(save=False)
            files += 1
        removed, _by_model = old.delete()
        self.stdout.write(
            f"Removed {removed} finished tasks older than {days} days ({files} files)."
        )
