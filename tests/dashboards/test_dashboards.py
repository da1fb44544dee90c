"""The quota dashboards: figures against a hand-built data set, 404s, export, query counts."""

import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from clusters.models import Cluster, GuidanceStation
from pilots.models import Enterprise
from pilots.quotas import pilot_makeup, quota_progress
from pilots.writers import text_width
from reform.models import Industry, QuotaRule, Region, RegionQuota
from reform.services import plan_year_create
from tests.builders import make_pilot, make_zone, region

Rule = QuotaRule.Rule
DONGHAI, NIUSHAN, SHILIU, GUANNAN = "320722", "320722001", "320722002", "320724"
# Administrative townships of Lianyungang in the reference data (109 less 19 non-administrative).
ADMINISTRATIVE_TOWNSHIPS = 90
DONGHAI_ADMINISTRATIVE_TOWNSHIPS = 19
COUNTIES = 7


@pytest.fixture
def world(reference, plan_year):
    """The issue's data set, with the right answers in the tests below.

    东海县: 15 confirmed county-tier pilots, 7 of them in a provincial development zone;
    牛山街道: 2 confirmed township-tier pilots, 1 proposed, 1 withdrawn;
    石榴街道: exempt from the township rule; a confirmed pilot of 2025 in 牛山街道.
    """
    zone = make_zone(DONGHAI, name="测试省级开发区")
    for index in range(15):
        make_pilot(
            plan_year,
            tier="county",
            park=zone if index < 7 else None,
            ownership=(
                Enterprise.Ownership.STATE_OWNED if index < 3 else Enterprise.Ownership.PRIVATE
            ),
            employee_count=50 if index < 5 else 150,
            is_leading=index < 2,
            is_industry_education=index == 0,
        )
    for _ in range(2):
        make_pilot(plan_year, tier="township", township=NIUSHAN, industry="0111", core_industry="")
    make_pilot(plan_year, tier="township", status="proposed", township=NIUSHAN)
    make_pilot(plan_year, tier="township", status="withdrawn", township=NIUSHAN)
    RegionQuota.objects.create(
        plan_year=plan_year, region=region(SHILIU), rule=Rule.TOWNSHIP, exempt=True
    )
    previous = plan_year_create(year=2025)
    make_pilot(previous, tier="township", township=NIUSHAN)
    make_pilot(previous, tier="county")
    return {"plan_year": plan_year, "previous": previous, "zone": zone}


# Figures ------------------------------------------------------------------------------------------


def test_it_counts_the_county_rules_of_the_hand_built_county(world):
    progress = quota_progress(world["plan_year"])
    county = progress.get(region(DONGHAI), Rule.COUNTY)
    dev = progress.get(region(DONGHAI), Rule.COUNTY_DEV_ZONE)
    assert (county.count, county.target, county.gap, county.met) == (15, 15, 0, True)
    assert (dev.count, dev.target, dev.gap, dev.met) == (7, 8, 1, False)
    assert dev.status == "close"


def test_it_counts_confirmed_township_pilots_and_shows_proposed_as_pipeline(world):
    row = quota_progress(world["plan_year"]).get(region(NIUSHAN), Rule.TOWNSHIP)
    # The withdrawn pilot and the 2025 pilot are not counted.
    assert (row.count, row.pipeline, row.target, row.gap, row.met) == (2, 1, 3, 1, False)


def test_it_leaves_an_exempt_township_out_of_the_township_rule(world):
    progress = quota_progress(world["plan_year"])
    row = progress.get(region(SHILIU), Rule.TOWNSHIP)
    assert row.exempt and row.met and row.status == "exempt"
    summary = progress.summary(Rule.TOWNSHIP)
    assert summary.region_count == ADMINISTRATIVE_TOWNSHIPS - 1
    assert summary.met_count == 0
    assert summary.gap == 3 * (ADMINISTRATIVE_TOWNSHIPS - 1) - 2


def test_it_summarises_the_rules_over_the_city(world):
    progress = quota_progress(world["plan_year"], within=region("320700"))
    city = progress.get(region("320700"), Rule.CITY)
    assert (city.count, city.target, city.gap) == (0, 30, 30)
    county = progress.summary(Rule.COUNTY)
    assert (county.met_count, county.region_count, county.gap) == (1, COUNTIES, 15 * 6)
    dev = progress.summary(Rule.COUNTY_DEV_ZONE)
    assert (dev.met_count, dev.region_count, dev.gap) == (0, COUNTIES, 1 + 8 * 6)


