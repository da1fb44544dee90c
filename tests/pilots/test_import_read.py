"""Reading uploaded enterprise lists: pilots/imports/read.py, headers.py and rows.py.

The files in files/ are made by files/make_fixtures.py; small variations are built here.
"""

import datetime as dt
import io
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pilots.imports import formats, read
from pilots.imports.cells import EMPTY, make_cell, normalise_header, parse_bool
from pilots.imports.formats import SpreadsheetError, detect_format
from pilots.imports.headers import FIELDS, HEADERS, REQUIRED_FIELDS, SYNONYMS, match_header
from pilots.imports.read import read_table
from pilots.imports.rows import Rows

FILES = Path(__file__).resolve().parent / "files"


def fixture(name: str) -> bytes:
    return (FILES / name).read_bytes()


def xlsx(*rows: list[object], sheets: dict[str, list[list[object]]] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    for values in rows:
        workbook.active.append(values)
    for title, sheet_rows in (sheets or {}).items():
        sheet = workbook.create_sheet(title)
        for values in sheet_rows:
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def texts(table: read.Table, field: str) -> list[str]:
    return [row.values[field].text for row in table.rows]


def error_code(data: bytes, **limits: int) -> str:
    with pytest.raises(SpreadsheetError) as caught:
        read_table(data, **limits)
    return caught.value.code


@pytest.fixture(scope="module")
def hand_made() -> read.Table:
    """enterprises.xlsx: title, note row, two-row merged header, blank and half-blank rows."""
    return read_table(fixture("enterprises.xlsx"))


# -- the hand-made xlsx ----------------------------------------------------------------------


def test_it_finds_header_below_title_rows_and_merged_group_headers(hand_made):
    assert hand_made.format == "xlsx"
    assert hand_made.header_row == 4


def test_it_takes_a_header_merged_down_from_the_group_row(hand_made):
    name_column = next(column for column in hand_made.columns if column.field == "name")
    assert (name_column.index, name_column.header) == (1, "企业名称*")


def test_it_maps_headers_with_stars_brackets_and_units(hand_made):
    assert [(column.index, column.field) for column in hand_made.columns] == [
        (1, "name"),
        (2, "credit_code"),
        (3, "county"),
        (4, "township"),
        (5, "industry"),
        (6, "employee_count"),
        (7, "is_leading"),
        (8, "contact_name"),
        (9, "contact_phone"),
        (10, "own_plan"),
        (11, "remarks"),
    ]
    assert hand_made.columns[1].header == "统一社会信用代码（必填）"  # as typed, for messages


def test_it_reports_unknown_headers_but_not_the_serial_number_column(hand_made):
    assert hand_made.unrecognised == []  # 备注 is the remarks column
    assert hand_made.duplicates == []
    assert hand_made.missing_required == []


def test_it_keeps_excel_row_numbers_and_skips_blank_rows(hand_made):
    # Row 7 is blank; rows 9 and 10 hold only a serial number or a remark (a note under the
    # table, not an enterprise).
    assert [row.number for row in hand_made.rows] == [5, 6, 8]
    assert texts(hand_made, "remarks") == ["", "代码按数字录入", ""]


def test_every_row_has_every_mapped_field(hand_made):
    for row in hand_made.rows:
        assert list(row.values) == [c.field for c in hand_made.columns if c.field]
    assert hand_made.rows[0].values["is_leading"].text == "是"
    assert hand_made.rows[2].values["own_plan"] is EMPTY


def test_it_strips_stray_and_invisible_spaces(hand_made):
    first, second, third = hand_made.rows
    assert first.values["name"].text == "连云港恒通精密机械有限公司"
    assert first.values["name"].raw == "  连云港恒通精密机械有限公司 "
    assert first.values["contact_name"].text == "张 伟"  # NBSP becomes an ordinary space
    assert second.values["name"].text == "东海数字港科技有限公司"  # zero-width space gone
    assert third.values["name"].raw.startswith("\u3000")


def test_it_converts_full_width_characters_to_half_width(hand_made):
    third = hand_made.rows[2].values
    assert third["name"].text == "ABC智能装备(连云港)有限公司"
    assert third["credit_code"].text == "91320706MA20BCDE5X"
    assert third["employee_count"].text == "120"
    assert third["employee_count"].was_number is False


def test_it_flags_a_credit_code_typed_as_a_number(hand_made):
    typed_as_text, typed_as_number, _ = (row.values["credit_code"] for row in hand_made.rows)
    assert (typed_as_text.text, typed_as_text.was_number) == ("91320722MA1W7XKQ37", False)
    # Excel kept 15 significant digits of 913207221234567890; the text shows what it shows.
    assert typed_as_number.text == "913207221234568000"
    assert typed_as_number.was_number is True
    assert isinstance(typed_as_number.raw, float)


def test_it_writes_whole_numbers_without_a_decimal_point(hand_made):
    assert hand_made.rows[0].values["employee_count"] == ("339", 339.0, True)
    assert hand_made.rows[1].values["contact_phone"].text == "13905181234"


def test_it_keeps_fractions_and_leading_zeros_of_text(hand_made):
    assert hand_made.rows[1].values["employee_count"].text == "12.5"
    assert texts(hand_made, "contact_phone") == ["0518-87654321", "13905181234", "0571-87654321"]


def test_it_writes_dates_as_iso_and_booleans_as_excel_shows_them(hand_made):
    second = hand_made.rows[1].values
    assert second["own_plan"] == ("2024-03-01", dt.date(2024, 3, 1), False)
    assert second["is_leading"] == ("TRUE", True, False)


def test_it_reads_the_visible_sheet_not_a_hidden_one(hand_made):
    assert hand_made.sheet_name == "企业名单"
    assert "隐藏表里的企业" not in texts(hand_made, "name")


# -- other formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("enterprises.xlsx", "xlsx"),
        ("enterprises.xls", "xls"),
        ("enterprises.ods", "ods"),
        ("enterprises-utf8-bom.csv", "csv"),
        ("enterprises-gbk.csv", "csv"),
        ("empty.xlsx", "xlsx"),
    ],
)
def test_it_detects_the_format_from_the_content(name, expected):
    assert detect_format(fixture(name)) == expected


