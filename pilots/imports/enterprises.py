"""The enterprise list as a kind of import (pilots.imports.kinds): the first and main one."""

from django.utils.translation import gettext_lazy as _

from pilots.imports import plan, undo, views, workbooks, write
from pilots.imports.headers import ENTERPRISES as LAYOUT
from pilots.imports.kinds import ENTERPRISES, ImportKind, register


def register_enterprises() -> None:
    register(
        ImportKind(
            name=ENTERPRISES,
            label=_("Enterprise list"),
            layout=LAYOUT,
            build_preview=plan.build_preview,
            apply_rows=write.apply_enterprise_rows,
            changed_since=undo.batch_changed_since,
            undo_rows=undo.undo_enterprise_rows,
            template=workbooks.template_workbook,
            template_filename=views.enterprise_template_filename,
            urls="pilots:import_",
            pages={
                "list": "pilots/import_list.html",
                "upload": "pilots/import_upload.html",
                "detail": "pilots/import_detail.html",
                "ask": "pilots/import_ask.html",
            },
            describe=views.describe_enterprises,
            shows_row=views.changes_something,
            applied_message=views.enterprises_applied,
            sheet_name="企业名单",
        )
    )
