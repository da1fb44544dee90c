"""The bulletin (通报): its figures equal the dashboard's, the change since the previous one is
exact, the city's wording with checked placeholders, the good examples, the .docx."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from dashboards.bulletin import build_bulletin, bulletin_figures, bulletin_issue
from dashboards.models import Bulletin, BulletinWording
from demonstration.models import Naming
from promotion.models import Case
from reform.models import PlanYear, QuotaRule
from tests.builders import make_pilot, make_zone
from tests.demonstration.builders import make_round, submitted_application
from tests.promotion.builders import make_case, make_report

Rule = QuotaRule.Rule
DONGHAI, NIUSHAN, GUANNAN = "320722", "320722001", "320724"
TODAY = timezone.localdate


@pytest.fixture
def world(users, plan_year):
    """东海县: 15 confirmed county-tier pilots (met), 8 of them in a provincial zone (met);
    灌南县: 2 county-tier pilots, 1 proposed; 5 city-tier pilots; 牛山街道: 3 township-tier.
    The township rule asks for 0 this year (met by 0), so 东海县 meets all its rules."""
    QuotaRule.objects.filter(plan_year=plan_year, rule=Rule.TOWNSHIP).update(minimum=0)
    zone = make_zone(DONGHAI)
    for index in range(15):
        make_pilot(plan_year, tier="county", park=zone if index < 8 else None)
    for _ in range(2):
        make_pilot(plan_year, tier="county", county=GUANNAN, township=None)
    make_pilot(plan_year, tier="county", status="proposed", county=GUANNAN, township=None)
    for _ in range(5):
        make_pilot(plan_year, tier="city")
    for _ in range(3):
        make_pilot(plan_year, tier="township", township=NIUSHAN)
    return plan_year


def _url(name="dashboards:bulletin", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse(name) + (f"?{query}" if query else "")


def test_the_bulletin_equals_the_dashboard_for_the_same_date(client, users, world):
    client.force_login(users["city"])
    context = client.get("/?year=2026").context
    figures = bulletin_figures(world, TODAY())
    city = figures["rules"][Rule.CITY]
    row = context["city_row"]
    assert (city["count"], city["target"], city["gap"], city["pipeline"]) == (
        row.count,
        row.target,
        row.gap,
        row.pipeline,
    )
    for rule, summary in (
        (Rule.COUNTY, context["county_summary"]),
        (Rule.COUNTY_DEV_ZONE, context["dev_zone_summary"]),
        (Rule.TOWNSHIP, context["township_summary"]),
    ):
        mine = figures["rules"][rule]
        assert (mine["met"], mine["regions"], mine["count"], mine["gap"], mine["pipeline"]) == (
            summary.met_count,
            summary.region_count,
            summary.count,
            summary.gap,
            summary.pipeline,
        )
    dashboard = {record["code"]: record for record in context["counties"]}
    for county in figures["counties"]:
        record = dashboard[county["code"]]
        assert county["county_count"] == record["county"].count
        assert county["dev_count"] == record["dev"].count
        assert county["status"] == record["status"]
    # And by hand: 5 of 30 city-tier; 东海县 meets its two rules (15/15, 8/8); 灌南县 2 and 1.
    assert (city["count"], city["gap"]) == (5, 25)
    assert figures["rules"][Rule.COUNTY]["met"] == 1
    assert figures["rules"][Rule.COUNTY]["pipeline"] == 1
    assert figures["total"] == 5 + 17 + 3


def test_a_past_bulletin_reads_the_snapshot_the_dashboard_shows_for_that_date(client, users, world):
    """Figures kept on the 1st; two more city-tier pilots since: the bulletin as of the 3rd
    says what the overview as of the 3rd says (the snapshot of the 1st), not today's."""
    from pilots.snapshots import snapshot_plan_year

    first = TODAY() - datetime.timedelta(days=10)
    snapshot_plan_year(world, first)
    for _ in range(2):
        make_pilot(world, tier="city")
    as_of = first + datetime.timedelta(days=2)
    figures = bulletin_figures(world, as_of)
    client.force_login(users["city"])
    context = client.get(f"/?year=2026&as_of={as_of.isoformat()}").context
    assert context["snapshot_date"] == first
    assert figures["rules"][Rule.CITY]["count"] == context["city_row"].count == 5
    assert bulletin_figures(world, TODAY())["rules"][Rule.CITY]["count"] == 7
    dashboard = {record["code"]: record["status"] for record in context["counties"]}
    assert {c["code"]: c["status"] for c in figures["counties"]} == dashboard