def test_a_web_page_saved_as_xls_is_not_a_spreadsheet():
    with pytest.raises(SpreadsheetError) as caught:
        detect_format(fixture("web-page.xls"))
    assert caught.value.code == "web_page"


def test_it_reads_an_xls_workbook():
    table = read_table(fixture("enterprises.xls"))
    assert (table.format, table.header_row) == ("xls", 2)
    assert [row.number for row in table.rows] == [3, 5]
    first, second = (row.values for row in table.rows)
    assert first["contact_phone"].text == "051887654321"
    assert first["employee_count"].text == "339"
    assert first["own_plan"].text == "2024-03-01"
    assert second["credit_code"].was_number is True
    assert second["employee_count"].text == "0.3"  # 0.1 + 0.2, without the float noise


def test_it_reads_an_ods_spreadsheet_padded_with_a_million_empty_rows():
    table = read_table(fixture("enterprises.ods"))
    assert (table.format, table.header_row) == ("ods", 3)
    assert [row.number for row in table.rows] == [4, 7]
    assert table.columns[1].field == "credit_code"  # headed 信用代码
    first, second = (row.values for row in table.rows)
    assert first["contact_phone"].text == "051887654321"
    assert first["own_plan"].text == "2024-03-01"
    assert second["credit_code"] == ("913207221234568000", 913207221234567890.0, True)


@pytest.mark.parametrize("name", ["enterprises-utf8-bom.csv", "enterprises-gbk.csv"])
def test_it_reads_csv_in_utf8_with_bom_and_in_gbk(name):
    table = read_table(fixture(name))
    assert (table.format, table.header_row) == ("csv", 3)
    assert [row.number for row in table.rows] == [4, 5]
    assert texts(table, "name") == [
        "连云港恒通精密机械有限公司",
        "东海数字港科技有限公司, 二分公司",
    ]
    # What Excel wrote for a number-typed code; only the validator can call it damaged.
    assert table.rows[1].values["credit_code"] == ("9.13201E+17", "9.13201E+17", False)


