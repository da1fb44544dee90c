"""The selection from end to end: a county official applies for a pilot with an evidence file
and recommends it; a reviewer scores it; city staff publish the notice and name it; the pilot
is a demonstration unit. The test moves the round's phases (the dates decide) between steps."""

import pytest
from django.test.utils import override_settings

from demonstration.models import Application, Evidence, Phase, RubricIndicator
from tests.browser.conftest import sign_in
from tests.builders import make_pilot, make_user
from tests.demonstration.builders import make_reviewer, make_round, open_phase

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"


@pytest.fixture
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def _as(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, username)
    return context, page


def test_a_pilot_goes_from_application_to_demonstration_unit(
    browser, live_server, reference, plan_year, media
):
    url = live_server.url
    city = make_user("city", role="city_staff")
    make_user("donghai", role="county", region="320722")
    make_reviewer("guanyun", region="320723")
    round = make_round(plan_year, user=city, units_to_name=1, reviewers_per_application=1)
    pilot = make_pilot(plan_year, tier="county", status="confirmed")
    name = pilot.enterprise.name

    # The county official applies, with an evidence file, and submits.
    context, page = _as(browser, live_server, "donghai")
    page.click("nav.nav >> text=示范引领")  # the menu of the top bar
    page.click("nav.nav >> text=示范评选")
    page.click(f"text={round.name}")
    page.click("text=为试点企业申报")
    page.select_option("#id_pilot", str(pilot.pk))
    page.click("button:has-text('创建申报')")
    for dimension in round.dimensions.all():
        page.fill(f"#id_text_{dimension.pk}", f"{dimension.name}：自评材料")
    political = round.dimensions.get(key="political")
    page.set_input_files(
        f"#id_files_{political.pk}",
        files=[{"name": "党建工作总结.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("button:has-text('保存并提交')")
    assert page.inner_text("#application-status") == "已提交"
    assert "党建工作总结.pdf" in page.inner_text("main")
    application = Application.objects.get(pilot=pilot)
    assert Evidence.objects.get().section.application == application

    # Recommendation: the county ticks it, gives it the first place and an opinion.
    open_phase(round, Phase.RECOMMENDATION)
    page.goto(f"{url}/demonstration/rounds/{round.pk}/recommend/320722/")
    page.check(f"#id_recommend_{application.pk}")
    page.fill(f"#id_order_{application.pk}", "1")
    page.fill(f"#id_opinion_{application.pk}", "该企业产改成效显著，同意推荐。")
    page.click("button:has-text('保存推荐')")
    assert "已保存：推荐 1 家。" in page.inner_text(".messages")
    context.close()

    # City staff appoint the reviewer and assign automatically.
    open_phase(round, Phase.REVIEW)
    context, page = _as(browser, live_server, "city")
    page.goto(f"{url}/demonstration/rounds/{round.pk}/reviewers/")
    page.check("label:has-text('guanyun') >> xpath=preceding-sibling::input")
    page.click("button:has-text('保存评审专家')")
    page.click("button:has-text('自动分配')")
    assert "已新增 1 个评审分配。" in page.inner_text(".messages")
    context.close()

    # The reviewer scores every indicator and submits.
    context, page = _as(browser, live_server, "guanyun")
    page.click("nav.nav >> text=示范评选")
    page.click(f"text={name}")
    for indicator in RubricIndicator.objects.filter(dimension__round=round):
        page.fill(f"#id_points_{indicator.pk}", str(indicator.max_points - 1))
    assert page.inner_text("[data-score-total]") == "88"  # 100 minus one point on 12 indicators
    page.click("button:has-text('提交（不可修改）')")
    assert "评分已提交" in page.inner_text(".messages")
    context.close()

    # City staff fix the list, publish it, and name the unit after the notice.
    open_phase(round, Phase.NOTICE)
    context, page = _as(browser, live_server, "city")
    page.goto(f"{url}/demonstration/rounds/{round.pk}/ranking/")
    assert "88.00" in page.inner_text("table")
    page.goto(f"{url}/demonstration/rounds/{round.pk}/notice/")
    page.click("button:has-text('按排名生成')")
    page.click("button:has-text('发布公示')")
    assert "公示已发布" in page.inner_text(".messages")
    assert name in page.inner_text("#notice")
    page.goto(f"{url}/")
    donghai = "#demonstration-counties li:has-text('东海县') b"
    before = int(page.inner_text(donghai))
    assert page.inner_text("#selection-steps li:has-text('已命名') .bar-value") == "0"
    open_phase(round, Phase.NAMING)
    page.goto(f"{url}/demonstration/rounds/{round.pk}/notice/")
    page.click("button:has-text('命名名单中的单位')")
    assert "已命名 1 家示范单位。" in page.inner_text(".messages")
    page.click(f"#namings >> text={name}")
    assert page.inner_text("#pilot-status") == "示范单位"
    assert "已命名示范单位" in page.inner_text("#selection-panel")
    # The overview shows one more demonstration unit, and the round's named step.
    page.goto(f"{url}/")
    assert int(page.inner_text(donghai)) == before + 1
    assert page.inner_text("#selection-steps li:has-text('已命名') .bar-value") == "1"
    context.close()
