"""Pairing from end to end: a county official pairs two small pilots of their county with a
state-owned lead of another county, records an activity with a photo, and sees the county
page's pairing figures change."""

import io

import pytest
from django.test.utils import override_settings
from PIL import Image

from demonstration.models import ActivityAttachment, Pairing
from tests.browser.conftest import sign_in
from tests.builders import make_user
from tests.demonstration.pairing_builders import small_pilot, state_lead


@pytest.fixture
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_county_official_pairs_small_pilots_and_records_an_activity(
    page, live_server, reference, plan_year, media
):
    url = live_server.url
    make_user("donghai", role="county", region="320722")
    lead = state_lead(name="连云港港口国有集团")  # 灌南县, 500 employees
    first = small_pilot(plan_year, name="东海小微甲", employees=60)
    second = small_pilot(plan_year, name="东海小微乙", employees=90, township="320722002")

    sign_in(page, live_server, "donghai")
    page.goto(f"{url}/regions/320722/")
    assert page.inner_text("#small-paired").split("%")[0].split() == ["0", "/", "2", "0"]

    page.click("nav.nav >> text=示范引领")
    page.click("nav.nav >> text=结对共建")
    page.click("#new-pairing")
    page.check("#id_kind_0")  # 大手牵小手
    page.select_option("#id_lead", str(lead.pk))
    page.select_option("#id_partners", [str(first.pk), str(second.pk)])
    page.fill("#id_goals", "资源共享、信息互通、文化互融、工作互促")
    page.click("#save-pairing")
    assert "结对已建立" in page.inner_text(".messages")
    assert "连云港港口国有集团" in page.inner_text("#pairing-title")
    assert "仅显示名称" in page.inner_text("#pairing-lead")  # the lead lies in 灌南县
    pairing = Pairing.objects.get()
    assert set(pairing.partners.all()) == {first, second}

    page.click("#record-activity")
    page.select_option("#id_kind", "training")
    page.fill("#id_participants", "双方工会主席、一线职工30人")
    page.fill("#id_summary", "牵头企业技能大师为结对企业职工开展专项技能培训。")
    page.set_input_files(
        "#id_photos", files=[{"name": "培训现场.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.click("#save-activity")
    assert "活动已登记" in page.inner_text(".messages")
    assert "培训" in page.inner_text("#activities")
    assert page.locator("#activities img").count() == 1
    assert ActivityAttachment.objects.get().activity.pairing == pairing

    page.goto(f"{url}/regions/320722/")
    figures = page.inner_text("#pairing-figures")
    assert page.inner_text("#small-paired").split("%")[0].split() == ["2", "/", "2", "100"]
    assert "国有—非公" in figures
    assert page.inner_text("#pairing-dormant") == "0"