def test_it_reads_tab_separated_text():
    data = "企业名称\t统一社会信用代码\t县区\n恒通\t91320722MA1W7XKQ37\t东海县\n".encode()
    table = read_table(data)
    assert texts(table, "county") == ["东海县"]


def test_it_reads_excels_unicode_text_export():
    data = "企业名称\t统一社会信用代码\t县区\r\n恒通\t91320722MA1W7XKQ37\t东海县\r\n"
    table = read_table(data.encode("utf-16"))
    assert (table.format, texts(table, "name")) == ("csv", ["恒通"])


# -- header detection ------------------------------------------------------------------------


def test_one_known_header_is_not_a_header_row():
    data = xlsx(["企业名称", "甲", "乙"], ["恒通", "x", "y"])
    assert error_code(data) == "no_header"


def test_a_header_needs_the_name_or_the_credit_code():
    data = xlsx(["县区", "联系人", "联系电话"], ["东海县", "张伟", "0518"])
    assert error_code(data) == "no_header"


def test_it_finds_a_header_below_twenty_blank_rows():
    data = xlsx(*[[]] * 25, ["企业名称", "县区"], ["恒通", "东海县"])
    table = read_table(data)
    assert table.header_row == 26
    assert [row.number for row in table.rows] == [27]


def test_it_reads_the_next_sheet_when_the_first_is_instructions():
    data = xlsx(
        ["填表说明：请按模板填写，不要合并单元格。"],
        sheets={"名单": [["企业名称", "统一社会信用代码", "县区"], ["恒通", "913207", "东海县"]]},
    )
    table = read_table(data)
    assert (table.sheet_name, table.header_row) == ("名单", 1)


def test_a_duplicate_column_is_reported_and_the_first_one_wins():
    data = xlsx(
        ["企业名称", "统一社会信用代码", "县区", "电话", "手机"],
        ["恒通", "91320722MA1W7XKQ37", "东海县", "0518-1", "139"],
    )
    table = read_table(data)
    assert table.duplicates == ["手机"]
    assert table.unrecognised == ["手机"]
    assert table.columns[4].field is None
    assert texts(table, "contact_phone") == ["0518-1"]


def test_it_lists_missing_required_fields():
    table = read_table(xlsx(["企业名称", "联系人"], ["恒通", "张伟"]))
    assert table.missing_required == ["credit_code", "county"]
    assert list(table.rows[0].values) == ["name", "contact_name"]


def test_it_skips_a_header_repeated_down_the_sheet():
    data = xlsx(
        ["企业名称", "统一社会信用代码", "县区"],
        ["恒通", "91320722MA1W7XKQ37", "东海县"],
        ["企业名称", "统一社会信用代码", "县区"],
        ["港城", "91320706MA20BCDE5X", "海州区"],
    )
    table = read_table(data)
    assert [row.number for row in table.rows] == [2, 4]


def test_a_short_row_gets_empty_cells():
    table = read_table("企业名称,县区\n恒通\n".encode())
    assert table.rows[0].values == {"name": ("恒通", "恒通", False), "county": EMPTY}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("企业名称*", "name"),
        ("＊企业名称", "name"),
        ("企业（单位）名称", "name"),
        ("统一社会信用代码（必填）", "credit_code"),
        ("统一社会\n信用代码", "credit_code"),
        (" 县（区、功能板块） ", "county"),
        ("县区/功能板块", "county"),
        ("职工人数（人）", "employee_count"),
        ("联系电话(手机)", "contact_phone"),
        ("ＰＨＯＮＥ", None),
        ("备注", "remarks"),
        ("说明", "remarks"),
        ("Remarks", "remarks"),
        ("备注（其他需要说明的情况）", "remarks"),
        ("附件", None),
        ("", None),
    ],
)
def test_it_matches_header_spellings(header, field):
    assert match_header(header) == field


