"""The marked-up upload (pilots/imports/workbooks.py's error_workbook), written streaming:
the upload's values where they were, the errors at the right cells, nothing a formula."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pilots.imports.headers import HEADERS
from pilots.imports.workbooks import error_workbook
from tests.builders import next_credit_code
from tests.pilots.import_files import COLUMNS, use_test_settings
from tests.pilots.test_import_views import client_for, uploaded

HOSTILE = '=HYPERLINK("http://example.com","点我")'


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


def county_list() -> bytes:
    """A title merged over the table, a blank row, a good row, a bad row with a hostile name
    and a date, a bad row with two bad cells, a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(["东海县试点企业名单"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet.append([HEADERS[name] for name in COLUMNS] + ["备注"])
    good = [
        "好企业",
        next_credit_code(),
        "东海县",
        "牛山街道",
        "新材料",
        "民营",
        150,
        "县级",
        "已确定",
    ]
    sheet.append(good + [dt.date(2024, 3, 1)])
    sheet.append([])
    sheet.append([HOSTILE, "123", *good[2:], "+86 138"])
    sheet.append(["坏企业", next_credit_code(), "东海县", "牛山街道", "新材料", "民营", -5, "x"])
    sheet.append(["公式企业", next_credit_code(), "东海县", "牛山街道", "新材料", "民营", 9])
    sheet["A5"].data_type = "s"  # typed as text, as Excel keeps a text-formatted cell
    sheet["J7"] = "=1+1"  # no cached value: read as empty, never written as a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_streamed_error_workbook_is_the_upload_with_its_errors(users, plan_year):
    data = county_list()
    batch = uploaded(client_for(users["county"]), data, "名单.xlsx")
    assert batch.rows_rejected == 2
    response = client_for(users["county"]).get(reverse("pilots:import_errors", args=[batch.pk]))
    marked = load_workbook(io.BytesIO(response.content))
    sheet = marked.active
    assert sheet.title == "名单"
    original = load_workbook(io.BytesIO(data)).active
    # Every value where it was (a formula excepted: its value, never the formula).
    for line in original.iter_rows():
        for cell in line:
            mine = sheet[cell.coordinate]
            if cell.coordinate == "J7":
                assert mine.value is None
            elif cell.value == HOSTILE or cell.value == "+86 138":
                assert (mine.value, mine.data_type) == ("'" + cell.value, "s")
            elif isinstance(cell.value, dt.date):
                assert mine.value == dt.datetime(2024, 3, 1) and mine.is_date
            else:
                assert mine.value == cell.value, cell.coordinate
    assert "A1:I1" in {str(merged) for merged in sheet.merged_cells.ranges}
    # The error column follows the widest column (J, 备注), its title on the header row.
    assert (sheet["K2"].value, sheet.freeze_panes) == ("错误", "A3")
    assert sheet["K3"].value is None and sheet["K4"].value is None
    assert sheet["K5"].value.startswith("统一社会信用代码:")
    assert sheet["K6"].value.count(":") == 2  # employee count and tier
    assert "职工人数" in sheet["K6"].value and "试点层级" in sheet["K6"].value
    assert sheet["K7"].value is None
    red = {
        cell.coordinate
        for line in sheet.iter_rows()
        for cell in line
        if cell.fill.fgColor.rgb.endswith("FFC7CE")
    }
    assert red == {"B5", "G6", "H6", "K2"}
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


def test_the_error_workbook_of_a_large_upload_keeps_the_files_row_numbers(users, plan_year):
    """Above the old 20,000-row limit the layout used to be rebuilt; now it stays."""
    batch = uploaded(client_for(users["county"]), county_list(), "名单.xlsx")
    batch.row_count = 50_000
    sheet = load_workbook(io.BytesIO(error_workbook(batch))).active
    assert sheet["A1"].value == "东海县试点企业名单"
    assert sheet["B5"].value == "123" and sheet["K5"].value
