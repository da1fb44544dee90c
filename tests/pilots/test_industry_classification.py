"""Industries by GB/T 4754-2017 in the form, the import and the unclassified page (待归类)."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pilots.imports.headers import HEADERS
from pilots.industries import ClassifyError, classify_text
from pilots.models import Enterprise, ImportBatch
from pilots.quotas import pilot_makeup
from reform.models import Industry, IndustrySynonym
from tests.builders import make_enterprise, make_pilot, next_credit_code, region
from tests.pilots.import_files import row, use_test_settings, xlsx
from tests.pilots.test_registration import enterprise_post

pytestmark = pytest.mark.django_db

COLUMNS = ["name", "credit_code", "county", "township", "industry", "core_industry", "ownership"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def unclassified(text: str, **fields) -> Enterprise:
    return make_enterprise(industry=None, industry_text=text, core_industry="", **fields)


# -- the form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"), [("C13", "13"), ("稻谷加工业", "1311"), ("0142", "0142")]
)
def test_the_form_classes_an_enterprise_by_code_or_name(users, as_user, typed, code):
    response = as_user("city").post(
        reverse("pilots:enterprise_create"),
        enterprise_post(industry=typed, core_industry="new_materials"),
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(name="连云港新登记材料有限公司")
    assert (enterprise.industry.code, enterprise.industry_text) == (code, "")
    assert enterprise.core_industry == "new_materials"


def test_the_form_keeps_a_name_nothing_matches_and_says_it_is_unclassified(users, as_user):
    client = as_user("city")
    response = client.post(
        reverse("pilots:enterprise_create"), enterprise_post(industry="食用菌种殖"), follow=True
    )
    enterprise = Enterprise.objects.get(name="连云港新登记材料有限公司")
    assert enterprise.industry_id is None and enterprise.industry_text == "食用菌种殖"
    assert enterprise.is_unclassified and enterprise.sector is None
    text = response.content.decode()
    assert "国民经济行业分类中没有与“食用菌种殖”相符的条目" in text  # in the site language
    assert "0142 食用菌种植" in text  # the closest entry
    # Editing shows the text; classed, it shows code and name and saves unchanged.
    form = client.get(reverse("pilots:enterprise_edit", args=[enterprise.pk])).context["form"]
    assert form.initial["industry"] == "食用菌种殖"
    classed = make_enterprise(industry="1311")
    form = client.get(reverse("pilots:enterprise_edit", args=[classed.pk])).context["form"]
    assert form.initial["industry"] == "1311 稻谷加工"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("13.5", "“13.5”是带小数的数字"),
        ("1398", "国民经济行业分类中没有代码为 1398 的条目。"),
        ("", "这个字段是必填项。"),
    ],
)
def test_the_form_refuses_a_bad_code_and_saves_nothing(users, as_user, typed, message):
    response = as_user("city").post(
        reverse("pilots:enterprise_create"), enterprise_post(industry=typed)
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["industry"])
    assert not Enterprise.objects.exists()


# -- the import ----------------------------------------------------------------------------


def upload(client, rows) -> ImportBatch:
    data = io.BytesIO(xlsx(rows, columns=COLUMNS))
    data.name = "list.xlsx"
    response = client.post(reverse("pilots:import_upload"), {"file": data})
    assert response.status_code == 302, response.content[:300]
    return ImportBatch.objects.latest("pk")


def test_the_import_keeps_an_unmatched_industry_as_a_warning_and_refuses_bad_codes(
    users, plan_year
):
    client = client_for(users["county"])
    codes = [next_credit_code() for _ in range(6)]
    batch = upload(
        client,
        [
            row(name="代码企业", credit_code=codes[0], industry="C1311", core_industry="新材料"),
            row(name="去业企业", credit_code=codes[1], industry="农副食品加工"),
            row(name="土话企业", credit_code=codes[2], industry="水晶饰品加工"),
            row(name="小数企业", credit_code=codes[3], industry=13.5),
            row(name="无码企业", credit_code=codes[4], industry="1398"),
            row(name="标签企业", credit_code=codes[5], industry="13", core_industry="航天"),
        ],
    )
    page = client.get(batch.get_absolute_url())
    content = page.content.decode()
    # The unmatched name is a warning on Excel row 4, not an error; the three bad cells are.
    assert batch.rows_rejected == 3
    warnings = page.context["warnings"]
    assert [(w[0], w[3]) for w in warnings] == [(4, "水晶饰品加工")]
    assert "企业标为待归类" in warnings[0][4]
    assert 'id="import-warnings"' in content
    errors = {error[0]: error[4] for error in page.context["errors"]}
    assert "“13.5”是带小数的数字" in errors[5]
    assert errors[6] == "国民经济行业分类中没有代码为 1398 的条目。"
    assert "无法识别的核心产业" in errors[7]
    assert not Enterprise.objects.exists()

    client.post(reverse("pilots:import_confirm", args=[batch.pk]))
    made = {
        e.name: (e.industry.code if e.industry_id else None, e.industry_text, e.core_industry)
        for e in Enterprise.objects.select_related("industry")
    }
    assert made == {
        "代码企业": ("1311", "", "new_materials"),
        "去业企业": ("13", "", ""),
        "土话企业": (None, "水晶饰品加工", ""),
    }


def test_the_template_has_the_core_tag_dropdown_and_the_sheet_of_codes(users, plan_year):
    response = client_for(users["county"]).get(reverse("pilots:import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    core = headers.index(HEADERS["core_industry"]) + 1
    industry = headers.index(HEADERS["industry"]) + 1
    letter = sheet.cell(row=1, column=core).column_letter
    validation = next(
        v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(f"{letter}2")
    )
    column = validation.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    lists = workbook["lists"]
    tags = [lists[f"{column}{n}"].value for n in range(1, 6)]
    assert tags == ["石化", "新医药", "新材料", "新能源", "高端装备制造"]
    # The industry column is text (0111 keeps its zero) with no dropdown.
    assert sheet.cell(row=3, column=industry).number_format == "@"
    codes = workbook["行业代码"]
    rows = [tuple(cell.value for cell in r) for r in codes.iter_rows(min_row=2)]
    assert len(rows) == 97 + 1381  # divisions and classes
    assert ("13", "农副食品加工业", "大类") in rows and ("0111", "稻谷种植", "小类") in rows
    assert all(isinstance(code, str) for code, _name, _level in rows)
    help_rows = [[cell.value for cell in r] for r in workbook["填写说明"].iter_rows()]
    industry_help = next(r for r in help_rows if r[0] == HEADERS["industry"])[2]
    assert "代码或名称均可" in industry_help


# -- the unclassified page and mapping -----------------------------------------------------


def test_administrators_see_each_unclassified_text_with_its_count(users):
    for _ in range(3):
        unclassified("水晶饰品加工")
    unclassified("电商服务")
    make_enterprise()
    response = client_for(users["admin"]).get(reverse("pilots:industry_unclassified"))
    rows = [(r["text"], r["count"]) for r in response.context["rows"]]
    assert rows == [("水晶饰品加工", 3), ("电商服务", 1)]
    assert response.context["total"] == 4
    assert all(len(r["suggestions"]) <= 3 for r in response.context["rows"])
    for role in ("city", "county", "township", "leader", "reviewer"):
        assert (
            client_for(users[role]).get(reverse("pilots:industry_unclassified")).status_code == 403
        )


def test_the_unclassified_page_costs_the_same_queries_with_more_texts(
    users, django_assert_max_num_queries
):
    client = client_for(users["admin"])
    url = reverse("pilots:industry_unclassified")
    for number in range(3):
        unclassified(f"本地行业{number}")
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for number in range(3, 60):
        unclassified(f"本地行业{number}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 25  # one bounded page
    assert client.get(url, {"per_page": "1000000"}).status_code == 200


def test_mapping_a_text_classes_every_enterprise_with_history_and_adds_the_synonym(users):
    crystal = [unclassified("水晶饰品加工") for _ in range(3)]
    other = unclassified("电商服务")
    client = client_for(users["admin"])
    response = client.post(
        reverse("pilots:industry_classify"),
        {"text": "水晶饰品加工", "industry": "3099"},
        follow=True,
    )
    assert "已归类 3 家企业" in response.content.decode()
    for enterprise in crystal:
        enterprise.refresh_from_db()
        assert (enterprise.industry.code, enterprise.industry_text) == ("3099", "")
        assert enterprise.version == 2
        last = enterprise.history.first()
        assert last.history_user == users["admin"]
        assert "水晶饰品加工" in last.history_change_reason
    other.refresh_from_db()
    assert other.is_unclassified
    assert IndustrySynonym.objects.get().industry.code == "3099"
    # The next form finds it by itself.
    client.post(
        reverse("pilots:enterprise_create"),
        enterprise_post(industry="水晶饰品加工", name="后来的水晶企业有限公司"),
    )
    assert Enterprise.objects.get(name="后来的水晶企业有限公司").industry.code == "3099"


def test_mapping_a_text_to_a_second_entry_is_refused_and_changes_nothing(users):
    IndustrySynonym.objects.create(text="水晶饰品加工", industry=Industry.objects.get(code="3099"))
    stray = unclassified("水晶饰品加工")  # typed before the synonym existed
    with pytest.raises(ClassifyError, match="已对应 3099"):
        classify_text(text="水晶饰品加工", industry=Industry.objects.get(code="1311"), user=None)
    client = client_for(users["admin"])
    response = client.post(
        reverse("pilots:industry_classify"),
        {"text": "水晶饰品加工", "industry": "1311"},
        follow=True,
    )
    assert "已对应 3099" in response.content.decode()
    stray.refresh_from_db()
    assert stray.is_unclassified and stray.history.count() == 1
    assert IndustrySynonym.objects.count() == 1
    # Mapping it to the entry it already stands for classes the stray enterprise.
    assert classify_text(text="水晶饰品加工", industry=Industry.objects.get(code="3099"), user=None)
    stray.refresh_from_db()
    assert stray.industry.code == "3099"


@pytest.mark.parametrize(
    ("target", "message"),
    [("无此行业", "没有代码或名称为“无此行业”的条目"), ("13.5", "带小数")],
)
def test_mapping_to_something_that_is_no_entry_says_so(users, target, message):
    stray = unclassified("电商服务")
    response = client_for(users["admin"]).post(
        reverse("pilots:industry_classify"), {"text": "电商服务", "industry": target}, follow=True
    )
    assert message in response.content.decode()
    stray.refresh_from_db()
    assert stray.is_unclassified
    assert not IndustrySynonym.objects.exists()


# -- the dashboards' sector make-up ----------------------------------------------------------


def test_unclassified_pilots_are_their_own_slice_of_the_sector_makeup(users, plan_year):
    make_pilot(plan_year, industry="0111", core_industry="")  # primary
    make_pilot(plan_year, industry="0541", core_industry="")  # 05: tertiary
    make_pilot(plan_year, industry="1311")  # secondary, tagged 新材料
    for _ in range(2):
        make_pilot(
            plan_year, enterprise=unclassified("电商服务", county="320722", township="320722001")
        )
    makeup = pilot_makeup(plan_year, within=region("320722"))
    sectors = {share.key: share.count for share in makeup.by_sector}
    assert sectors == {"primary": 1, "secondary": 1, "tertiary": 1, "unclassified": 2}
    assert makeup.sectors_covered == 3
    assert [s.percent for s in makeup.by_sector] == [20, 20, 20, 40]
    industries = {share.key: share.count for share in makeup.by_industry}
    assert industries["new_materials"] == 1 and industries["other"] == 4