def test_every_field_has_a_preferred_header_that_maps_back_to_it():
    assert list(HEADERS) == FIELDS == list(SYNONYMS)
    assert set(REQUIRED_FIELDS) <= set(FIELDS)
    for field, header in HEADERS.items():
        assert match_header(header) == field
        assert header in SYNONYMS[field]


def test_no_header_spelling_belongs_to_two_fields():
    owners: dict[str, set[str]] = {}
    for field, names in SYNONYMS.items():
        for name in names:
            owners.setdefault(normalise_header(name), set()).add(field)
    assert {key: fields for key, fields in owners.items() if len(fields) > 1} == {}


# -- cells and booleans ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text", "was_number"),
    [
        (339.0, "339", True),
        (-2.0, "-2", True),
        (0.1 + 0.2, "0.3", True),
        (12.25, "12.25", True),
        (9.13207221234568e17, "913207221234568000", True),
        (13905181234, "13905181234", True),
        ("0518", "0518", False),
        ("  a\n b\tc  ", "a b c", False),
        ("Ａ１（２）", "A1(2)", False),
        (True, "TRUE", False),
        (False, "FALSE", False),
        (dt.date(2024, 3, 1), "2024-03-01", False),
        (dt.datetime(2024, 3, 1), "2024-03-01", False),
        (dt.datetime(2024, 3, 1, 8, 30), "2024-03-01 08:30:00", False),
        (dt.time(8, 30), "08:30:00", False),
    ],
)
def test_it_turns_cell_values_into_text(value, text, was_number):
    cell = make_cell(value)
    assert (cell.text, cell.raw, cell.was_number) == (text, value, was_number)


@pytest.mark.parametrize("value", ["", "   ", "\u3000\u200b", None])
def test_blank_cells_are_the_shared_empty_cell(value):
    assert make_cell(value) is EMPTY


@pytest.mark.parametrize("text", ["是", "Y", "y", "yes", "TRUE", "true", "1", "√", "１", " 是 "])
def test_parse_bool_accepts_yes(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["否", "N", "no", "False", "0", "×"])
def test_parse_bool_accepts_no(text):
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["", "  ", None])
def test_parse_bool_returns_none_for_blank(text):
    assert parse_bool(text) is None


@pytest.mark.parametrize("text", ["有", "2", "maybe", "x"])
def test_parse_bool_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_bool(text)


# -- files we refuse -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("macro.xlsm", "macro"),
        ("password.xlsx", "encrypted"),
        ("word.doc", "unsupported"),
        ("web-page.xls", "web_page"),
        ("empty.xlsx", "empty"),
        ("no-header.xlsx", "no_header"),
        ("truncated.xlsx", "corrupt"),
        ("zip-bomb.xlsx", "zip_bomb"),
        ("billion-laughs.xlsx", "unsafe_xml"),
        ("ods-bomb.ods", "sheet_too_large"),
    ],
)
def test_it_refuses_bad_files_with_a_reason(name, code):
    assert error_code(fixture(name)) == code


@pytest.fixture
def calamine_must_not_run(monkeypatch):
    """For files that calamine would choke on: unguarded, far-cell.xlsx makes it ask for
    512 GB and abort the whole process. A call here turns into a "corrupt" error."""

    class Refused:
        @staticmethod
        def from_filelike(*args, **kwargs):
            raise AssertionError("calamine was given a file the scan should have refused")

    monkeypatch.setattr(read.python_calamine, "CalamineWorkbook", Refused)


def test_it_refuses_a_cell_a_million_rows_away_before_calamine_sees_it(calamine_must_not_run):
    with pytest.raises(SpreadsheetError) as caught:
        read_table(fixture("far-cell.xlsx"))
    assert caught.value.code == "sheet_too_large"
    assert caught.value.params == {"row": 1048576, "column": "XFD"}


def test_it_refuses_an_ods_of_repeated_cells_before_calamine_sees_it(calamine_must_not_run):
    # 1 KB of content.xml that expands to 100,000 rows of 100 filled cells.
    assert error_code(fixture("ods-bomb.ods")) == "sheet_too_large"


