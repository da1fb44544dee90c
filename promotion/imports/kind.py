"""The media-report list as a kind of import (pilots.imports.kinds): its template workbook,
what its pages show, and its registration, which ties in the check, plan and apply modules.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.imports.kinds import ImportKind, register
from pilots.imports.workbooks import list_template
from pilots.writers import xlsx_bytes
from promotion import selectors
from promotion.imports.apply import apply_rows, changed_since, undo_rows
from promotion.imports.check import CHOICE_FIELDS, EXAMPLE_TITLE, FIELDS, LAYOUT, _chinese_labels
from promotion.imports.plan import R_ACTION, R_CHANGES, R_NUMBER, R_SHOWN, build_preview
from promotion.models import MediaReport

KIND = "media_reports"


def _shown(name: str, value: str) -> str:
    if not value:
        return "—"
    if name in CHOICE_FIELDS:
        return str(CHOICE_FIELDS[name](value).label)
    return value


def _label(name: str) -> str:
    if name == "pilots":
        return _("Pilots covered")
    if name == "cases":
        return _("Cases covered")
    return str(MediaReport._meta.get_field(name).verbose_name)


def template(scope) -> bytes:
    lists = {name: _chinese_labels(choices) for name, choices in CHOICE_FIELDS.items()}
    lists["programme"] = [p.name for p in selectors.programme_choices()]
    example = {
        "title": f"{EXAMPLE_TITLE}某企业深化产业工人队伍建设改革纪实",
        "outlet": "连云港日报",
        "outlet_kind": lists["outlet_kind"][0],
        "level": lists["level"][2],
        "published_on": timezone.localdate().isoformat(),
        "link": "https://www.example.cn/news/1.html",
        "form": lists["form"][0],
    }
    workbook = list_template(
        sheet_title="宣传报道",
        fields=FIELDS,
        headers=LAYOUT.headers,
        required=LAYOUT.required,
        lists=lists,
        example=example,
        explanations=_explanations(),
        text_fields={"published_on", "link", "pilots"},
        widths={"title": 40, "outlet": 20, "link": 36, "pilots": 36, "cases": 30, "programme": 20},
        freeze="B2",
        note=_(
            "Columns marked * are required. A report is known by its title, outlet and date: "
            "uploading it again updates it instead of recording it twice. Nothing is saved "
            "until you confirm the preview; rows with errors are left out."
        ),
    )
    return xlsx_bytes(workbook)


def _explanations() -> dict[str, str]:
    return {
        "title": _("The report's headline, at most 300 characters."),
        "outlet": _("The newspaper, station or account that published it."),
        "outlet_kind": _("Mainstream, union or new media."),
        "level": _("National, provincial, city or county."),
        "published_on": _("The publication date, e.g. 2026-05-01; not in the future."),
        "link": _("The web address, starting with http:// or https://; empty for print."),
        "form": _("News, feature, column episode, programme or video."),
        "programme": _("The column or programme it appeared in, by its recorded name."),
        "pilots": _(
            "The pilot enterprises it is about, by name or unified social credit code, "
            "separated by 、 or ; — pilots of your area of the current plan year."
        ),
        "cases": _("The cases of your area it covers, by title, separated by 、 or ;."),
    }


def template_filename() -> str:
    return _("media-report-import-template")


def describe(batch, page, summary, scope) -> dict:
    if page is None:
        return {}
    return {
        "changes": [
            {
                "number": row[R_NUMBER],
                "action": row[R_ACTION],
                "changes": [
                    (_label(name), _shown(name, old), _shown(name, new))
                    for name, old, new in row[R_CHANGES] or []
                ],
                **row[R_SHOWN],
            }
            for row in page
        ]
    }


def shows_row(row: list) -> bool:
    return row[R_ACTION] != "same"


def applied_message(batch) -> str:
    return _("Import applied: %(created)d reports recorded, %(updated)d updated.") % {
        "created": batch.enterprises_created,
        "updated": batch.enterprises_updated,
    }


def register_media_reports() -> None:
    register(
        ImportKind(
            name=KIND,
            label=gettext_lazy("Media report list"),
            layout=LAYOUT,
            build_preview=build_preview,
            apply_rows=apply_rows,
            changed_since=changed_since,
            undo_rows=undo_rows,
            template=template,
            template_filename=template_filename,
            urls="promotion:report_import_",
            pages={
                "list": "promotion/report_import_list.html",
                "upload": "promotion/report_import_upload.html",
                "detail": "promotion/report_import_detail.html",
                "ask": "promotion/report_import_ask.html",
            },
            describe=describe,
            shows_row=shows_row,
            applied_message=applied_message,
            sheet_name="宣传报道",
        )
    )
