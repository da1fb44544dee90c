"""Move the files of a site that kept them in MEDIA_ROOT into the configured storage.

For a site that ran with FILE_STORAGE=local until now: set FILE_STORAGE=database (or s3), then
run this once. Every file under the folder is copied under the same name (uploaded workbooks,
import previews, undo logs, attached files), so the records that name them find them; a file
the storage already holds is left alone, so the command can be run again after an interruption.
The local folder is not touched: remove it once the site shows its files.
"""

import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _


def local_names(root: Path) -> list[str]:
    """Every file under root, as storage names ("imports/2026/11/abc.xlsx"), sorted."""
    names = []
    for folder, _dirs, files in os.walk(root):
        for file in files:
            names.append((Path(folder) / file).relative_to(root).as_posix())
    return sorted(names)


def file_references() -> list[tuple[str, int, str, str]]:
    """(model label, pk, field name, file name) of every file a record names."""
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for field in fields:
            rows = model._default_manager.exclude(**{field.name: ""}).values_list(
                "pk", field.attname
            )
            for pk, name in rows.iterator():
                if name:
                    found.append((model._meta.label, pk, field.name, name))
    return found


class Command(BaseCommand):
    help = (
        "Copy every file under MEDIA_ROOT (or --source) into the storage FILE_STORAGE names, "
        "under the same names; then list the records whose file is in neither place."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", default=None, help="The folder; default: MEDIA_ROOT.")
        parser.add_argument("--dry-run", action="store_true", help="Only say what would move.")
        parser.add_argument(
            "--language", default=None, help="Language of the messages (zh-hans or en)."
        )

    def handle(self, *args, source=None, dry_run=False, language=None, **options):
        with translation.override(language or translation.get_language()):
            self.move(Path(source or settings.MEDIA_ROOT), dry_run=dry_run)

    def move(self, root: Path, *, dry_run: bool) -> None:
        if settings.FILE_STORAGE == "local":
            raise CommandError(_("FILE_STORAGE is local: set FILE_STORAGE=database (or s3) first."))
        if not root.is_dir():
            raise CommandError(_("No folder %(path)s.") % {"path": root})
        local = FileSystemStorage(location=root)
        moved = present = conflicts = 0
        moved_bytes = 0
        for name in local_names(root):
            size = local.size(name)
            if default_storage.exists(name):
                if default_storage.size(name) == size:
                    present += 1
                else:
                    conflicts += 1
                    self.stdout.write(
                        _("%(name)s: the storage holds another file of this name; left alone.")
                        % {"name": name}
                    )
                continue
            if not dry_run:
                with local.open(name, "rb") as handle:
                    saved = default_storage.save(name, handle)
                if saved != name or default_storage.size(name) != size:
                    raise CommandError(_("%(name)s could not be copied.") % {"name": name})
            moved += 1
            moved_bytes += size
        summary = (
            _("Would copy %(count)d files (%(size)s); %(present)d are already in the storage.")
            if dry_run
            else _("Copied %(count)d files (%(size)s); %(present)d were already in the storage.")
        )
        self.stdout.write(
            summary % {"count": moved, "size": filesizeformat(moved_bytes), "present": present}
        )
        lost = [
            reference
            for reference in file_references()
            if not default_storage.exists(reference[3])
            and not (dry_run and local.exists(reference[3]))
        ]
        for label, pk, field, name in lost:
            self.stdout.write(
                _("%(model)s #%(pk)s: its %(field)s %(name)s is in neither place.")
                % {"model": label, "pk": pk, "field": field, "name": name}
            )
        if conflicts or lost:
            raise CommandError(
                _("%(conflicts)d name conflicts, %(lost)d records without their file.")
                % {"conflicts": conflicts, "lost": len(lost)}
            )
        self.stdout.write(_("Every record finds its file."))