def test_it_does_not_mix_in_the_other_plan_year(world):
    progress = quota_progress(world["previous"])
    assert progress.get(region(NIUSHAN), Rule.TOWNSHIP).count == 1
    assert progress.get(region(DONGHAI), Rule.COUNTY).count == 1
    # The 2025 exemption does not exist: 石榴街道 has a target in 2025.
    assert progress.get(region(SHILIU), Rule.TOWNSHIP).target == 3


def test_it_breaks_the_pilots_down_by_industry_sector_ownership_and_size(world):
    makeup = pilot_makeup(world["plan_year"], within=region(DONGHAI))
    assert (makeup.count, makeup.pipeline) == (17, 1)
    tiers = {share.key: (share.count, share.pipeline) for share in makeup.by_tier}
    assert tiers == {"city": (0, 0), "county": (15, 0), "township": (2, 1)}
    industries = {share.key: share.count for share in makeup.by_industry}
    assert industries["new_materials"] == 15
    assert industries["other"] == 2  # agriculture is not a core industry
    assert industries["petrochemicals"] == 0
    sectors = {share.key: share.count for share in makeup.by_sector}
    assert sectors == {"primary": 2, "secondary": 15, "tertiary": 0, "unclassified": 0}
    assert makeup.sectors_covered == 2
    ownership = {share.key: share.count for share in makeup.by_ownership}
    assert ownership == {"state_owned": 3, "collective": 0, "non_public": 14}
    size = {share.key: share.count for share in makeup.by_size}
    assert size == {"large": 17 - 5, "small": 5}
    assert makeup.leading.count == 2
    assert makeup.industry_education.count == 1
    assert makeup.by_industry[2].percent == round(100 * 15 / 17)


def test_it_counts_nothing_in_another_county(world):
    makeup = pilot_makeup(world["plan_year"], within=region(GUANNAN))
    assert makeup.count == 0 and makeup.by_ownership[0].percent == 0


# Pages --------------------------------------------------------------------------------------------


def test_the_overview_shows_the_four_rules_and_the_county_table(client, users, world):
    client.force_login(users["township"])
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    context = response.context
    assert context["city_row"].gap == 30
    assert context["county_summary"].met_count == 1
    assert context["dev_zone_summary"].met_count == 0
    assert context["township_summary"].region_count == ADMINISTRATIVE_TOWNSHIPS - 1
    rows = {record["code"]: record for record in context["counties"]}
    donghai = rows[DONGHAI]
    assert (donghai["county_count"], donghai["dev_count"], donghai["dev_gap"]) == (15, 7, 1)
    # Its own two rules: met and close; its townships (none of 18 meets its rule): far.
    assert (donghai["county_status"], donghai["dev_status"]) == ("met", "close")
    assert donghai["status"] == "far"
    assert (donghai["townships_met"], donghai["townships_total"]) == (
        0,
        DONGHAI_ADMINISTRATIVE_TOWNSHIPS - 1,
    )
    html = response.content.decode()
    assert f'href="/regions/{DONGHAI}/?year=2026"' in html


def test_the_county_page_lists_its_townships_parks_and_pilots_by_tier(client, users, world):
    client.force_login(users["other_county"])  # aggregates: every signed-in user
    response = client.get(reverse("dashboards:region_detail", args=[DONGHAI]))
    assert response.status_code == 200
    townships = {row["code"]: row for row in response.context["tables"]["townships"].data}
    assert (townships[NIUSHAN]["count"], townships[NIUSHAN]["gap"]) == (2, 1)
    assert townships[SHILIU]["target"] is None
    parks = {row["name"]: row for row in response.context["tables"]["parks"].data}
    assert parks["测试省级开发区"]["is_zone"] is True
    assert parks["测试省级开发区"]["county_tier_count"] == 7
    html = response.content.decode()
    assert f'href="/regions/{NIUSHAN}/?year=2026"' in html
    assert 'href="/regions/320700/?year=2026"' in html  # breadcrumbs lead back up


def test_the_township_page_shows_its_pilots_without_contact_data(client, users, world):
    Enterprise.objects.update(contact_name="联系人甲", contact_phone="13900000000")
    client.force_login(users["leader"])
    response = client.get(reverse("dashboards:region_detail", args=[NIUSHAN]))
    assert response.status_code == 200
    assert response.context["row"].gap == 1
    names = [row["name"] for row in response.context["tables"]["pilots"].data]
    assert len(names) == 4 + 15  # its four township-tier pilots and the county-tier ones
    html = response.content.decode()
    assert "13900000000" not in html and "联系人甲" not in html