def test_the_page_prints_the_same_numbers(client, users, world):
    client.force_login(users["leader"])
    page = client.get(_url(year=2026)).content.decode()
    assert "市级试点：已有5家，目标30家，还差25家，拟推荐0家" in page
    rows = {
        re.search(r'data-code="(\d+)"', row).group(1): row
        for row in page.split("<tr")
        if "data-code" in row
    }
    assert "15 / 15" in rows[DONGHAI] and "8 / 8" in rows[DONGHAI]
    assert 'class=""' in rows[DONGHAI] and "19 / 19" in rows[DONGHAI]  # met: not in red
    assert 'class="behind status-text-far"' in rows[GUANNAN]  # 2 of 15: far behind, in red
    assert "灌南县" in page[page.index('id="bulletin-behind"') :]


def test_the_change_since_the_previous_bulletin_is_exact(client, users, world):
    bulletin_issue(plan_year=world, as_of=TODAY(), user=users["city"])
    Bulletin.objects.update(as_of=TODAY() - datetime.timedelta(days=30))  # issued a month ago
    for _ in range(3):
        make_pilot(world, tier="city")
    make_pilot(world, tier="county", county=GUANNAN, township=None)
    make_pilot(world, tier="county", status="withdrawn", county=GUANNAN, township=None)
    view = build_bulletin(world, TODAY())
    assert "较上期+3。" in view.rule_paragraphs[0]
    guannan = next(line for line in view.counties if line.figures["code"] == GUANNAN)
    assert guannan.change == "+1 / 0 / 0"
    donghai = next(line for line in view.counties if line.figures["code"] == DONGHAI)
    assert donghai.change == "0 / 0 / 0"
    assert "+4" in view.texts["opening"]  # 3 city-tier and 1 county-tier pilots more


def test_without_a_previous_bulletin_the_change_is_a_dash(world):
    view = build_bulletin(world, TODAY())
    assert "较上期—。" in view.rule_paragraphs[0]
    assert {line.change for line in view.counties} == {"—"}


def test_an_issued_bulletin_is_read_back_with_its_own_figures(client, users, world):
    bulletin_issue(plan_year=world, as_of=TODAY(), user=users["city"])
    earlier = TODAY() - datetime.timedelta(days=7)
    Bulletin.objects.update(as_of=earlier)
    make_pilot(world, tier="city")
    assert bulletin_figures(world, earlier)["rules"][Rule.CITY]["count"] == 5
    assert bulletin_figures(world, TODAY())["rules"][Rule.CITY]["count"] == 6


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2999-01-01", "2999-01-01 晚于今天：通报只报告已经发生的情况。"),
        ("2020-01-01", "没有保存 2020-01-01 的数据"),
        ("2026-13-45", "不是有效日期"),
        ("abc", "不是有效日期"),
    ],
)
def test_a_bad_date_gives_a_clear_message(client, users, world, as_of, message):
    client.force_login(users["city"])
    response = client.get(_url(year=2026, as_of=as_of))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["bulletin"] is None
    response = client.post(_url("dashboards:bulletin_issue"), {"year": 2026, "as_of": as_of})
    assert Bulletin.objects.count() == 0


def test_a_year_without_targets_gives_a_clear_message(client, users, world):
    PlanYear.objects.create(year=2027)
    client.force_login(users["city"])
    page = client.get(_url(year=2027)).content.decode()
    assert "2027 年度尚未设定目标，无从通报。" in page
    client.post(_url("dashboards:bulletin_issue"), {"year": 2027})
    assert Bulletin.objects.count() == 0


def test_a_bulletin_is_issued_once_for_a_date(client, users, world):
    client.force_login(users["city"])
    client.post(_url("dashboards:bulletin_issue"), {"year": 2026, "as_of": TODAY().isoformat()})
    issued = Bulletin.objects.get()
    assert issued.figures["rules"]["city"]["count"] == 5 and issued.issued_by == users["city"]
    response = client.post(
        _url("dashboards:bulletin_issue"), {"year": 2026, "as_of": TODAY().isoformat()}, follow=True
    )
    assert "已发布过" in response.content.decode()
    assert Bulletin.objects.count() == 1


def test_good_examples_of_the_period(users, world):
    previous = TODAY() - datetime.timedelta(days=10)
    Bulletin.objects.create(plan_year=world, as_of=previous, figures={"rules": {}, "counties": []})
    round = make_round(world, user=users["city"])
    pilot = make_pilot(world, tier="county", name="命名企业")
    application = submitted_application(round, user=users["city"], pilot=pilot)
    Naming.objects.create(round=round, pilot=pilot, application=application, named_on=TODAY())
    old_pilot = make_pilot(world, tier="county", name="上期命名企业")
    old_application = submitted_application(round, user=users["city"], pilot=old_pilot)
    Naming.objects.create(
        round=round, pilot=old_pilot, application=old_application, named_on=previous
    )
    make_case(
        world, [pilot], status=Case.Status.PUBLISHED, title="本期案例", published_at=timezone.now()
    )
    make_case(world, [pilot], status=Case.Status.SELECTED, title="未发布案例")
    make_report(pilots=[pilot], title="本期报道", published_on=TODAY())
    make_report(pilots=[pilot], title="上期报道", published_on=previous)
    view = build_bulletin(world, TODAY())
    assert [n.pilot.enterprise.name for n in view.namings] == ["命名企业"]
    assert [c.title for c in view.cases] == ["本期案例"]
    assert [r.title for r in view.reports] == ["本期报道"]
    assert "1家单位被命名为示范单位、发布典型案例1篇、宣传报道1篇" in view.texts["examples"]


