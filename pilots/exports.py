"""Downloads of the current filtered enterprise or pilot list as .xlsx and .csv.

The rows come from the same scoped, filtered queryset as the page. The files are written by
pilots/writers.py, the site's one set of safe writers: no text becomes a formula, the header row
is bold and frozen, and the file is named in the user's language.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from pilots import writers
from pilots.models import Enterprise, Pilot


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]
    width: int = 0  # in Latin characters; 0: as wide as the header (rows are streamed unseen)


UNCLASSIFIED_LABEL = _("unclassified (待归类)")


def _name(obj) -> str:
    return str(obj) if obj is not None else ""


def _yes(value: bool) -> str:
    return str(_("yes")) if value else str(_("no"))


ENTERPRISE_COLUMNS = [
    Column(_("enterprise name"), lambda e: e.name, 36),
    Column(_("unified social credit code"), lambda e: e.credit_code, 22),
    Column(_("county-level unit"), lambda e: _name(e.county), 14),
    Column(_("township or street"), lambda e: _name(e.township), 14),
    Column(_("park"), lambda e: _name(e.park), 26),
    # Code and name ("1311 稻谷加工"), which the import reads back; the text as typed while
    # the enterprise is unclassified (待归类).
    Column(_("industry"), lambda e: e.industry_label, 20),
    Column(_("core industry"), lambda e: e.get_core_industry_display()),
    Column(
        _("sector"),
        lambda e: e.industry.get_sector_display() if e.industry_id else str(UNCLASSIFIED_LABEL),
    ),
    Column(_("ownership"), lambda e: e.get_ownership_display()),
    # Headed like the import's column, so that an export can be uploaded again.
    Column(
        _("state holds control"),
        lambda e: "" if e.state_controls is None else _yes(e.state_controls),
    ),
    Column(_("ownership group"), lambda e: e.get_ownership_group_display()),
    Column(_("employees"), lambda e: e.employee_count),
    Column(_("leading enterprise"), lambda e: _yes(e.is_leading)),
    Column(_("chain position"), lambda e: e.get_chain_position_display()),
    Column(_("industry-education integration enterprise"), lambda e: _yes(e.is_industry_education)),
    Column(_("contact name"), lambda e: e.contact_name),
    Column(_("contact phone"), lambda e: e.contact_phone, 16),
    Column(_("address"), lambda e: e.address, 36),
    Column(_("remarks"), lambda e: e.remarks, 40),
]

PILOT_COLUMNS = [
    Column(_("plan year"), lambda p: p.plan_year.year),
    Column(_("tier"), lambda p: p.get_tier_display()),
    Column(_("status"), lambda p: p.get_status_display()),
    *[Column(c.header, lambda p, c=c: c.value(p.enterprise), c.width) for c in ENTERPRISE_COLUMNS],
    Column(_("own plan (one enterprise, one policy)"), lambda p: p.own_plan, 40),
]


def rows(records: Iterable, columns: list[Column]) -> Iterator[list]:
    yield [str(column.header) for column in columns]
    for record in records:
        yield [column.value(record) for column in columns]


def xlsx_bytes(records: Iterable, columns: list[Column], *, title: str) -> bytes:
    """A streamed (write-only) workbook: a large list never sits in memory as cells."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, column in enumerate(columns):
        width = column.width or writers.width_for([str(column.header)])
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    lines = rows(records, columns)
    writers.append_row(sheet, next(lines), font=writers.HEADER_FONT)
    for line in lines:
        writers.append_row(sheet, line)
    return writers.xlsx_bytes(workbook)


def export_response(records: Iterable, *, kind: str, fmt: str) -> HttpResponse:
    """The download of a list; kind is "enterprises" or "pilots", fmt "xlsx" or "csv"."""
    columns = ENTERPRISE_COLUMNS if kind == "enterprises" else PILOT_COLUMNS
    model = Enterprise if kind == "enterprises" else Pilot
    if isinstance(records, QuerySet):
        records = records.iterator(chunk_size=2000)  # a large list never sits in memory twice
    stem = f"{timezone.localdate():%Y%m%d}.{fmt}"
    # 试点企业-20261124.xlsx in Chinese, pilots-20261124.xlsx in English and for old clients.
    filename = f"{model._meta.verbose_name_plural}-{stem}"
    fallback = f"{kind}-{stem}"
    if fmt == "csv":
        return writers.csv_response(rows(records, columns), filename=filename, fallback=fallback)
    title = str(model._meta.verbose_name_plural)
    data = xlsx_bytes(records, columns, title=title)
    return writers.xlsx_response(data, filename=filename, fallback=fallback)
