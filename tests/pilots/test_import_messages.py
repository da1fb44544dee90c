"""A batch's messages are stored as codes with their values and read in the reader's language
(issue 10): uploaded in English, read in Chinese, and the other way round."""

import gzip
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from pilots.imports import plan
from pilots.imports.batches import batch_create
from pilots.models import ImportBatch
from reform import messages
from reform.scopes import scope_for
from tests.builders import next_credit_code
from tests.pilots.import_files import row, use_test_settings, xlsx


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)
    yield
    # A request in English leaves English active in the thread: not for the next test.
    translation.activate(settings.LANGUAGE_CODE)


def upload(user, plan_year, data, *, language):
    with translation.override(language):
        return batch_create(
            data=data, filename="list.xlsx", user=user, scope=scope_for(user), plan_year=plan_year
        )


def client_for(user):
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(user)
    return client


TWICE = next_credit_code()
BAD_ROWS = [
    row(name="无县", credit_code=next_credit_code(), county="火星县"),  # row 2: own check
    row(name="短码", credit_code="9132072"),  # row 3: the reused credit-code validator
    row(name="甲", credit_code=TWICE),  # rows 4 and 5: the same code twice
    row(name="乙", credit_code=TWICE),
]


def rendered(batch, language):
    with translation.override(language):
        return {(e[0], e[1]): messages.render(e[4]) for e in plan.load_plan(batch)["errors"]}


@pytest.mark.parametrize(
    ("uploaded_in", "read_in"), [("en", "zh-hans"), ("zh-hans", "en"), ("en", "en")]
)
def test_row_errors_read_in_the_readers_language(users, plan_year, uploaded_in, read_in):
    batch = upload(users["county"], plan_year, xlsx(BAD_ROWS), language=uploaded_in)
    found = rendered(batch, read_in)
    if read_in == "en":
        assert found[(2, "county")] == "Unknown county-level unit."
        assert found[(3, "credit_code")] == "A credit code has 18 characters; this one has 7."
        assert "row 5 of the file" in found[(4, "credit_code")]
    else:
        assert found[(2, "county")] == "无法识别的县区。"
        assert found[(3, "credit_code")] == "统一社会信用代码应为 18 位，此处为 7 位。"
        assert found[(4, "credit_code")] == "文件第 5 行也是这个信用代码。"


def test_the_preview_page_and_error_workbook_speak_the_readers_language(users, plan_year):
    batch = upload(users["county"], plan_year, xlsx(BAD_ROWS), language="en")
    client = client_for(users["county"])
    page = client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "无法识别的县区。" in page and "Unknown county-level unit." not in page
    page = client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    assert "Unknown county-level unit." in page and "无法识别的县区。" not in page

    url = reverse("pilots:import_errors", args=[batch.pk])
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").getvalue()
    cells = [
        str(cell.value)
        for sheet in load_workbook(io.BytesIO(content)).worksheets
        for line in sheet.iter_rows()
        for cell in line
        if cell.value
    ]
    assert any("无法识别的县区。" in text for text in cells)
    assert not any("Unknown county-level unit." in text for text in cells)


def test_a_failed_batchs_message_reads_in_the_readers_language(users, plan_year):
    data = xlsx([row(name="甲")], columns=["name", "county"])
    batch = upload(users["county"], plan_year, data, language="en")
    assert batch.status == ImportBatch.Status.FAILED
    batch.refresh_from_db()
    with translation.override("zh-hans"):
        assert batch.message_text.startswith("缺少必填列：")
    with translation.override("en"):
        assert batch.message_text.startswith("Required columns are missing: ")
    client = client_for(users["county"])
    listing = client.get(reverse("pilots:import_list"), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "缺少必填列" in listing


def test_an_unreadable_files_message_reads_in_the_readers_language(users, plan_year):
    batch = upload(users["county"], plan_year, b"", language="en")
    assert batch.status == ImportBatch.Status.FAILED
    batch.refresh_from_db()
    with translation.override("zh-hans"):
        assert batch.message_text == "文件是空的。"
    with translation.override("en"):
        assert batch.message_text == "The file is empty."


def test_messages_stored_as_words_before_codes_keep_displaying(users, plan_year):
    batch = upload(users["county"], plan_year, xlsx(BAD_ROWS[:1]), language="en")
    # A batch stored before codes existed: the plan holds words, the batch a message.
    items = list(plan.iter_plan(batch))
    items[-1]["errors"] = [[2, "county", "县区", "火星县", "无法识别的县区。"]]
    text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    name = batch.plan.name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(gzip.compress(text.encode())))
    page = client_for(users["county"]).get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "无法识别的县区。" in page.text
    old = ImportBatch(message="旧的消息", message_code=None)
    assert old.message_text == "旧的消息"


def test_the_registry_refuses_unknown_and_twice_defined_codes():
    with pytest.raises(KeyError):
        messages.message("import.no_such_code")
    with pytest.raises(ValueError, match="defined twice"):
        messages.define({"name_missing": "another"}, prefix="import")
    # A code defined by a later version and no longer: said as its code, not a crash.
    assert messages.render(["import.gone", {}]) == "import.gone"
    # A param that is itself a message is read in the same language.
    stored = messages.message(
        "import.state_control_follows", kind=messages.message("import.ownership.private")
    )
    with translation.override("en"):
        assert "ownership is private" in messages.render(stored).lower()
