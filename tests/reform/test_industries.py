"""Finding the GB/T 4754-2017 entry a typed text names (reform.industries)."""

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import translation

from reform.industries import IndustryError, Matcher, synonym_conflict
from reform.models import Industry, IndustrySynonym


@pytest.fixture(autouse=True)
def english():
    """The messages checked here in English (the site's own language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def matcher(reference):
    return Matcher()


def code_of(matcher, text):
    found = matcher.match(text)
    return matcher.entries[found.industry_id].code if found.industry_id else None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("13", "13"),  # a division
        ("C13", "13"),  # with its section letter
        ("c13", "13"),
        ("１３", "13"),  # full-width digits
        ("1311", "1311"),  # a class
        ("C1311", "1311"),
        ("0142", "0142"),
        ("131", "131"),  # a group
        ("C", "C"),  # a section
        (" 13 ", "13"),
        ("农副食品加工业", "13"),  # the exact name
        ("农副食品加工", "13"),  # without the final 业
        ("稻谷加工业", "1311"),  # a 业 the standard does not write
        ("稻谷加工", "1311"),
        ("纺织服装、服饰业", "18"),
        ("三维(3D)打印技术推广服务", "7517"),  # half-width brackets fold like full-width
        ("其他农业", "0190"),  # group 019 and its only class share the name: the class
        ("1311 稻谷加工", "1311"),  # code and name, as the form shows a classed enterprise
    ],
)
def test_a_code_a_name_or_the_name_without_ye_finds_the_entry(matcher, text, code):
    assert code_of(matcher, text) == code


def test_a_name_nothing_matches_is_unclassified_with_the_closest_entries(matcher):
    found = matcher.match("水晶饰品加工")
    assert found.unclassified and found.industry_id is None
    assert 1 <= len(found.suggestions) <= 3
    assert all(entry.code in matcher.codes for entry in found.suggestions)
    # A text close to one name has that entry first.
    assert matcher.match("食用菌种殖").suggestions[0].code == "0142"
    # Nothing close, nothing suggested.
    assert matcher.match("zzzz").suggestions == []


def test_code_and_a_name_that_disagree_are_not_taken_on_trust(matcher):
    assert matcher.match("13 软件开发").unclassified


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("13.5", "“13.5” is a number with decimals"),
        ("1311.0", "is a number with decimals"),
        ("13,5", "is a number with decimals"),
        ("1398", "No entry of GB/T 4754-2017 has the code 1398."),
        ("99", "No entry of GB/T 4754-2017 has the code 99."),
        ("12345", "has the code 12345"),
        ("A13", "Code 13 lies in section C, not A."),
        ("Z", "No section of GB/T 4754-2017 has the letter Z"),
        ("154", "If Excel dropped a leading 0, write 0154"),
        ("5", "write 05"),
    ],
)
def test_a_code_naming_no_entry_or_a_decimal_number_is_a_clear_error(matcher, text, message):
    with pytest.raises(IndustryError) as error:
        matcher.match(text)
    assert message in str(error.value)


def test_an_administrators_synonym_is_found_and_a_second_meaning_is_refused(reference, users):
    crystal = Industry.objects.get(code="3099")
    IndustrySynonym.objects.create(text="水晶加工", industry=crystal)
    matcher = Matcher()
    assert code_of(matcher, "水晶加工") == "3099"
    assert code_of(matcher, " 水晶 加工 ") == "3099"  # compared without spaces
    rice = Industry.objects.get(code="1311")
    assert "already stands for 3099 其他非金属矿物制品制造" in synonym_conflict("水晶加工", rice.pk)
    assert "already a synonym" in synonym_conflict("水晶加工", crystal.pk)
    # The code or name of another entry cannot become a synonym either.
    assert "already the code or name of 04 渔业" in synonym_conflict("渔业", rice.pk)
    assert "has the code 1398" in synonym_conflict("1398", rice.pk)
    assert synonym_conflict("大米加工", rice.pk) is None


def test_the_admin_refuses_a_synonym_that_would_name_two_entries(client, reference, users):
    assert IndustrySynonym in site._registry
    IndustrySynonym.objects.create(text="水晶加工", industry=Industry.objects.get(code="3099"))
    client.force_login(users["admin"])
    response = client.post(
        reverse("admin:reform_industrysynonym_add"),
        {"text": "水晶加工", "industry": Industry.objects.get(code="1311").pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "already stands for 3099" in response.content.decode()
    assert IndustrySynonym.objects.count() == 1
    response = client.post(
        reverse("admin:reform_industrysynonym_add"),
        {"text": "大米加工", "industry": Industry.objects.get(code="1311").pk},
    )
    assert response.status_code == 302
    assert IndustrySynonym.objects.get(text="大米加工").key == "大米加工"


def test_matching_a_thousand_texts_costs_two_queries(reference, django_assert_num_queries):
    with django_assert_num_queries(2):
        matcher = Matcher()
        for number in range(1000):
            matcher.match(["13", "稻谷加工", "农副食品加工", "无此行业"][number % 4])


@pytest.mark.parametrize(
    ("text", "first", "never"),
    [
        # A local trade word: the entry with the most characters in common comes first, and an
        # entry sharing one character (工会, 盐加工 shares two) is not proposed at all.
        ("菌菇深加工", "食用菌加工", {"工会"}),
        ("医药中间体", None, {"医院", "体育"}),
        ("锂电池", "锂离子电池制造", set()),
        ("海产品加工", "水产品加工", set()),
        ("机械加工", "机械零部件加工", {"盐加工"}),
        ("物流", None, {"狩猎和捕捉动物"}),
    ],
)
def test_suggestions_share_characters_with_the_text(matcher, text, first, never):
    suggestions = matcher.match(text).suggestions
    names = [entry.name for entry in suggestions]
    if first is not None:
        assert names[0] == first, names
    assert not never & set(names), names
    assert len(names) == len(set(names))  # a division and its class of one name: once