def test_the_sorted_township_table_sorts_by_count(client, users, world):
    client.force_login(users["city"])
    response = client.get(
        reverse("dashboards:region_detail", args=[DONGHAI]), {"townships-sort": "-count"}
    )
    first = next(iter(response.context["tables"]["townships"].rows)).record
    assert first["code"] == NIUSHAN


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/regions/999999/", {}),
        ("/regions/abc/", {}),
        ("/regions/东海县/", {}),
        ("/regions/" + "3" * 300 + "/", {}),
        ("/regions/320700/", {"year": "1999"}),
        ("/", {"year": "1999"}),
        ("/", {"export": "nonsense"}),
        ("/", {"export": ""}),
        (f"/regions/{DONGHAI}/", {"export": "no-such-table"}),
        (f"/regions/{NIUSHAN}/", {"export": "counties"}),  # a table of another page
    ],
)
def test_it_answers_404_for_an_unknown_year_region_or_table(client, users, world, path, params):
    client.force_login(users["city"])
    assert client.get(path, params).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"year": "soon"},
        {"year": "x"},
        {"year": "-1"},
        {"year": "2026.0"},
        {"year": "99999999999999999999"},
        {"year": "99999"},
        {"year": "2026", "export": "parks", "x": "1"} | {"year": "y"},
    ],
)
def test_a_year_that_is_no_year_is_a_bad_request(client, users, world, params):
    client.force_login(users["city"])
    for path in ("/", f"/regions/{DONGHAI}/"):
        assert client.get(path, params).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"counties-sort": "nonsense"},
        {"counties-sort": "-gap"},
        {"townships-sort": "__class__"},
        {"pilots-sort": "-tier"},
        {"year": " 2026 "},
    ],
)
def test_odd_sorting_and_spacing_in_the_url_still_show_the_page(client, users, world, params):
    client.force_login(users["city"])
    for path in ("/", f"/regions/{DONGHAI}/", f"/regions/{NIUSHAN}/"):
        assert client.get(path, params).status_code == 200


