"""The import pages: template, upload, preview, confirm, downloads, scope, hostile files."""

import io
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pilots.models import Enterprise, ImportBatch, Pilot
from tests.builders import make_enterprise, next_credit_code
from tests.pilots.import_files import row, use_test_settings, xlsx

FILES = Path(__file__).parent / "files"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


def client_for(user) -> Client:
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(user)
    return client


def post_file(client, data: bytes, name="list.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(reverse("pilots:import_upload"), {"file": upload})


def uploaded(client, data, name="list.xlsx") -> ImportBatch:
    response = post_file(client, data, name)
    assert response.status_code == 302, response.content[:500]
    return ImportBatch.objects.latest("pk")


def test_a_leader_may_not_upload_or_download_the_template(users, plan_year):
    client = client_for(users["leader"])
    assert client.get(reverse("pilots:import_upload")).status_code == 403
    assert client.get(reverse("pilots:import_template")).status_code == 403
    assert (
        post_file(client, xlsx([row(name="甲", credit_code=next_credit_code())])).status_code == 403
    )
    assert not ImportBatch.objects.exists()


def test_the_template_has_dropdowns_text_columns_an_example_and_help(users, plan_year):
    response = client_for(users["county"]).get(reverse("pilots:import_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["企业名称*", "统一社会信用代码*", "县区*"]
    assert sheet["B2"].value and sheet["B3"].number_format == "@"
    phone = headers.index("联系电话") + 1
    assert sheet.cell(row=5, column=phone).number_format == "@"
    assert workbook["lists"].sheet_state == "hidden"
    lists = workbook["lists"]
    list_values = {cell.value for column in lists.iter_cols() for cell in column if cell.value}
    assert "东海县" in list_values and "灌南县" not in list_values  # only the user's county
    assert "牛山街道" in list_values and "市级" not in list_values  # county officials: no city tier
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    # county, township, core industry, ownership, state control, tier, status (the industry
    # column is free text: a code or a name, see the sheet of codes)
    assert {"C2", "D2", "G2", "H2", "I2", "Q2", "R2"} <= validated
    assert "F2" not in validated
    assert len(workbook.worksheets) == 4  # data, hidden lists, help, industry codes


def test_the_template_uploaded_as_it_is_flags_its_example_row(users, plan_year):
    client = client_for(users["county"])
    template = client.get(reverse("pilots:import_template")).content
    batch = uploaded(client, template)
    assert batch.rows_rejected == 1
    assert batch.enterprises_created == 0


def test_upload_preview_confirm_round_trip(users, plan_year):
    client = client_for(users["county"])
    data = xlsx(
        [
            row(name="好企业一", credit_code=next_credit_code()),
            row(name="坏企业", credit_code="9132072200000", employee_count="三百"),
            row(name="好企业二", credit_code=next_credit_code()),
        ],
        title="东海县2026年试点企业名单",
    )
    batch = uploaded(client, data)
    page = client.get(batch.get_absolute_url())
    content = page.content.decode()
    assert page.status_code == 200
    assert "坏企业" not in Enterprise.objects.values_list("name", flat=True)
    assert content.count('<td class="num">4</td>') >= 2  # both errors on Excel row 4
    assert Enterprise.objects.count() == 0
    response = client.post(reverse("pilots:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert set(Enterprise.objects.values_list("name", flat=True)) == {"好企业一", "好企业二"}
    assert Pilot.objects.count() == 2
    # Confirming twice does nothing more.
    client.post(reverse("pilots:import_confirm", args=[batch.pk]))
    assert Enterprise.objects.count() == 2


def test_the_error_workbook_marks_the_bad_cells(users, plan_year):
    client = client_for(users["county"])
    data = xlsx(
        [row(name="好", credit_code=next_credit_code()), row(name="坏", credit_code="123")],
        title="名单",
    )
    batch = uploaded(client, data, "名单.xlsx")
    response = client.get(reverse("pilots:import_errors", args=[batch.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "名单"  # the user's own layout is kept
    error_column = [cell for cell in sheet[2] if cell.value == "错误" or cell.value == "Errors"]
    assert error_column
    column = error_column[0].column
    assert "统一社会信用代码" in sheet.cell(row=4, column=column).value
    assert sheet.cell(row=3, column=column).value is None
    assert sheet["B4"].fill.fgColor.rgb.endswith("FFC7CE")


def test_the_original_file_can_be_downloaded_again(users, plan_year):
    client = client_for(users["county"])
    data = xlsx([row(name="甲", credit_code=next_credit_code())])
    batch = uploaded(client, data, "我的名单.xlsx")
    response = client.get(reverse("pilots:import_original", args=[batch.pk]))
    assert b"".join(response.streaming_content) == data
    assert len(batch.sha256) == 64


def test_batches_are_listed_within_the_scope_only(users, plan_year):
    batch = uploaded(
        client_for(users["county"]), xlsx([row(name="甲", credit_code=next_credit_code())])
    )
    other = client_for(users["other_county"])
    assert batch.original_name not in other.get(reverse("pilots:import_list")).content.decode()
    assert other.get(batch.get_absolute_url()).status_code == 404
    assert (
        batch.original_name
        in client_for(users["city"]).get(reverse("pilots:import_list")).content.decode()
    )


def test_the_import_list_query_count_does_not_grow(users, plan_year, django_assert_num_queries):
    client = client_for(users["city"])
    data = xlsx([row(name="甲", credit_code=next_credit_code())])
    uploaded(client, data)
    client.get(reverse("pilots:import_list"))
    # Session, user, count of batches, one page of batches with their joins.
    with django_assert_num_queries(4):
        client.get(reverse("pilots:import_list"))
    for _ in range(3):
        uploaded(client, data)
    with django_assert_num_queries(4):
        client.get(reverse("pilots:import_list"))


def test_a_file_over_the_size_limit_is_refused_before_anything_is_kept(users, plan_year, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = post_file(client_for(users["county"]), b"x" * 2000, "big.xlsx")
    assert response.status_code == 200
    assert "MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_row_limit_fails_with_a_message(users, plan_year, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [row(name=f"企业{i}", credit_code=next_credit_code()) for i in range(3)]
    batch = uploaded(client_for(users["county"]), xlsx(rows))
    assert batch.status == ImportBatch.Status.FAILED
    assert "2" in batch.message


@pytest.mark.parametrize(
    "name",
    [
        "zip-bomb.xlsx",
        "billion-laughs.xlsx",
        "macro.xlsm",
        "password.xlsx",
        "empty.xlsx",
        "no-header.xlsx",
        "truncated.xlsx",
        "web-page.xls",
        "word.doc",
        "far-cell.xlsx",
        "ods-bomb.ods",
    ],
)
def test_a_hostile_or_broken_file_fails_with_a_message_and_writes_nothing(users, plan_year, name):
    client = client_for(users["county"])
    batch = uploaded(client, (FILES / name).read_bytes(), name)
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.message
    page = client.get(batch.get_absolute_url())
    assert batch.message in page.content.decode()
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    "name", ["enterprises.xlsx", "enterprises.xls", "enterprises.ods", "enterprises-gbk.csv"]
)
def test_the_formats_people_send_are_previewed(users, plan_year, name):
    batch = uploaded(client_for(users["city"]), (FILES / name).read_bytes(), name)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.message
    assert batch.row_count > 0


def test_an_existing_enterprise_is_matched_by_credit_code(users, plan_year):
    enterprise = make_enterprise(name="老名字")
    client = client_for(users["county"])
    batch = uploaded(client, xlsx([row(name="新名字", credit_code=enterprise.credit_code)]))
    assert batch.enterprises_updated == 1
    assert "老名字" in client.get(batch.get_absolute_url()).content.decode()


def test_the_preview_pages_through_the_changes(users, plan_year, monkeypatch):
    from pilots.imports import views as import_views

    monkeypatch.setattr(import_views, "CHANGES_PER_PAGE", 2)
    client = client_for(users["county"])
    rows = [row(name=f"分页企业{i}", credit_code=next_credit_code()) for i in range(5)]
    batch = uploaded(client, xlsx(rows))
    third = client.get(batch.get_absolute_url(), {"page": 3}).content.decode()
    assert "分页企业4" in third and "分页企业0" not in third
    assert "分页企业4" in client.get(batch.get_absolute_url(), {"page": 99}).content.decode()


def test_the_error_workbook_of_a_csv_upload_is_rebuilt_with_the_errors(users, plan_year):
    client = client_for(users["county"])
    lines = [
        "企业名称,统一社会信用代码,县区,所属行业,企业性质",
        f"好企业,{next_credit_code()},东海县,新材料,民营",
        "",
        "坏企业,123,东海县,新材料,民营",
    ]
    batch = uploaded(client, "\n".join(lines).encode("gbk"), "名单.csv")
    assert batch.rows_rejected == 1
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("pilots:import_errors", args=[batch.pk])).content)
    ).active
    # The blank line is gone in the rebuilt sheet: the bad row is its third row.
    assert sheet["A3"].value == "坏企业"
    assert sheet["B3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "统一社会信用代码" in sheet["F3"].value


def test_a_township_officials_template_offers_their_township_and_tier_only(users, plan_year):
    response = client_for(users["township"]).get(reverse("pilots:import_template"))
    lists = load_workbook(io.BytesIO(response.content))["lists"]
    values = {cell.value for column in lists.iter_cols() for cell in column if cell.value}
    assert "牛山街道" in values and "石榴街道" not in values
    assert "乡镇级" in values and "县级" not in values


def test_a_header_without_rows_fails_with_a_message(users, plan_year):
    batch = uploaded(client_for(users["county"]), xlsx([], title="空名单"))
    assert batch.status == ImportBatch.Status.FAILED
    assert "2" in batch.message


def test_an_empty_upload_form_says_the_file_is_required(users, plan_year):
    response = client_for(users["county"]).post(reverse("pilots:import_upload"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


def test_confirming_a_batch_applied_meanwhile_says_so(users, plan_year, monkeypatch):
    from pilots.imports import apply

    client = client_for(users["county"])
    batch = uploaded(client, xlsx([row(name="甲", credit_code=next_credit_code())]))

    def raced(**kwargs):
        raise apply.NotPreviewed("applied")

    monkeypatch.setattr(apply, "batch_apply", raced)
    response = client.post(reverse("pilots:import_confirm", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    assert not Enterprise.objects.exists()


def test_the_preview_says_which_sheets_were_not_read(users, plan_year):
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "牛山街道"
    columns = ["企业名称", "统一社会信用代码", "县区", "乡镇（街道）", "企业性质", "职工人数"]
    for sheet, township in ((first, "牛山街道"), (workbook.create_sheet("石榴街道"), "石榴街道")):
        sheet.append(columns)
        sheet.append([f"{township}企业", next_credit_code(), "东海县", township, "民营", 50])
    workbook.create_sheet("洪庄镇&房山镇").append(columns)
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_for(users["county"])
    batch = uploaded(client, buffer.getvalue())
    page = client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    note = page[page.index('id="import-other-sheets"') :].split("</p>")[0]
    assert "只读取了工作表“牛山街道”" in note
    assert "石榴街道、洪庄镇&amp;房山镇" in note  # named, escaped
    assert "<strong>未读取</strong>" in note
    assert batch.row_count == 1
