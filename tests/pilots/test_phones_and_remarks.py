"""Phone numbers checked and stored in one form, and the remarks (备注) of an enterprise, on
every path: the import, the registration form, the admin, the exports, the enterprise page and
`check_data`."""

import io

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from pilots.imports import plan
from pilots.imports.apply import batch_apply
from pilots.imports.batches import batch_create
from pilots.imports.headers import HEADERS
from pilots.models import Enterprise
from reform.messages import render
from reform.scopes import scope_for
from tests.builders import make_enterprise, make_pilot, next_credit_code, region
from tests.pilots.import_files import COLUMNS, row, use_test_settings, xlsx
from tests.reform.test_check_data import check

pytestmark = pytest.mark.django_db

WITH_PHONE = [*COLUMNS, "contact_phone"]
WITH_REMARKS = [*COLUMNS, "remarks"]
NIUSHAN = "320722001"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


def upload(user, plan_year, data, language="zh-hans"):
    with translation.override(language):
        return batch_create(
            data=data, filename="list.xlsx", user=user, scope=scope_for(user), plan_year=plan_year
        )


def confirm(batch, user):
    return batch_apply(batch=batch, user=user, scope=scope_for(user))


def errors(batch, language="zh-hans"):
    """(row, field, value, message) of a batch's errors, read in `language` (messages are kept
    as codes and read in the reader's language)."""
    with translation.override(language):
        return [(e[0], e[1], e[3], render(e[4])) for e in plan.load_plan(batch)["errors"]]


# The import's phone column ----------------------------------------------------------------------


def test_the_import_stores_each_phone_in_one_form(users, plan_year):
    typed = {
        "甲": ("139 0518 1234", "13905181234"),
        "乙": ("（0518）8580 1234 转 806", "0518-85801234-806"),
        "丙": ("０５１８－８５８０１２３４", "0518-85801234"),
        "丁": (13905181235, "13905181235"),  # a mobile number in a number cell loses nothing
    }
    rows = [
        row(name=name, credit_code=next_credit_code(), contact_phone=phone)
        for name, (phone, _stored) in typed.items()
    ]
    batch = upload(users["county"], plan_year, xlsx(rows, columns=WITH_PHONE))
    assert errors(batch) == []
    confirm(batch, users["county"])
    stored = dict(Enterprise.objects.values_list("name", "contact_phone"))
    assert stored == {name: phone for name, (_typed, phone) in typed.items()}


def test_an_upload_puts_a_stored_phone_written_otherwise_into_the_stored_form(users, plan_year):
    enterprise = make_enterprise(name="甲", contact_phone="０５１８ 85801234")  # from before
    data = xlsx(
        [row(name="甲", credit_code=enterprise.credit_code, contact_phone="0518-85801234")],
        columns=WITH_PHONE,
    )
    batch = upload(users["county"], plan_year, data)
    [plan_row] = plan.load_plan(batch)["rows"]
    changes = {name: (old, new) for name, old, new in plan_row[plan.R_CHANGES]}
    assert changes["contact_phone"] == ("０５１８ 85801234", "0518-85801234")
    confirm(batch, users["county"])
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == "0518-85801234"


def test_a_landline_excel_kept_as_a_number_is_refused_saying_how_to_fix_the_column(
    users, plan_year
):
    rows = [
        row(name="数字格式", credit_code=next_credit_code(), contact_phone=51885801234),
        row(name="文本缺零", credit_code=next_credit_code(), contact_phone="518-85801234"),
        row(name="正常", credit_code=next_credit_code(), contact_phone="0518-85801234"),
    ]
    batch = upload(users["county"], plan_year, xlsx(rows, columns=WITH_PHONE), language="en")
    found = errors(batch, "en")
    assert [(number, field, value) for number, field, value, _message in found] == [
        (2, "contact_phone", "51885801234"),
        (3, "contact_phone", "518-85801234"),
    ]
    number_cell, text_cell = (message for *_rest, message in found)
    assert number_cell.startswith("Excel stored this phone number as a number")
    assert "probably 0518-85801234" in number_cell
    assert "Format the phone column as text" in number_cell
    assert "lost its leading 0 (probably 0518-85801234)" in text_cell
    assert "format the phone column as text" in text_cell
    assert batch.rows_rejected == 2
    confirm(batch, users["county"])
    # Nothing like it is stored, not even with the 0 guessed back.
    assert list(Enterprise.objects.values_list("name", "contact_phone")) == [
        ("正常", "0518-85801234")
    ]


