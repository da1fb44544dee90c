"""Workbooks the import writes: the blank template of a scope, and the upload marked with errors.

Both leave through pilots/writers.py (`xlsx_bytes`, and `streamed_xlsx` for the marked-up
upload, which can have 100,000 rows), which makes every cell safe: a park or cluster name an
official typed is written as text in the template's lists, and a formula in an uploaded
workbook comes back as the value the import read, never as a live formula.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import defaultdict

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string as index_of
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from pilots import writers
from pilots.imports.check import EXAMPLE_CREDIT_CODE
from pilots.imports.columns import COLUMN_EXTENSIONS
from pilots.imports.headers import FIELDS, HEADERS, REQUIRED_FIELDS
from pilots.imports.kinds import kind_of
from pilots.imports.lookups import allowed_tiers
from pilots.imports.read import open_table, sheet_rows
from pilots.imports.words import CHAIN_WORDS, NO, OWNERSHIP_WORDS, STATUS_WORDS, TIER_WORDS, YES
from pilots.models import REMARKS_MAX_LENGTH, ImportBatch
from reform.messages import render
from reform.models import CoreIndustry, Industry, Park, Region
from reform.scopes import Scope

# The template's columns: every field the reader knows, in its order.
TEMPLATE_FIELDS = list(FIELDS)
# Text: no 1.23E+17, no lost leading zeros (industry code 0111 is not 111).
TEXT_FIELDS = {"credit_code", "contact_phone", "industry", "remarks"}
TEMPLATE_ROWS = 2000  # rows that get the dropdowns and the text format
WIDTHS = {
    "name": 32,
    "credit_code": 22,
    "contact_phone": 18,
    "address": 30,
    "own_plan": 30,
    "park": 24,
    "remarks": 40,
}

HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
REQUIRED_FONT = Font(bold=True, color="C00000")
EXAMPLE_FONT = Font(italic=True, color="808080")


def _explanations() -> dict[str, str]:
    return {
        "name": _("The enterprise's full registered name."),
        "credit_code": _(
            "The 18-character unified social credit code. The column is formatted as text: "
            "paste or type the code as it is; never as a number. Rows are matched to existing "
            "enterprises by this code."
        ),
        "county": _("The county-level unit the enterprise is registered in."),
        "township": _("The township or street, inside that county-level unit."),
        "park": _("The park, development zone or high-tech zone, if any."),
        "industry": _(
            "Required for a new enterprise. A GB/T 4754-2017 (国民经济行业分类) code or name: "
            "both work, e.g. 13 or 农副食品加工业 for a division, 1311 or 稻谷加工 for a class "
            "(the sheet “%(sheet)s” lists them; C13 and a name without its final 业 work too). "
            "A name the standard does not have is kept as typed and the enterprise marked "
            "unclassified (待归类) until an administrator classes it."
        )
        % {"sheet": industry_sheet_title()},
        "core_industry": _(
            "One of the city's five core industries (石化, 新医药, 新材料, 新能源, 高端装备制造), "
            "or empty for none."
        ),
        "ownership": _(
            "Required for a new enterprise; choose from the list. 国有 and 国有控股 count as "
            "state-owned, 集体 as collective, the others as non-public."
        ),
        "state_controls": _(
            "Only for 混合所有制 (mixed ownership), and required there: 是 if the state controls "
            "the enterprise (it counts as state-owned), 否 if not (non-public)."
        ),
        "employee_count": _("A whole number."),
        "is_leading": _("是 or 否."),
        "chain_position": _("上游 or 下游, for enterprises up or down a leading one's chain."),
        "is_industry_education": _("是 or 否."),
        "contact_name": _("The enterprise's contact person."),
        "contact_phone": _(
            "One number: a mobile number (11 digits, e.g. 13905181234) or a landline with its "
            "area code (e.g. 0518-85801234; an extension after a dash or 转: "
            "0518-85801234-806). The column is formatted as text so that the area code keeps "
            "its leading 0; a number Excel stored as a number has lost it and is refused."
        ),
        "address": _("The enterprise's address."),
        "tier": _("The pilot tier of this plan year; leave empty for no pilot."),
        "status": _("Empty means 拟推荐 (proposed) for a new pilot."),
        "own_plan": _("The pilot's own plan (one enterprise, one policy), in short."),
        "cluster": _("The industry cluster the enterprise belongs to, if any (for information)."),
        "remarks": _(
            "Anything worth knowing about the enterprise, at most %(limit)d characters; line "
            "breaks are kept."
        )
        % {"limit": REMARKS_MAX_LENGTH},
        # Columns a higher layer gives a meaning to say themselves what to write.
        **{name: extension.explanation() for name, extension in COLUMN_EXTENSIONS.items()},
    }


def _lists(scope: Scope) -> dict[str, list[str]]:
    counties = list(scope.regions(Region.Level.COUNTY).values_list("pk", "name"))
    county_ids = [pk for pk, _name in counties]
    townships = scope.regions(Region.Level.TOWNSHIP).values_list("name", flat=True)
    parks = Park.objects.all()
    if not scope.is_everywhere:
        parks = parks.filter(county_id__in=county_ids)
    tiers = allowed_tiers(scope)
    return {
        "county": [name for _pk, name in counties],
        "township": list(townships),
        "park": list(parks.values_list("name", flat=True)),
        # Too many entries for a dropdown: the industry column is free text, with the sheet of
        # divisions and classes beside it (_add_industry_sheet).
        "industry": [],
        "core_industry": [str(label) for _value, label in CoreIndustry.choices],
        "ownership": [words[0] for words in OWNERSHIP_WORDS.values()],
        "state_controls": [YES, NO],
        "is_leading": [YES, NO],
        "chain_position": [words[0] for words in CHAIN_WORDS.values()],
        "is_industry_education": [YES, NO],
        "tier": [words[0] for tier, words in TIER_WORDS.items() if tier in tiers],
        "status": [words[0] for words in STATUS_WORDS.values()],
        # The cluster column's dropdown comes from the clusters app, through the extension.
        **{name: extension.values(scope) for name, extension in COLUMN_EXTENSIONS.items()},
    }


def _example(lists: dict[str, list[str]]) -> dict[str, str]:
    def first(name: str) -> str:
        return lists[name][0] if lists[name] else ""

    return {
        "name": _("Example: Donghai Crystal Products Co., Ltd. (delete this row)"),
        "credit_code": EXAMPLE_CREDIT_CODE,
        "county": first("county"),
        "township": first("township"),
        "park": "",
        "industry": "3099",
        "core_industry": "",
        "ownership": first("ownership"),
        "state_controls": "",
        "employee_count": "120",
        "is_leading": NO,
        "chain_position": "",
        "is_industry_education": NO,
        "contact_name": "张三",
        "contact_phone": "13800000000",
        "address": "",
        "tier": lists["tier"][-1] if lists["tier"] else "",
        "status": first("status"),
        "own_plan": "",
        "cluster": "",
        "remarks": "",
    }


def industry_sheet_title() -> str:
    return _("Industry codes")


def _add_industry_sheet(workbook: Workbook) -> None:
    """The divisions and classes of GB/T 4754-2017 the industry column can name (one query)."""
    sheet = workbook.create_sheet(industry_sheet_title())
    writers.append_row(sheet, [_("Code"), _("Name"), _("Level")])
    writers.style_header(sheet, 1)
    levels = {
        "division": str(Industry.Level.DIVISION.label),
        "class": str(Industry.Level.CLASS.label),
    }
    rows = Industry.objects.filter(level__in=levels).order_by("order")
    for code, name, level in rows.values_list("code", "name", "level"):
        # Written as text: 0111 keeps its zero.
        writers.append_row(sheet, [code, name, levels[level]])
    for letter, width in zip("ABC", (8, 40, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def template_workbook(scope: Scope) -> bytes:
    """An .xlsx template for the scope: headers, dropdowns, text columns, example, help sheet."""
    lists = _lists(scope)
    workbook = list_template(
        sheet_title="企业名单",
        fields=TEMPLATE_FIELDS,
        headers=HEADERS,
        required=REQUIRED_FIELDS,
        lists=lists,
        example=_example(lists),
        explanations=_explanations(),
        text_fields=TEXT_FIELDS,
        widths=WIDTHS,
        freeze="C2",
        note=_(
            "Columns marked * are required. A title row above the header row is fine. "
            "An empty cell keeps the enterprise's current value. Uploading the same file "
            "twice changes nothing the second time."
        ),
    )
    _add_industry_sheet(workbook)
    return writers.xlsx_bytes(workbook)


def list_template(
    *,
    sheet_title: str,
    fields: list[str],
    headers: dict[str, str],
    required: tuple[str, ...],
    lists: dict[str, list[str]],
    example: dict[str, str],
    explanations: dict[str, str],
    text_fields: set[str],
    widths: dict[str, int],
    freeze: str,
    note: str,
) -> Workbook:
    """The template of a kind of list (pilots.imports.kinds): a header row (required columns
    marked *), an example row, dropdowns from `lists` on a hidden sheet, text format on
    `text_fields`, and a help sheet; the caller may add sheets, then writes it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    hidden = workbook.create_sheet("lists")
    hidden.sheet_state = "hidden"
    last = TEMPLATE_ROWS + 1
    for index, name in enumerate(fields, start=1):
        letter = get_column_letter(index)
        is_required = name in required
        cell = sheet.cell(row=1, column=index, value=headers[name] + ("*" if is_required else ""))
        cell.fill = HEADER_FILL
        cell.font = REQUIRED_FONT if is_required else Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = widths.get(name, 14)
        example_cell = writers.write_cell(
            sheet, row=2, column=index, value=example.get(name) or None
        )
        example_cell.font = EXAMPLE_FONT
        if name in text_fields:
            # Text format on the cells people will type into: no 1.23E+17, no lost zeros.
            for row in range(2, last + 1):
                sheet.cell(row=row, column=index).number_format = "@"
        values = lists.get(name)
        if values:
            list_column = get_column_letter(len([n for n in fields[:index] if n in lists]))
            for row, value in enumerate(values, start=1):
                writers.write_cell(hidden, row=row, column=index_of(list_column), value=value)
            reference = f"{quote_sheetname('lists')}!${list_column}$1:${list_column}${len(values)}"
            validation = DataValidation(
                type="list",
                formula1=reference,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Not in the list"),
                error=_("Choose a value from the list."),
            )
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = freeze
    sheet.row_dimensions[1].height = 30
    sheet["A2"].comment = Comment(_("An example row: replace it with your own or delete it."), "")

    help_sheet = workbook.create_sheet(_("How to fill in"))
    writers.append_row(
        help_sheet, [_("Column"), _("Required"), _("What to write"), _("Allowed values")]
    )
    writers.style_header(help_sheet, 1)
    for name in fields:
        allowed = lists.get(name) or []
        shown = "、".join(allowed[:30]) + ("…" if len(allowed) > 30 else "")
        writers.append_row(
            help_sheet,
            [
                headers[name],
                _("yes") if name in required else "",
                explanations.get(name, ""),
                shown,
            ],
        )
    help_sheet.append([])
    writers.append_row(help_sheet, [note])
    for letter, width in zip("ABCD", (18, 8, 60, 60), strict=True):
        help_sheet.column_dimensions[letter].width = width
    for row in help_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return workbook