def test_a_good_file_passes_the_scans_and_reaches_calamine(calamine_must_not_run):
    # The stand-in refuses every file, so reaching it shows the scans let this one through.
    assert error_code(fixture("enterprises.ods")) == "corrupt"
    assert error_code(fixture("enterprises.xlsx")) == "corrupt"


def test_a_large_xlsx_is_streamed_without_calamine(calamine_must_not_run, monkeypatch):
    monkeypatch.setattr(read, "STREAM_XLSX_ABOVE", 0)
    assert [row.number for row in read_table(fixture("enterprises.xlsx")).rows] == [5, 6, 8]


def sheet_archive(sheet_xml: str) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/data/anything", sheet_xml)
    return zipfile.ZipFile(buffer)


@pytest.mark.parametrize(
    "cells",
    [
        '<c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="AAA300000"><v>1</v></c>',
        '<x:c r="A1"><x:v>1</x:v></x:c><x:c r="XFD1048576"><x:v>1</x:v></x:c>',
        '<c s="1" t="n" r="ZZ100000"><v>1</v></c>',
        # No references: each cell follows the one before, from row 1048576 on.
        '</row><row r="1048576">' + "<c><v>1</v></c>" * 10,
    ],
)
def test_the_xlsx_scan_finds_far_cells_however_they_are_written(cells):
    sheet = f'<?xml version="1.0"?><worksheet><sheetData><row r="1">{cells}</row></sheetData>'
    with pytest.raises(SpreadsheetError) as caught:
        formats._scan_xlsx(sheet_archive(sheet + "</worksheet>"))
    assert caught.value.code == "sheet_too_large"


def test_the_xlsx_scan_ignores_far_cells_that_are_only_formatted():
    sheet = '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
    sheet += '<row r="1048576"><c r="XFD1048576" s="3"/></row></sheetData></worksheet>'
    formats._scan_xlsx(sheet_archive(sheet))


def test_the_zip_bomb_is_refused_before_anything_is_decompressed(monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    assert error_code(fixture("zip-bomb.xlsx")) == "zip_bomb"


def test_it_refuses_a_member_with_an_absurd_compression_ratio():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    assert error_code(buffer.getvalue()) == "zip_bomb"


def test_the_unzipped_limit_can_be_lowered():
    assert error_code(fixture("enterprises.xlsx"), max_unzipped_bytes=10_000) == "zip_bomb"


def test_it_refuses_a_file_over_the_size_limit():
    data = fixture("enterprises.xlsx")
    assert error_code(data, max_bytes=len(data) - 1) == "too_large"
    assert read_table(data, max_bytes=len(data)).rows
    with pytest.raises(SpreadsheetError) as caught:
        read_table(b"a" * (1024 * 1024 + 1), max_bytes=1024 * 1024)
    assert caught.value.params == {"limit": "1"}


def test_it_refuses_more_rows_than_the_limit():
    assert error_code(fixture("enterprises.xlsx"), max_rows=2) == "too_many_rows"
    assert len(read_table(fixture("enterprises.xlsx"), max_rows=3).rows) == 3


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nstream\n\x00\x01\x02",
        b"\x1f\x8b\x08\x00" + bytes(100),
    ],
)
def test_it_refuses_binary_junk(data):
    assert error_code(data) == "unsupported"


def test_it_refuses_other_office_documents():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert error_code(buffer.getvalue()) == "unsupported"


