"""Downloads of the current filtered list as .xlsx and .csv.

The rows come from the same scoped, filtered queryset as the page. Every text cell that a
spreadsheet could run as a formula (starting with = + - @, a tab or a carriage return) is
written with a leading apostrophe, as text.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from pilots.models import Enterprise, Pilot

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: object) -> object:
    """A value safe for a spreadsheet cell: texts that look like formulas get a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]


def _name(obj) -> str:
    return str(obj) if obj is not None else ""


def _yes(value: bool) -> str:
    return str(_("yes")) if value else str(_("no"))


ENTERPRISE_COLUMNS = [
    Column(_("enterprise name"), lambda e: e.name),
    Column(_("unified social credit code"), lambda e: e.credit_code),
    Column(_("county-level unit"), lambda e: _name(e.county)),
    Column(_("township or street"), lambda e: _name(e.township)),
    Column(_("park"), lambda e: _name(e.park)),
    Column(_("industry"), lambda e: _name(e.industry)),
    Column(_("core industry"), lambda e: _yes(e.industry.is_core)),
    Column(_("sector"), lambda e: e.industry.get_sector_display()),
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
    Column(_("contact phone"), lambda e: e.contact_phone),
    Column(_("address"), lambda e: e.address),
]

PILOT_COLUMNS = [
    Column(_("plan year"), lambda p: p.plan_year.year),
    Column(_("tier"), lambda p: p.get_tier_display()),
    Column(_("status"), lambda p: p.get_status_display()),
    *[Column(c.header, lambda p, c=c: c.value(p.enterprise)) for c in ENTERPRISE_COLUMNS],
    Column(_("own plan (one enterprise, one policy)"), lambda p: p.own_plan),
]


def rows(records: Iterable, columns: list[Column]) -> Iterator[list]:
    yield [str(column.header) for column in columns]
    for record in records:
        yield [neutralise(column.value(record)) for column in columns]


def filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{extension}"


def xlsx_bytes(records: Iterable, columns: list[Column], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows(records, columns):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(records: Iterable, columns: list[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that Excel opens the UTF-8 file with its Chinese intact
    for row in rows(records, columns):
        yield writer.writerow(row)


def export_response(records: Iterable, *, kind: str, fmt: str) -> HttpResponse:
    """The download of a list; kind is "enterprises" or "pilots", fmt "xlsx" or "csv"."""
    columns = ENTERPRISE_COLUMNS if kind == "enterprises" else PILOT_COLUMNS
    if isinstance(records, QuerySet):
        records = records.iterator(chunk_size=2000)  # a large list never sits in memory twice
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(records, columns), content_type="text/csv; charset=utf-8"
        )
    else:
        title = str(
            Enterprise._meta.verbose_name_plural
            if kind == "enterprises"
            else Pilot._meta.verbose_name_plural
        )
        response = HttpResponse(xlsx_bytes(records, columns, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(kind, fmt)}"'
    return response
