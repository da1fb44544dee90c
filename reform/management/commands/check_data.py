from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reform.data_checks import run_data_checks


class Command(BaseCommand):
    help = (
        "List every record that breaks a rule of the models (a township outside its county, a "
        "park outside the enterprise's county, duplicate pilots …), with its id and what is "
        "wrong; exit with status 1 when there is any. For data changed outside the site."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            default=None,
            help="Language of the messages (zh-hans or en); default: the site's.",
        )

    def handle(self, *args, language=None, **options):
        with translation.override(language or translation.get_language()):
            report = run_data_checks()
            for problem in report.problems:
                self.stdout.write(problem.line())
            if report.problems:
                raise CommandError(
                    ngettext(
                        "%(problems)d problem found in %(records)d records.",
                        "%(problems)d problems found in %(records)d records.",
                        len(report.problems),
                    )
                    % {"problems": len(report.problems), "records": report.records}
                )
            self.stdout.write(
                _("All %(records)d records checked, no problems.") % {"records": report.records}
            )