def errors_by_cell(plan: dict) -> dict[int, list[list]]:
    errors: dict[int, list[list]] = defaultdict(list)
    for error in plan["errors"]:
        errors[error[0]].append(error)
    return errors


def _plan_summary(batch: ImportBatch) -> dict:
    """The plan's summary (its last line), without decoding the planned rows above it."""
    last = b"{}"
    with batch.plan.open("rb") as handle, gzip.GzipFile(fileobj=handle) as lines:
        for line in lines:
            last = line
    return json.loads(last)


def _error_note(items: list[list]) -> str:
    return "；".join(
        f"{header}: {render(message)}" for _row, _field, header, _value, message in items
    )


def error_workbook(batch: ImportBatch) -> bytes:
    """The upload with an error column and its bad cells highlighted, to fix and send again.

    Streamed, whatever the size: rows go from the reader to the writer one at a time. An
    .xlsx upload keeps its layout (title rows, blank rows, merged cells, so every row keeps
    its number); its values are those the import read (a formula's cached value, never the
    formula). Other formats are rebuilt from what was read: the header, then the rows.
    """
    plan = _plan_summary(batch)
    errors = errors_by_cell(plan)
    column_of = {field: index for index, _header, field in plan["columns"] if field}
    with batch.original.open("rb") as handle:
        data = handle.read()
    if plan["format"] == "xlsx":
        # The same bytes as uploaded passed the safety scans then; no need to scan again.
        scanned = hashlib.sha256(data).hexdigest() == batch.sha256
        uploaded = sheet_rows(data, plan.get("sheet") or "", scanned=scanned)
        width, merged, header_row = uploaded.width, uploaded.merged, plan["header_row"]
        numbered = ((number, number, values) for number, values in enumerate(uploaded.rows, 1))
        text_style = ""
    else:
        width, merged, header_row = _rebuilt_width(plan), [], 1
        numbered = _rebuilt_rows(data, plan, column_of, width, kind_of(batch).layout)
        text_style = "text"  # what was read, kept as typed: no 1.23E+17, no lost zeros
    error_column = max(width, max(column_of.values(), default=0) + 1) + 1
    bad_columns = {
        number: {column_of[item[1]] for item in items if item[1] in column_of}
        for number, items in errors.items()
    }

    def rows():
        for output, number, values in numbered:
            if output == header_row:
                cells = [writers.Styled(value, "header") for value in values]
                cells.extend([writers.Styled(None, "header")] * (error_column - 1 - len(cells)))
                cells.append(writers.Styled(_("Errors"), "error_header"))
                yield cells
                continue
            items = errors.get(number) if number else None
            if text_style:
                values = [writers.Styled(v, text_style) if v else v for v in values]
            if items:
                values = list(values) + [None] * (error_column - 1 - len(values))
                for index in bad_columns[number]:
                    values[index] = writers.Styled(_plain(values[index]), "error")
                values.append(writers.Styled(_error_note(items), "note"))
            yield values

    widths = {error_column: 60}
    return writers.streamed_xlsx(
        rows(),
        sheet_name=plan.get("sheet") or kind_of(batch).sheet_name,
        widths=widths,
        freeze_below=header_row,
        merged=merged,
    )


def _plain(value):
    return value.value if isinstance(value, writers.Styled) else value


def _rebuilt_width(plan: dict) -> int:
    return max((index for index, _header, _field in plan["columns"]), default=-1) + 1


def _rebuilt_rows(data: bytes, plan: dict, column_of: dict[str, int], width: int, layout):
    """(row of the rebuilt sheet, row of the file, values): the header on row 1, then each
    row read, without the file's blank or title rows."""
    header: list = [None] * width
    for index, text, _field in plan["columns"]:
        header[index] = text
    yield 1, None, header
    table = open_table(data, max_rows=10**7, max_bytes=10**10, layout=layout)
    for output, row in enumerate(table.rows, start=2):
        values: list = [None] * width
        for field, index in column_of.items():
            values[index] = row.values[field].text
        yield output, row.number, values