def test_a_phone_with_letters_is_refused_naming_them_and_nothing_of_the_row_is_written(
    users, plan_year
):
    enterprise = make_enterprise(name="原名", contact_phone="13905181234")
    data = xlsx(
        [row(name="新名", credit_code=enterprise.credit_code, contact_phone="1390518123A")],
        columns=WITH_PHONE,
    )
    batch = upload(users["county"], plan_year, data, language="en")
    [(number, field, value, message)] = errors(batch, "en")
    assert (number, field, value) == (2, "contact_phone", "1390518123A")
    assert "has letters: A" in message
    confirm(batch, users["county"])
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.contact_phone) == ("原名", "13905181234")


def test_the_phone_messages_are_in_chinese_for_a_chinese_upload(users, plan_year):
    data = xlsx(
        [row(name="甲", credit_code=next_credit_code(), contact_phone=51885801234)],
        columns=WITH_PHONE,
    )
    [(_number, _field, _value, message)] = errors(upload(users["county"], plan_year, data))
    assert "0518-85801234" in message and "文本" in message


# The import's remarks column --------------------------------------------------------------------


def test_the_import_keeps_the_remarks_as_written_with_their_line_breaks(users, plan_year):
    remarks = "2025年获评市级示范，\n联系人周一至周五在岗（午休除外）。"
    data = xlsx(
        [row(name="甲", credit_code=next_credit_code(), remarks=remarks)], columns=WITH_REMARKS
    )
    batch = upload(users["county"], plan_year, data)
    assert errors(batch) == []
    confirm(batch, users["county"])
    assert Enterprise.objects.get().remarks == remarks


