"""Downloads of the current filtered enterprise or pilot list as .xlsx and .csv.

The rows come from the same scoped, filtered queryset as the page. The files are written by
pilots/writers.py, the site's one set of safe writers: no text becomes a formula, the header row
is bold and frozen, and the file is named in the user's language.
"""

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots import writers
from pilots.models import Enterprise, Pilot
from pilots.ownership import OwnershipGroup
from reform.models import Industry


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]
    width: int = 0  # in Latin characters; 0: as wide as the header (rows are streamed unseen)
    # For a column of choices: the labels of its values, looked up once per file (`bound`).
    labels: Callable[[], dict] | None = None

    def bound(self) -> Callable[[object], object]:
        """The column's value for one record, with its labels in the current language.

        A label is a lazy text: Django's get_FOO_display hashes the choices' lazy labels at
        every call, which was most of a large export's time (0.5 ms a row); here the labels
        are turned into plain texts once, for the whole file."""
        if self.labels is None:
            return self.value
        labels, value = self.labels(), self.value
        return lambda record: labels.get(value(record), value(record))


UNCLASSIFIED_LABEL = _("unclassified (待归类)")


def _name(obj) -> str:
    return str(obj) if obj is not None else ""


def _choices(model, field: str) -> Callable[[], dict]:
    return lambda: {key: str(label) for key, label in model._meta.get_field(field).flatchoices}


def _yes_no() -> dict:
    return {True: str(_("yes")), False: str(_("no")), None: ""}


def _sector_labels() -> dict:
    return {**_choices(Industry, "sector")(), None: str(UNCLASSIFIED_LABEL)}


def _group_labels() -> dict:
    return {key: str(label) for key, label in OwnershipGroup.choices}


ENTERPRISE_COLUMNS = [
    Column(_("enterprise name"), lambda e: e.name, 36),
    Column(_("unified social credit code"), lambda e: e.credit_code, 22),
    Column(_("county-level unit"), lambda e: _name(e.county), 14),
    Column(_("township or street"), lambda e: _name(e.township), 14),
    Column(_("park"), lambda e: _name(e.park), 26),
    # Code and name ("1311 稻谷加工"), which the import reads back; the text as typed while
    # the enterprise is unclassified (待归类).
    Column(_("industry"), lambda e: e.industry_label, 20),
    Column(
        _("core industry"),
        lambda e: e.core_industry,
        labels=_choices(Enterprise, "core_industry"),
    ),
    Column(
        _("sector"),
        lambda e: e.industry.sector if e.industry_id else None,
        labels=_sector_labels,
    ),
    Column(_("ownership"), lambda e: e.ownership, labels=_choices(Enterprise, "ownership")),
    # Headed like the import's column, so that an export can be uploaded again.
    Column(_("state holds control"), lambda e: e.state_controls, labels=_yes_no),
    Column(_("ownership group"), lambda e: e.ownership_group, labels=_group_labels),
    Column(_("employees"), lambda e: e.employee_count),
    Column(_("leading enterprise"), lambda e: e.is_leading, labels=_yes_no),
    Column(
        _("chain position"),
        lambda e: e.chain_position,
        labels=_choices(Enterprise, "chain_position"),
    ),
    Column(
        _("industry-education integration enterprise"),
        lambda e: e.is_industry_education,
        labels=_yes_no,
    ),
    Column(_("contact name"), lambda e: e.contact_name),
    Column(_("contact phone"), lambda e: e.contact_phone, 16),
    Column(_("address"), lambda e: e.address, 36),
    Column(_("remarks"), lambda e: e.remarks, 40),
]

PILOT_COLUMNS = [
    Column(_("plan year"), lambda p: p.plan_year.year),
    Column(_("tier"), lambda p: p.tier, labels=_choices(Pilot, "tier")),
    Column(_("status"), lambda p: p.status, labels=_choices(Pilot, "status")),
    *[
        Column(c.header, lambda p, c=c: c.value(p.enterprise), c.width, c.labels)
        for c in ENTERPRISE_COLUMNS
    ],
    Column(_("own plan (one enterprise, one policy)"), lambda p: p.own_plan, 40),
]


def rows(records: Iterable, columns: list[Column]) -> Iterator[list]:
    yield [str(column.header) for column in columns]
    values = [column.bound() for column in columns]
    for record in records:
        yield [value(record) for value in values]


def counted(records: Iterable, progress: Callable | None, total: int) -> Iterator:
    """The records as they come, `progress(done, total)` told after each (a background job's)."""
    if progress is None:
        yield from records
        return
    for done, record in enumerate(records, 1):
        yield record
        progress(done, total)


def xlsx_bytes(records: Iterable, columns: list[Column], *, title: str) -> bytes:
    """The rows streamed into the sheet as they come (writers.streamed_xlsx): a large list never
    sits in memory as cells, and takes a tenth of the time openpyxl's cells take."""
    widths = {
        index: column.width or writers.width_for([str(column.header)])
        for index, column in enumerate(columns, 1)
    }
    lines = rows(records, columns)
    header = [writers.Styled(value, "header") for value in next(lines)]
    return writers.streamed_xlsx(
        itertools.chain([header], lines), sheet_name=title, widths=widths, freeze_below=1
    )


def _parts(records: Iterable, kind: str, fmt: str):
    columns = ENTERPRISE_COLUMNS if kind == "enterprises" else PILOT_COLUMNS
    model = Enterprise if kind == "enterprises" else Pilot
    if isinstance(records, QuerySet):
        records = records.iterator(chunk_size=2000)  # a large list never sits in memory twice
    stem = f"{timezone.localdate():%Y%m%d}.{fmt}"
    # 试点企业-20261124.xlsx in Chinese, pilots-20261124.xlsx in English and for old clients.
    filename = f"{model._meta.verbose_name_plural}-{stem}"
    return records, columns, str(model._meta.verbose_name_plural), filename, f"{kind}-{stem}"


def export_response(records: Iterable, *, kind: str, fmt: str) -> HttpResponse:
    """The download of a list; kind is "enterprises" or "pilots", fmt "xlsx" or "csv"."""
    records, columns, title, filename, fallback = _parts(records, kind, fmt)
    if fmt == "csv":
        return writers.csv_response(rows(records, columns), filename=filename, fallback=fallback)
    data = xlsx_bytes(records, columns, title=title)
    return writers.xlsx_response(data, filename=filename, fallback=fallback)


def export_file(
    records: Iterable, *, kind: str, fmt: str, progress: Callable, total: int
) -> tuple[bytes, str]:
    """The same file as `export_response` sends, and its name, for a background job to keep;
    `progress(done, total)` is told as the rows are written."""
    records, columns, title, filename, _fallback = _parts(records, kind, fmt)
    records = counted(records, progress, total)
    if fmt == "csv":
        return "".join(writers.csv_lines(rows(records, columns))).encode(), filename
    return xlsx_bytes(records, columns, title=title), filename