def test_a_truncated_xls_is_corrupt():
    data = fixture("enterprises.xls")
    assert error_code(data[: len(data) // 2]) == "corrupt"


def test_a_compound_file_whose_directory_loops_is_still_judged():
    data = bytearray(fixture("word.doc"))
    struct.pack_into("<I", data, 512 + 4, 1)  # the directory sector now chains to itself
    assert error_code(bytes(data)) == "unsupported"


def test_it_refuses_an_empty_upload():
    assert error_code(b"") == "empty_file"


def test_a_blank_csv_is_empty():
    assert error_code(b"\xef\xbb\xbf,,,\r\n\r\n") == "empty"


@pytest.fixture
def settings_for_messages():
    """Rendering a lazy message needs settings; pytest-django normally provides them."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False)


def test_the_error_message_is_for_people_and_carries_its_numbers(settings_for_messages):
    with pytest.raises(SpreadsheetError) as caught:
        read_table(fixture("enterprises.xlsx"), max_rows=2)
    assert caught.value.params == {"limit": 2}
    assert "2" in str(caught.value)
    assert "%(" not in str(caught.value)


# -- streaming -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "enterprises.xlsx",
        "enterprises.xls",
        "enterprises.ods",
        "enterprises-utf8-bom.csv",
        "enterprises-gbk.csv",
    ],
)
@pytest.mark.parametrize("parser", ["calamine", "streamed"])
def test_the_streamed_rows_are_the_listed_rows_on_every_pass(name, parser, monkeypatch):
    listed = read_table(fixture(name))
    if parser == "streamed":
        monkeypatch.setattr(read, "STREAM_XLSX_ABOVE", 0)  # every .xlsx from its XML
    streamed = read.open_table(fixture(name))
    assert isinstance(streamed.rows, Rows)
    assert list(streamed.rows) == listed.rows  # the first pass
    assert list(streamed.rows) == listed.rows  # and the next: read from the sheet again
    assert len(streamed.rows) == len(listed.rows) and bool(streamed.rows)
    assert (streamed.header_row, streamed.columns) == (listed.header_row, listed.columns)


@pytest.mark.parametrize("threshold", [0, read.STREAM_XLSX_ABOVE])
def test_a_sheet_starting_in_column_c_keeps_its_columns(threshold, monkeypatch):
    monkeypatch.setattr(read, "STREAM_XLSX_ABOVE", threshold)
    # calamine's rows start at the first used column; the reader puts them back in place.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["C3"], sheet["D3"], sheet["E3"] = "企业名称", "统一社会信用代码", "县区"
    sheet["C4"], sheet["E4"] = "恒通", "东海县"
    sheet["D6"] = "91320722MA1W7XKQ37"
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read.open_table(buffer.getvalue())
    assert [column.index for column in table.columns] == [2, 3, 4]
    assert [(row.number, row.values["name"].text) for row in table.rows] == [(4, "恒通"), (6, "")]
    assert [row.values["credit_code"].text for row in table.rows] == ["", "91320722MA1W7XKQ37"]


@pytest.mark.parametrize("threshold", [0, read.STREAM_XLSX_ABOVE])
def test_too_many_rows_are_told_when_the_table_is_opened_not_on_a_later_pass(
    threshold, monkeypatch
):
    monkeypatch.setattr(read, "STREAM_XLSX_ABOVE", threshold)
    lines = ["企业名称,统一社会信用代码,县区"] + [
        f"企业{n},91320722MA1W7XKQ37,东海县" for n in range(5)
    ]
    data = "\n".join(lines).encode()
    with pytest.raises(SpreadsheetError) as caught:
        read.open_table(data, max_rows=4)
    assert caught.value.code == "too_many_rows"
    many = xlsx(["企业名称", "县区"], *[[f"企业{n}", "东海县"] for n in range(5)])
    with pytest.raises(SpreadsheetError):
        read.open_table(many, max_rows=4)
    # Blank lines below do not count as rows.
    padded = xlsx(["企业名称", "县区"], ["恒通", "东海县"], *[[None]] * 10, [None, " "])
    assert len(read.open_table(padded, max_rows=1).rows) == 1


def test_the_sheet_as_uploaded_starts_at_row_1_and_column_a():
    workbook = openpyxl.Workbook()
    workbook.active["B2"] = "标题"
    workbook.active["C3"] = 5
    workbook.active.merge_cells("A1:C1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    width, rows, merged = read.sheet_rows(buffer.getvalue(), "Sheet")
    assert (width, merged) == (3, [(1, 1, 1, 3)])
    assert list(rows) == [["", "", ""], ["", "标题", ""], ["", "", 5.0]]


def _calamine_grid(data: bytes, index: int) -> list[list[object]]:
    book = read.python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(index).to_python(skip_empty_area=False)


def _streamed_grid(data: bytes, index: int) -> list[list[object]]:
    from pilots.imports import xlsx as streamed

    book = streamed.Workbook(zipfile.ZipFile(io.BytesIO(data)))
    _name, part, _visible = book.sheets[index]
    grid: list[list[object]] = []
    for row, values in book.rows(part):
        grid.extend([] for _gap in range(row - len(grid)))
        grid.append(values)
    width = max(len(values) for values in grid)
    # calamine pads every row to the used width; blank cells are "" in both.
    return [values + [""] * (width - len(values)) for values in grid]


def test_the_streamed_xlsx_reader_gives_calamines_values():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([dt.datetime(2024, 3, 1, 8, 30), dt.time(8, 30), dt.date(2024, 3, 1), 1.5])
    sheet.append([True, False, "文本", -2, 9.13207221234568e17])
    formats = ["yyyy/m/d", "[$-F800]dddd\\,\\ mmmm\\ dd", "0.00_);[Red]\\(0.00\\)", '"day"0']
    for column, code in enumerate(formats, start=1):
        cell = sheet.cell(row=3, column=column, value=45000.25 if column == 2 else 45000)
        cell.number_format = code
    sheet["E3"], sheet["E3"].number_format = 0.5, "[h]:mm:ss"
    sheet["C6"] = "跳过两行"
    sheet.merge_cells("C6:D6")
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    assert _streamed_grid(data, 0) == _calamine_grid(data, 0)
    fixture_data = fixture("enterprises.xlsx")
    book = read.python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(fixture_data))
    for index in range(len(book.sheet_names)):
        assert _streamed_grid(fixture_data, index) == _calamine_grid(fixture_data, index)


def test_an_xlsx_damaged_below_the_header_is_corrupt_when_its_rows_are_read(monkeypatch):
    monkeypatch.setattr(read, "STREAM_XLSX_ABOVE", 0)
    names = [f"企业{n}" for n in range(200)]
    good = xlsx(["企业名称", "县区"], *[[name, "东海县"] for name in names])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) * 3 // 4] + b"<row r=oops></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    table = read.open_table(buffer.getvalue())
    with pytest.raises(SpreadsheetError) as caught:
        list(table.rows)
    assert caught.value.code == "corrupt"


def test_a_pass_over_one_column_keeps_exactly_the_rows_a_full_pass_keeps():
    """The preview's first pass reads only the credit codes (Rows.cells): blank rows, rows with
    only a remark and repeated headers are skipped all the same, whichever cells tell them."""
    header = [HEADERS[name] for name in ("name", "credit_code", "county", "remarks", "township")]
    data = xlsx(
        header,
        ["甲", "C1", "东海县", None, "牛山街道"],  # 2
        [None, None, None, "a note under the table", None],  # a remark only
        [None, "  ", None, None, None],  # blank once cleaned
        header,  # the header again
        [HEADERS["name"], "C2", HEADERS["county"]],  # two header cells, the code not one
        ["乙", HEADERS["credit_code"], "东海县"],  # 7: one header cell is no header
        [HEADERS["name"], HEADERS["credit_code"], "东海县"],
        [None, None, None, None, "石榴街道"],  # 9: a township is something
        [None, "\u200b", None],  # invisible only
        [None, 12345, None],  # 11
        ["\u3000丙", "ＡＢ", " 东海县 "],  # 12
        ["'=丁", "'+1", None],  # 13
    )
    table = read.open_table(data)
    kept = [row.number for row in table.rows]
    assert kept == [2, 7, 9, 11, 12, 13]
    codes = list(table.rows.cells("credit_code"))
    assert [number for number, _cell in codes] == kept
    assert [cell.text for _number, cell in codes] == [
        "C1",
        HEADERS["credit_code"],
        "",
        "12345",
        "AB",
        "+1",
    ]
    for name in ("name", "credit_code", "county", "remarks", "township", "park"):
        assert list(table.rows.cells(name)) == [
            (row.number, row.values.get(name)) for row in table.rows
        ]
    assert len(table.rows) == 6


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("所在镇街", "township"),
        ("所属镇街", "township"),
        ("镇（街道）", "township"),
        ("乡镇/街道", "township"),
        ("所属街道", "township"),
        ("所在园区（开发区）", "park"),
        ("所属行业", "industry"),
        ("所在地", None),  # "where": no field of its own
    ],
)
def test_township_and_place_headers_as_offices_write_them(header, field):
    """A county office's own wording: "所在"/"所属" before a known header, 镇街 for 乡镇."""
    data = xlsx(["企业名称", "统一社会信用代码", header], ["恒通", "91320722MA1234567X", "x"])
    table = read_table(data)
    found = [column.field for column in table.columns if column.header == header]
    assert found == [field]
    assert (header in table.unrecognised) is (field is None)


@pytest.mark.parametrize(
    "totals",
    [
        [None, "合计", None, None, "=SUM(E2:E3)"],  # in the name column, a SUM of the employees
        ["合 计", None, None, None, 300],  # in the serial-number column
        ["总计：", "", "", "", 300],
        [None, "Total", None, None, 300],
    ],
)
def test_a_totals_row_under_the_table_is_no_record(totals):
    """Lists end with 合计: both passes skip it, the name check never sees it."""
    data = xlsx(
        ["序号", "企业名称", "统一社会信用代码", "县区", "职工人数"],
        [1, "恒通", "91320722MA1234567X", "东海县", 100],
        [2, "合计电子有限公司", "91320722MA7654321X", "东海县", 200],  # a name, not a total
        totals,
    )
    table = read.open_table(data)  # streamed: the full pass and the one-column passes
    assert [row.number for row in table.rows] == [2, 3]
    for field in ("credit_code", "name", "county"):
        assert [number for number, _cell in table.rows.cells(field)] == [2, 3]
    assert len(table.rows) == 2


def test_a_row_saying_total_with_a_key_of_its_own_is_a_record():
    data = xlsx(
        ["企业名称", "统一社会信用代码", "县区"],
        ["合计", "91320722MA1234567X", "东海县"],
    )
    table = read.open_table(data)
    assert [row.number for row in table.rows] == [2]
    assert [number for number, _cell in table.rows.cells("name")] == [2]


def test_the_kind_of_enterprise_header_is_its_ownership():
    data = xlsx(
        ["企业名称", "统一社会信用代码", "企业类型"], ["恒通", "91320722MA1234567X", "民营"]
    )
    table = read_table(data)
    assert [column.field for column in table.columns] == ["name", "credit_code", "ownership"]


def test_later_sheets_holding_a_list_are_named_not_read():
    """One sheet a township: the first list is read and the others are named, so that the
    preview can say they were not read (an empty or a notes sheet is not named)."""
    header = ["企业名称", "统一社会信用代码", "县区"]
    data = xlsx(
        ["说明：各镇街分表填报"],
        sheets={
            "牛山街道": [header, ["恒通", "91320722MA1234567X", "东海县"]],
            "填表说明": [["请勿改动表头"]],
            "石榴街道": [["石榴街道名单"], header, ["华通", "91320722MA7654321X", "东海县"]],
            "空表": [],
        },
    )
    table = read.open_table(data)
    assert table.sheet_name == "牛山街道"
    assert table.other_sheets == ["石榴街道"]
    single = read.open_table(xlsx(header, ["恒通", "91320722MA1234567X", "东海县"]))
    assert single.other_sheets == []


def test_later_sheets_are_named_in_a_streamed_workbook_too(monkeypatch):
    monkeypatch.setattr(read, "STREAM_XLSX_ABOVE", 0)
    header = ["企业名称", "统一社会信用代码", "县区"]
    data = xlsx(
        header,
        ["恒通", "91320722MA1234567X", "东海县"],
        sheets={"石榴街道": [header, ["华通", "91320722MA7654321X", "东海县"]]},
    )
    table = read.open_table(data)
    assert (table.format, table.other_sheets) == ("xlsx", ["石榴街道"])