def test_it_says_so_when_a_plan_year_has_no_targets(client, users, world):
    empty = plan_year_create(year=2027)
    empty.rules.all().delete()
    client.force_login(users["city"])
    for path in ("/", f"/regions/{DONGHAI}/", f"/regions/{NIUSHAN}/"):
        response = client.get(path, {"year": 2027})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="no-targets"' in html
        assert "免于考核" not in html  # no region is called exempt
    townships = client.get(f"/regions/{DONGHAI}/", {"year": 2027}).context["tables"]["townships"]
    assert {row["status_label"] for row in townships.data} == {"本年度尚未设定指标"}
    export = client.get(f"/regions/{DONGHAI}/", {"year": 2027, "export": "headlines"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)[2:]
    assert {row[-1] for row in rows} == {"本年度尚未设定指标"}


def test_the_dashboards_ask_for_a_sign_in(client, world):
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_exports_a_table_as_xlsx_with_a_title_row(client, users, world):
    client.force_login(users["leader"])
    response = client.get(
        reverse("dashboards:region_detail", args=[DONGHAI]), {"export": "townships"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert "2026" in rows[0][0] and "东海县" in rows[0][0]
    header = rows[1]
    assert header[0] == "乡镇（街道）"
    niushan = next(row for row in rows[2:] if row[1] == NIUSHAN)
    assert niushan[2:6] == (2, 3, 1, 1)  # counted, target, still missing, proposed


def test_it_exports_every_table_of_the_overview_in_one_workbook(client, users, world):
    client.force_login(users["city"])
    response = client.get(reverse("dashboards:home"), {"export": "all"})
    workbook = load_workbook(io.BytesIO(response.content))
    # headlines, counties, 4 of the make-up, clusters, stations, demonstration units by unit
    # (no selection round in this world), cases, reports, reports by unit, pairings
    assert len(workbook.sheetnames) == 13
    assert workbook.sheetnames[:2] == ["主要指标", "各县区"]
    counties = workbook.worksheets[1]
    donghai = next(row for row in counties.values if row[1] == DONGHAI)
    assert donghai[2:8] == (15, 15, 0, 7, 8, 1)
    assert donghai[-1] == "差距较大"  # overall: its townships are behind


def test_the_overview_export_starts_with_the_headline_figures(client, users, world):
    client.force_login(users["city"])
    response = client.get(reverse("dashboards:home"), {"export": "all"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.values)
    assert rows[1] == (
        "指标",
        "每个地区的指标",
        "有指标的地区",
        "达标的地区",
        "计入指标的试点",
        "还差（家）",
        "拟推荐",
        "状态",
    )
    by_rule = {row[0]: row[1:] for row in rows[2:]}
    # City: 0 of 30 city-tier pilots. Counties: 东海县 meets 15, the six others lack 15 each.
    assert by_rule["全市市级试点"] == (30, 1, 0, 0, 30, 0, "差距较大")
    assert by_rule["各县区县级试点"] == (15, COUNTIES, 1, 15, 15 * 6, 0, "差距较大")
    assert by_rule["其中开发区内"] == (8, COUNTIES, 0, 7, 1 + 8 * 6, 0, "差距较大")
    # Townships: 石榴街道 exempt; 牛山街道 2 counted, 1 proposed; none meets its 3.
    townships = ADMINISTRATIVE_TOWNSHIPS - 1
    assert by_rule["各乡镇（街道）乡镇级试点"] == (
        3,
        townships,
        0,
        2,
        3 * townships - 2,
        1,
        "差距较大",
    )
    assert by_rule["三项指标均达标的县区"][1:3] == (COUNTIES, 0)


def test_the_county_export_starts_with_its_rules_and_overall_status(client, users, world):
    client.force_login(users["leader"])
    response = client.get(reverse("dashboards:region_detail", args=[DONGHAI]), {"export": "all"})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert 'filename="320722-2026-pilot-progress.xlsx"' in disposition
    assert "filename*=UTF-8''" + quote("东海县-2026-试点进度.xlsx") in disposition
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:3] == ["主要指标", "数量指标", "乡镇（街道）"]
    rows = {row[0]: row[1:] for row in list(workbook.worksheets[0].values)[2:]}
    assert rows["县级试点"][:6] == (15, 1, 1, 15, 0, 0)
    assert rows["其中开发区内"][:6] == (8, 1, 0, 7, 1, 0)
    townships = DONGHAI_ADMINISTRATIVE_TOWNSHIPS - 1
    assert rows["本县区各乡镇（街道）乡镇级试点"][:6] == (3, townships, 0, 2, 3 * townships - 2, 1)
    assert rows["总体（取三项中最差的一项）"][-1] == "差距较大"


def test_every_dashboard_sheet_has_a_bold_frozen_header_and_fitted_columns(client, users, world):
    client.force_login(users["city"])
    for path in ("/", f"/regions/{DONGHAI}/", f"/regions/{NIUSHAN}/"):
        workbook = load_workbook(io.BytesIO(client.get(path, {"export": "all"}).content))
        for sheet in workbook.worksheets:
            header = list(sheet[2])
            assert sheet.freeze_panes == "A3", sheet.title
            assert all(cell.font.b for cell in header if cell.value), sheet.title
            # A Chinese header counts double: "乡镇（街道）" is 12 Latin characters wide.
            for cell in header:
                if cell.value:
                    width = sheet.column_dimensions[cell.column_letter].width
                    assert width >= min(text_width(cell.value), 58), (sheet.title, cell.value)


# Query counts: the same number of queries with ten times the data ---------------------------


def grow(plan_year, factor: int) -> None:
    """Pilots in every tier across several counties and townships, clusters and stations."""
    townships = list(Region.objects.filter(level="township", parent__code__in=[DONGHAI, GUANNAN]))
    industry_codes = list(Industry.objects.values_list("code", flat=True))
    # New parks in both counties each time: the county page's park table grows too.
    parks = {
        code: [make_zone(code), make_zone(code, kind="industrial_park")]
        for code in (DONGHAI, GUANNAN)
    }
    pilots = []
    for index in range(6 * factor):
        township = townships[index % len(townships)]
        county_parks = parks[township.parent.code]
        pilots.append(
            make_pilot(
                plan_year,
                tier=["city", "county", "township"][index % 3],
                status=["confirmed", "proposed", "demonstration", "withdrawn"][index % 4],
                county=township.parent.code,
                township=township.code,
                industry=industry_codes[index % len(industry_codes)],
                park=county_parks[index % 2] if index % 5 else None,
            )
        )
    zone = make_zone(GUANNAN)
    for cluster in Cluster.objects.all():
        cluster.members.add(*[pilot.enterprise for pilot in pilots[::2]])
    station = GuidanceStation.objects.create(name=f"测试指导站{zone.pk}", park=zone)
    station.pilots.add(*pilots[::3])


PAGES = [
    "/",
    f"/regions/{DONGHAI}/",
    f"/regions/{NIUSHAN}/",
    "/?export=all",
    f"/regions/{DONGHAI}/?export=all",
    f"/regions/{NIUSHAN}/?export=all",
]


@pytest.mark.parametrize("role", ["county", "township", "leader"])
@pytest.mark.parametrize("path", PAGES)
def test_the_number_of_queries_does_not_grow_with_the_data(client, users, plan_year, path, role):
    """Every table (counties, townships, the county's pilots and parks, clusters, stations)
    grows tenfold; the queries stay the same, whoever looks (the links depend on the scope)."""
    client.force_login(users[role])
    grow(plan_year, 1)
    client.get(path)  # warm caches (content types, sessions) outside the measurement
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    grow(plan_year, 10)
    with CaptureQueriesContext(connection) as large:
        assert client.get(path).status_code == 200
    assert len(small) > 5
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # session, user, city, plan years (the selector's list and the year shown), 4 for the
        # quota rules and the make-up (rules, exceptions, regions, pilots grouped by place,
        # core-industry tag and sector: no list of industries), clusters, stations, the
        # header's region of the signed-in official, 5 for cases and media reports (cases by
        # status and by dimension, reports by month, the county-level units and their reports:
        # dashboards/promotion.py), 1 for the selection (the plan year's round, none here: the
        # demonstration units by county come with the quota rules' pilot counts), the
        # candidates of the city rule (dashboards/candidates.py), 3 for pairings (pairings with
        # their kind, status, dormancy and lead; the partners' ownership; small pilots paired:
        # dashboards/pairing.py), and 1 for the trends (pilots/snapshots.py).
        ("/", 22),
        # session, user, region, plan years, 4 for the quota rules and the make-up, the
        # county's pilots, its parks, clusters, stations, the header's region, 3 for cases
        # and media reports (cases by status and by dimension, reports by month), 1 for the
        # selection (the plan year's round, none here; its demonstration units come with the
        # quota rules' pilot counts), the candidates of its two rules (one aggregate), 3 for
        # pairings, 1 for trends.
        (f"/regions/{DONGHAI}/", 22),
        # session, user, region, plan years, 4 for the quota rule, its pilots, the header's
        # region, its candidates.
        (f"/regions/{NIUSHAN}/", 11),
    ],
)
def test_the_number_of_queries_is_pinned(client, users, world, path, queries):
    client.force_login(users["county"])
    client.get(path)  # content types and the like, cached for the process
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    assert len(captured) == queries, [query["sql"][:120] for query in captured]


# Clusters, stations and parks ---------------------------------------------------------------------


def test_it_counts_the_pilots_of_clusters_and_stations_of_the_plan_year(world):
    from clusters.selectors import cluster_pilot_counts, station_pilot_counts
    from pilots.models import Pilot
    from pilots.quotas import park_pilot_counts

    plan_year, previous = world["plan_year"], world["previous"]
    cluster = Cluster.objects.get(county__code=DONGHAI)
    in_zone = Pilot.objects.filter(plan_year=plan_year, enterprise__park=world["zone"])
    cluster.members.add(*[pilot.enterprise for pilot in in_zone])  # 7 counted pilots
    proposed = make_pilot(plan_year, tier="county", status="proposed", park=world["zone"])
    cluster.members.add(proposed.enterprise)
    old = make_pilot(previous, tier="county", park=world["zone"])  # another year: not counted
    cluster.members.add(old.enterprise)
    station = GuidanceStation.objects.create(name="测试指导站", park=world["zone"])
    station.pilots.add(*in_zone[:4], proposed, old)

    clusters = {c.name: c for c in cluster_pilot_counts(plan_year, within=region(DONGHAI))}
    assert list(clusters) == [cluster.name]
    row = clusters[cluster.name]
    assert (row.member_count, row.pilot_count, row.pipeline) == (9, 7, 1)
    assert cluster_pilot_counts(plan_year, within=region(GUANNAN)).get().pilot_count == 0
    stations = list(station_pilot_counts(plan_year, within=region("320700")))
    mine = next(s for s in stations if s.name == "测试指导站")
    assert (mine.pilot_count, mine.pipeline) == (4, 1)
    assert not station_pilot_counts(plan_year, within=region(GUANNAN)).filter(pk=station.pk)
    park = park_pilot_counts(plan_year, county=region(DONGHAI)).get(pk=world["zone"].pk)
    assert (park.pilot_count, park.county_tier_count, park.pipeline) == (7, 7, 1)


def test_the_export_follows_the_language_of_the_interface(client, users, world):
    client.force_login(users["city"])
    response = client.get(
        reverse("dashboards:region_detail", args=[DONGHAI]),
        {"export": "townships"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][0] == "Township or street"
    assert "plan year 2026" in rows[0][0] and "produced" in rows[0][0]


def test_a_city_page_is_the_overview_of_that_city(client, users, world):
    client.force_login(users["leader"])
    response = client.get(reverse("dashboards:region_detail", args=["320700"]))
    assert response.status_code == 200
    assert len(response.context["counties"]) == COUNTIES
    assert response.context["county_summary"].met_count == 1