@pytest.mark.parametrize("header", ["备注", "说明", "Remarks"])
def test_the_remarks_column_is_found_by_each_of_its_headers(users, plan_year, header):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*(HEADERS[name] for name in COLUMNS), header])
    values = row(name="甲", credit_code=next_credit_code())
    sheet.append([*(values.get(name) for name in COLUMNS), "见附件"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = upload(users["county"], plan_year, buffer.getvalue())
    assert batch.unrecognised == []
    confirm(batch, users["county"])
    assert Enterprise.objects.get().remarks == "见附件"


def test_remarks_of_10000_characters_are_refused_with_the_limit_and_nothing_is_written(
    users, plan_year
):
    enterprise = make_enterprise(name="原名", remarks="旧备注")
    rows = [
        row(name="新名", credit_code=enterprise.credit_code, remarks="长" * 10_000),
        row(name="刚好", credit_code=next_credit_code(), remarks="满" * 2000),
    ]
    batch = upload(users["county"], plan_year, xlsx(rows, columns=WITH_REMARKS), language="en")
    [(number, field, value, message)] = errors(batch, "en")
    assert (number, field) == (2, "remarks")
    assert message.startswith("The remarks have 10000 characters; at most 2000 fit.")
    assert value == "长" * 100 + "…"  # the error shows the start, not 10,000 characters
    assert batch.rows_rejected == 1
    confirm(batch, users["county"])
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.remarks) == ("原名", "旧备注")
    assert Enterprise.objects.get(name="刚好").remarks == "满" * 2000


def test_the_database_refuses_remarks_over_the_limit_written_past_every_check(reference):
    enterprise = make_enterprise(remarks="满" * 2000)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.filter(pk=enterprise.pk).update(remarks="满" * 2001)
    enterprise.refresh_from_db()
    assert len(enterprise.remarks) == 2000


def test_an_empty_remarks_cell_keeps_the_stored_remarks(users, plan_year):
    enterprise = make_enterprise(name="甲", remarks="保留")
    data = xlsx([row(name="甲", credit_code=enterprise.credit_code)], columns=WITH_REMARKS)
    confirm(upload(users["county"], plan_year, data), users["county"])
    enterprise.refresh_from_db()
    assert enterprise.remarks == "保留"


def test_the_preview_shows_a_long_remarks_change_shortened(users, plan_year):
    enterprise = make_enterprise(name="甲", remarks="旧")
    data = xlsx(
        [row(name="甲", credit_code=enterprise.credit_code, remarks="新" * 300)],
        columns=WITH_REMARKS,
    )
    batch = upload(users["county"], plan_year, data)
    [plan_row] = plan.load_plan(batch)["rows"]
    changes = {name: (old, new) for name, old, new in plan_row[plan.R_CHANGES]}
    assert changes["remarks"] == ("旧", "新" * 100 + "…")
    confirm(batch, users["county"])
    enterprise.refresh_from_db()
    assert enterprise.remarks == "新" * 300


# Export and import again --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["enterprise", "pilot"])
def test_exported_remarks_come_back_when_the_export_is_uploaded(as_user, users, plan_year, kind):
    remarks = "=不是公式\n第二行：全角标点（保留）"
    enterprise = make_enterprise(name="往返企业", remarks=remarks, contact_phone="0518-85801234")
    make_pilot(plan_year, enterprise=enterprise, tier="county")
    response = as_user("county").get(
        reverse(f"pilots:{kind}_export", args=["xlsx"]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, line = [list(values) for values in sheet.iter_rows(max_row=2, values_only=True)]
    assert line[header.index("备注")] == "'" + remarks  # a formula start is neutralised
    assert line[header.index("联系电话")] == "0518-85801234"

    # Unchanged: the same file changes nothing.
    same = upload(users["county"], plan_year, response.content)
    assert "备注" not in same.unrecognised
    assert (same.enterprises_unchanged, same.rows_rejected) == (1, 0)

    # Emptied in between: the upload writes the remarks back, exactly.
    Enterprise.objects.update(remarks="", contact_phone="")
    again = upload(users["county"], plan_year, response.content)
    assert again.enterprises_updated == 1
    confirm(again, users["county"])
    enterprise.refresh_from_db()
    assert (enterprise.remarks, enterprise.contact_phone) == (remarks, "0518-85801234")


def test_the_csv_export_has_the_remarks(as_user, plan_year):
    make_enterprise(name="甲", remarks="第一行\n第二行")
    response = as_user("county").get(
        reverse("pilots:enterprise_export", args=["csv"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].endswith(",remarks")
    assert '"第一行\n第二行"' in text


def test_the_dashboard_download_has_the_remarks_of_pilots_the_user_may_open(
    client, users, plan_year
):
    make_pilot(plan_year, name="牛山企业", township=NIUSHAN, tier="township", remarks="内部备注")

    def remarks_seen(user):
        client.force_login(user)
        response = client.get(
            reverse("dashboards:region_detail", args=[NIUSHAN]),
            {"export": "pilots"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        rows = list(load_workbook(io.BytesIO(response.content)).active.values)
        header = rows[1]
        [line] = [values for values in rows[2:] if values[0] == "牛山企业"]
        return line[header.index("备注")]

    assert remarks_seen(users["county"]) == "内部备注"
    # Every signed-in user sees the dashboard; the remarks only where the enterprise is theirs.
    assert remarks_seen(users["other_county"]) in (None, "")


# The template -----------------------------------------------------------------------------------


def test_the_template_has_a_remarks_column_as_text_and_says_the_limit(as_user):
    response = as_user("county").get(reverse("pilots:import_template"), HTTP_ACCEPT_LANGUAGE="en")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    remarks = headers.index("备注") + 1
    phone = headers.index("联系电话") + 1
    assert sheet.cell(row=5, column=remarks).number_format == "@"
    assert sheet.cell(row=5, column=phone).number_format == "@"
    help_rows = {row[0]: row[2] for row in workbook["How to fill in"].values if row[0]}
    assert "at most 2000 characters" in help_rows["备注"]
    assert "0518-85801234" in help_rows["联系电话"]
    assert "leading 0" in help_rows["联系电话"]


# The registration form ----------------------------------------------------------------------------


def enterprise_post(**changes) -> dict:
    data = {
        "name": "连云港备注测试有限公司",
        "credit_code": next_credit_code("320722"),
        "county": region("320722").pk,
        "township": region(NIUSHAN).pk,
        "park": "",
        "industry": "3091",  # the form takes a GB/T 4754 code or name
        "ownership": "private",
        "employee_count": 150,
        "chain_position": "",
        "contact_name": "张三",
        "contact_phone": "13800000000",
        "address": "",
        "remarks": "",
    }
    return data | changes


def test_the_form_stores_the_phone_in_one_form_and_the_remarks_with_line_breaks(as_user, users):
    response = as_user("county").post(
        reverse("pilots:enterprise_create"),
        enterprise_post(contact_phone="（0518）8580 1234 转 806", remarks="第一行\r\n第二行  \r\n"),
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert enterprise.contact_phone == "0518-85801234-806"
    assert enterprise.remarks == "第一行\n第二行"


@pytest.mark.parametrize(
    ("phone", "fragment"),
    [
        ("1390518123A", "has letters: A"),
        ("518-85801234", "lost its leading 0 (probably 0518-85801234)"),
        ("85801234", "needs its area code"),
        ("12345", "This is not a phone number"),
    ],
)
def test_the_form_refuses_a_bad_phone_and_saves_nothing(as_user, phone, fragment):
    response = as_user("county").post(
        reverse("pilots:enterprise_create"),
        enterprise_post(contact_phone=phone),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["contact_phone"]
    assert fragment in message
    assert not Enterprise.objects.exists()


def test_the_form_refuses_remarks_over_the_limit_saying_it(as_user):
    client = as_user("county")
    page = client.get(reverse("pilots:enterprise_create"))
    response = client.post(
        reverse("pilots:enterprise_create"),
        enterprise_post(remarks="长" * 10_000),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # No maxlength: a browser would cut a long paste without a word.
    assert 'name="remarks"' in page.content.decode() and "maxlength" not in str(
        page.context["form"]["remarks"]
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["remarks"]
    assert "2000" in message and "10000" in message
    assert not Enterprise.objects.exists()


def test_an_edit_with_a_stored_phone_the_check_refuses_asks_for_a_good_one(as_user):
    enterprise = make_enterprise(name="旧数据", contact_phone="0518-1")  # from before the check
    data = enterprise_post(
        name=enterprise.name, credit_code=enterprise.credit_code, contact_phone="0518-1", version=1
    )
    url = reverse("pilots:enterprise_edit", args=[enterprise.pk])
    response = as_user("county").post(url, data)
    assert response.status_code == 200 and response.context["form"].errors["contact_phone"]
    response = as_user("county").post(url, data | {"contact_phone": "0518 8580 1234"})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == "0518-85801234"


# The enterprise page --------------------------------------------------------------------------


def test_the_enterprise_page_shows_the_remarks_with_their_line_breaks(as_user):
    enterprise = make_enterprise(remarks="第一行\n<b>第二行</b>")
    response = as_user("county").get(enterprise.get_absolute_url())
    assert "第一行<br>&lt;b&gt;第二行&lt;/b&gt;" in response.content.decode()


# The admin ---------------------------------------------------------------------------------------


def admin_form(users, enterprise, **changes):
    model_admin = admin.site._registry[Enterprise]
    request = RequestFactory().get("/")
    request.user = users["admin"]
    form_class = model_admin.get_form(request, enterprise)
    data = {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "county": enterprise.county_id,
        "township": enterprise.township_id or "",
        "park": "",
        "industry": enterprise.industry_id,
        "ownership": enterprise.ownership,
        "state_controls": "unknown",
        "employee_count": enterprise.employee_count,
        "chain_position": "",
        "contact_name": "",
        "contact_phone": "",
        "address": "",
        "remarks": "",
    }
    return form_class(data | changes, instance=enterprise)


def test_the_admin_stores_the_phone_in_one_form_and_refuses_letters(users):
    enterprise = make_enterprise()
    form = admin_form(users, enterprise, contact_phone="+86 139 0518 1234", remarks="管理员备注")
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.contact_phone, saved.remarks) == ("13905181234", "管理员备注")
    with translation.override("en"):
        form = admin_form(users, enterprise, contact_phone="电话13905181234")
        assert not form.is_valid()
        assert "has letters: 电话" in form.errors["contact_phone"][0]


# check_data ----------------------------------------------------------------------------------


def test_check_data_lists_stored_phones_that_do_not_pass(users, plan_year):
    good = make_enterprise(name="好号码", contact_phone="0518-85801234")
    letters = make_enterprise(name="字母号码", contact_phone="1390518123A")
    lost = make_enterprise(name="缺零号码", contact_phone="51885801234")
    loose = make_enterprise(name="格式不一", contact_phone="0518 8580 1234")
    lines, error = check()
    phone_lines = [line for line in lines if "号码" in line or "格式不一" in line]
    assert not any(f"#{good.pk}:" in line for line in lines)
    assert any(f"#{letters.pk}: 字母号码: 1390518123A: " in line and "letters: A" in line
               for line in phone_lines)  # fmt: skip
    assert any(f"#{lost.pk}: 缺零号码: 51885801234: " in line and "leading 0" in line
               for line in phone_lines)  # fmt: skip
    assert any(
        f"#{loose.pk}: 格式不一: the phone 0518 8580 1234 is not stored as 0518-85801234." in line
        for line in phone_lines
    )
    assert error