# The wording ----------------------------------------------------------------------------------


def test_the_city_edits_the_wording_and_the_bulletin_uses_it(client, users, world):
    client.force_login(users["city"])
    form = client.get(_url("dashboards:bulletin_wording")).context["form"]
    data = {name: form[name].value() for name in BulletinWording.TEXTS}
    data["city_rule"] = "市级目标{target}家，现有{count}家（{change}）。"
    response = client.post(_url("dashboards:bulletin_wording"), data)
    assert response.status_code == 302
    page = client.get(_url(year=2026)).content.decode()
    assert "市级目标30家，现有5家（—）。" in page
    wording = BulletinWording.objects.get()
    assert wording.history.first().history_user == users["city"]


@pytest.mark.parametrize(
    "text", ["{count}家，{bogus}", "{count.__class__}", "{0}", "目标{target", "{{count}}"]
)
def test_an_unknown_placeholder_is_refused_with_a_message(client, users, world, text):
    client.force_login(users["city"])
    form = client.get(_url("dashboards:bulletin_wording")).context["form"]
    data = {name: form[name].value() for name in BulletinWording.TEXTS} | {"city_rule": text}
    response = client.post(_url("dashboards:bulletin_wording"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["city_rule"][0]
    assert "未知的占位符" in errors and "{target}" in errors
    assert BulletinWording.objects.count() == 0


def test_leaders_read_the_bulletin_but_change_nothing(client, users, world):
    client.force_login(users["leader"])
    assert client.get(_url(year=2026)).status_code == 200
    assert client.get(_url("dashboards:bulletin_wording")).status_code == 403
    assert client.post(_url("dashboards:bulletin_issue"), {"year": 2026}).status_code == 403
    assert Bulletin.objects.count() == 0


# The .docx ------------------------------------------------------------------------------------


def test_the_docx_holds_the_title_the_paragraphs_and_the_ranking_with_the_units_behind_in_red(
    client, users, world
):
    client.force_login(users["leader"])
    response = client.get(_url("dashboards:bulletin_docx", year=2026))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0].startswith("连云港市产改试点工作进展通报（2026年度")
    assert any("市级试点：已有5家，目标30家" in t for t in texts)
    table = document.tables[0]
    assert len(table.rows) == 1 + 7  # the header and every county-level unit
    first = [cell.text for cell in table.rows[1].cells]
    assert first[:4] == ["1", "东海县", "15 / 15", "8 / 8"]
    guannan = next(row for row in table.rows if row.cells[1].text == "灌南县")
    run = guannan.cells[1].paragraphs[0].runs[0]
    assert str(run.font.color.rgb) == "C01F1F"
    donghai_run = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert donghai_run.font.color.rgb is None


def test_a_docx_of_a_bad_date_goes_back_to_the_page_with_the_message(client, users, world):
    client.force_login(users["city"])
    response = client.get(_url("dashboards:bulletin_docx", year=2026, as_of="2999-01-01"))
    assert response.status_code == 302


# Query counts ---------------------------------------------------------------------------------


def _grow(plan_year, n):
    for _ in range(n):
        make_pilot(plan_year, tier="county", county=GUANNAN, township=None)
        make_pilot(plan_year, tier="city")
        make_report(title="报道", published_on=TODAY())


def test_the_number_of_queries_does_not_grow_with_the_data(client, users, plan_year):
    client.force_login(users["city"])
    Bulletin.objects.create(
        plan_year=plan_year, as_of=TODAY() - datetime.timedelta(days=3), figures={}
    )
    _grow(plan_year, 1)
    client.get(_url(year=2026))
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(year=2026)).status_code == 200
    _grow(plan_year, 10)
    with CaptureQueriesContext(connection) as large:
        assert client.get(_url(year=2026)).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    # session, user, plan year, city, 3 for the quota rules (rules, exceptions, regions) and the
    # pilots, the previous bulletin, the wording, namings, cases, reports, the plan years of the
    # selector, the bulletins issued.
    assert len(small) == 15, [q["sql"][:100] for q in small.captured_queries]
