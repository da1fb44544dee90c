"""Registering and editing enterprises and pilots: scope, credit codes, duplicates, locking."""

import pytest
from django.urls import reverse

from pilots import services
from pilots.forms import EnterpriseForm
from pilots.models import Enterprise, Pilot
from reform.models import Industry
from reform.scopes import scope_for
from tests.builders import make_enterprise, make_pilot, next_credit_code, region

pytestmark = pytest.mark.django_db


def enterprise_post(**changes) -> dict:
    data = {
        "name": "连云港新登记材料有限公司",
        "credit_code": next_credit_code("320722"),
        "county": region("320722").pk,
        "township": region("320722001").pk,
        "park": "",
        "industry": "3091",
        "ownership": "private",
        "employee_count": 150,
        "chain_position": "",
        "contact_name": "张三",
        "contact_phone": "13800000000",
        "address": "",
    }
    return data | changes


def test_city_staff_register_an_enterprise_and_the_history_says_who(users, as_user, plan_year):
    response = as_user("city").post(reverse("pilots:enterprise_create"), enterprise_post())
    enterprise = Enterprise.objects.get(name="连云港新登记材料有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("pilots:pilot_create", args=[enterprise.pk])
    record = enterprise.history.get()
    assert record.history_type == "+"
    assert record.history_user == users["city"]


def test_it_rejects_a_tampered_post_moving_an_enterprise_into_another_county(as_user, users):
    enterprise = make_enterprise(county="320722", township="320722001")
    data = enterprise_post(
        name=enterprise.name,
        credit_code=enterprise.credit_code,
        county=region("320724").pk,
        township="",
        version=1,
    )
    response = as_user("county").post(reverse("pilots:enterprise_edit", args=[enterprise.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["county"]
    enterprise.refresh_from_db()
    assert enterprise.county.code == "320722"
    assert enterprise.history.count() == 1


def test_the_form_itself_refuses_a_place_outside_the_scope_even_with_a_valid_choice(users):
    # A township official choosing a township of their own county that is not theirs.
    other_township = region("320722").children.exclude(code="320722001").first()
    form = EnterpriseForm(
        data=enterprise_post(township=other_township.pk), scope=scope_for(users["township"])
    )
    assert not form.is_valid()
    assert "township" in form.errors


def test_choices_narrow_to_the_scope(users):
    county_form = EnterpriseForm(scope=scope_for(users["county"]))
    assert {r.code for r in county_form.fields["county"].queryset} == {"320722"}
    townships = county_form.fields["township"].queryset
    assert townships.exists()
    assert all(r.parent.code == "320722" for r in townships)
    assert all(p.county.code == "320722" for p in county_form.fields["park"].queryset)
    township_form = EnterpriseForm(scope=scope_for(users["township"]))
    assert [r.code for r in township_form.fields["township"].queryset] == ["320722001"]
    # The menus offer the chosen county's townships only (here the scope's county).
    offered = [value for value, _label in county_form.fields["township"].choices if value]
    assert sorted(offered) == sorted(townships.values_list("pk", flat=True))


def test_a_county_official_may_not_register_a_city_tier_pilot(as_user, plan_year):
    enterprise = make_enterprise(county="320722")
    url = reverse("pilots:pilot_create", args=[enterprise.pk])
    page = as_user("county").get(url)
    assert [value for value, _ in page.context["form"].fields["tier"].choices] == [
        "county",
        "township",
    ]
    response = as_user("county").post(
        url, {"plan_year": plan_year.pk, "tier": "city", "status": "confirmed"}
    )
    assert response.status_code == 200
    assert "tier" in response.context["form"].errors
    assert not Pilot.objects.exists()


def test_a_township_official_registers_township_tier_pilots_only(as_user, plan_year):
    enterprise = make_enterprise(county="320722", township="320722001")
    url = reverse("pilots:pilot_create", args=[enterprise.pk])
    response = as_user("township").post(
        url, {"plan_year": plan_year.pk, "tier": "county", "status": "confirmed"}
    )
    assert "tier" in response.context["form"].errors
    response = as_user("township").post(
        url, {"plan_year": plan_year.pk, "tier": "township", "status": "confirmed"}
    )
    assert response.status_code == 302
    assert Pilot.objects.get().tier == "township"


def test_a_second_pilot_in_the_same_plan_year_is_refused_beside_the_field(as_user, plan_year):
    pilot = make_pilot(plan_year, tier="county")
    response = as_user("city").post(
        reverse("pilots:pilot_create", args=[pilot.enterprise.pk]),
        {"plan_year": plan_year.pk, "tier": "city", "status": "proposed"},
    )
    assert response.status_code == 200
    assert "plan_year" in response.context["form"].errors
    assert Pilot.objects.count() == 1


def test_a_known_credit_code_offers_the_existing_enterprise(as_user, plan_year):
    existing = make_enterprise(county="320722")
    response = as_user("county").post(
        reverse("pilots:enterprise_create"), enterprise_post(credit_code=existing.credit_code)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("pilots:pilot_create", args=[existing.pk]) in html
    assert Enterprise.objects.count() == 1


def test_a_known_credit_code_in_another_county_does_not_reveal_the_enterprise(as_user):
    existing = make_enterprise(county="320724", township=None, name="灌南秘密企业有限公司")
    response = as_user("county").post(
        reverse("pilots:enterprise_create"), enterprise_post(credit_code=existing.credit_code)
    )
    html = response.content.decode()
    assert "credit_code" in response.context["form"].errors
    assert "灌南秘密企业有限公司" not in html
    assert reverse("pilots:enterprise_detail", args=[existing.pk]) not in html


def test_a_bad_credit_code_is_shown_beside_its_field_in_chinese(as_user):
    code = next_credit_code("320722")
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = as_user("city").post(
        reverse("pilots:enterprise_create"), enterprise_post(credit_code=bad)
    )
    html = response.content.decode()
    field = html.split('id="field-credit_code"')[1].split('id="field-name"')[0]
    assert 'class="errorlist"' in field
    assert "校验码" in field
    assert not Enterprise.objects.exists()


def test_a_similar_name_warns_but_does_not_block(as_user):
    make_enterprise(county="320722", name="连云港恒瑞医药股份有限公司")
    response = as_user("city").post(
        reverse("pilots:enterprise_create"),
        enterprise_post(name="恒瑞医药"),
        follow=True,
    )
    assert Enterprise.objects.filter(name="恒瑞医药").exists()
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert any("连云港恒瑞医药股份有限公司" in w for w in warnings)


def test_names_with_script_tags_are_shown_as_text(as_user, plan_year):
    pilot = make_pilot(plan_year, name="<script>alert(1)</script>有限公司")
    for url in (
        reverse("pilots:pilot_detail", args=[pilot.pk]),
        reverse("pilots:pilot_list"),
        reverse("pilots:enterprise_detail", args=[pilot.enterprise.pk]),
    ):
        html = as_user("city").get(url).content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)" in html


def test_the_second_of_two_concurrent_edits_is_refused_and_nothing_is_overwritten(
    as_user, plan_year
):
    enterprise = make_enterprise(county="320722", township="320722001", name="原名有限公司")
    url = reverse("pilots:enterprise_edit", args=[enterprise.pk])
    base = enterprise_post(credit_code=enterprise.credit_code, version=1)
    first = as_user("city").post(url, base | {"name": "甲改的名称有限公司"})
    assert first.status_code == 302
    second = as_user("county").post(url, base | {"name": "乙改的名称有限公司"}, follow=True)
    enterprise.refresh_from_db()
    assert enterprise.name == "甲改的名称有限公司"
    assert enterprise.version == 2
    errors = [str(m) for m in second.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1


def test_the_service_refuses_a_stale_version(users, plan_year):
    pilot = make_pilot(plan_year, tier="county", status="proposed")
    services.pilot_set_status(pilot=pilot, status="confirmed", version=1, user=users["city"])
    stale = Pilot.objects.get(pk=pilot.pk)
    with pytest.raises(services.StaleEditError):
        services.pilot_update(pilot=stale, version=1, user=users["admin"], fields={"tier": "city"})
    pilot.refresh_from_db()
    assert (pilot.tier, pilot.status, pilot.version) == ("county", "confirmed", 2)


def test_withdrawing_keeps_the_pilot_and_records_the_change(as_user, users, plan_year):
    pilot = make_pilot(plan_year, tier="county", status="confirmed")
    response = as_user("county").post(
        reverse("pilots:pilot_status", args=[pilot.pk]), {"status": "withdrawn", "version": 1}
    )
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert pilot.status == "withdrawn"
    latest = pilot.history.order_by("-history_date").first()
    assert latest.history_user == users["county"]
    assert latest.prev_record.status == "confirmed"


def test_the_status_view_answers_post_only(as_user, plan_year):
    pilot = make_pilot(plan_year)
    assert as_user("city").get(reverse("pilots:pilot_status", args=[pilot.pk])).status_code == 405


def test_the_detail_page_shows_who_changed_which_field_from_what_to_what(as_user, users, plan_year):
    pilot = make_pilot(plan_year, tier="county", status="proposed")
    services.pilot_set_status(pilot=pilot, status="confirmed", version=1, user=users["county"])
    html = as_user("city").get(reverse("pilots:pilot_detail", args=[pilot.pk])).content.decode()
    history = html.split('class="history"')[1]
    assert "county" in history  # the user's name
    assert "<del>拟推荐</del> → <ins>已确定</ins>" in history


def test_the_credit_code_check_answers_as_the_user_types(as_user):
    url = reverse("pilots:enterprise_check")
    short = as_user("county").get(url, {"code": "9132"}).json()["code"]
    assert short["valid"] is False and "18" in short["message"]
    fresh = as_user("county").get(url, {"code": next_credit_code()}).json()["code"]
    assert fresh["valid"] is True and "existing" not in fresh
    mine = make_enterprise(county="320722")
    known = as_user("county").get(url, {"code": mine.credit_code.lower()}).json()["code"]
    assert known["existing"]["url"] == mine.get_absolute_url()
    assert known["existing"]["register_url"] == reverse("pilots:pilot_create", args=[mine.pk])
    other = make_enterprise(county="320724", township=None)
    hidden = as_user("county").get(url, {"code": other.credit_code}).json()["code"]
    assert hidden["existing"] == {"in_scope": False, "county": "灌南县"}


def test_the_name_check_lists_similar_names(as_user):
    make_enterprise(county="320722", name="东海县晶华石英制品有限公司")
    url = reverse("pilots:enterprise_check")
    answer = as_user("city").get(url, {"name": "晶华石英制品"}).json()
    assert [s["name"] for s in answer["similar"]] == ["东海县晶华石英制品有限公司"]
    assert as_user("city").get(url, {"name": "完全不同的名字"}).json()["similar"] == []


def test_the_industry_check_names_the_entry_or_offers_the_closest(as_user):
    """As the user types: the GB/T 4754-2017 entry the form will save, or the closest entries
    to pick (each in the "code name" form the form reads back as that entry)."""
    url = reverse("pilots:enterprise_check")
    client = as_user("county")
    assert client.get(url, {"industry": "3091"}).json()["industry"] == {
        "match": "3091 石墨及碳素制品制造"
    }
    assert client.get(url, {"industry": "农副食品加工"}).json()["industry"]["match"] == (
        "13 农副食品加工业"
    )
    partial = client.get(url, {"industry": "石墨"}).json()["industry"]
    assert "3091 石墨及碳素制品制造" in partial["suggestions"]
    assert len(partial["suggestions"]) <= 5
    for label in partial["suggestions"]:  # picking one classes the enterprise as that entry
        assert client.get(url, {"industry": label}).json()["industry"] == {"match": label}
    nothing = client.get(url, {"industry": "完全无关的词语"}).json()["industry"]
    assert nothing == {"suggestions": []}
    wrong = client.get(url, {"industry": "9999"}).json()["industry"]
    assert "9999" in wrong["error"]
    assert client.get(url, {"industry": " "}).json()["industry"] == {}


def test_region_choices_narrow_to_the_county_and_the_scope(as_user):
    url = reverse("pilots:region_choices")
    donghai = as_user("county").get(url, {"county": region("320722").pk}).json()
    assert donghai["townships"] and all(
        region_name in {r.name for r in region("320722").children.all()}
        for region_name in (t["name"] for t in donghai["townships"])
    )
    guannan = as_user("county").get(url, {"county": region("320724").pk}).json()
    assert guannan == {"townships": [], "parks": []}
    mine = as_user("township").get(url, {"county": region("320722").pk}).json()
    assert [t["name"] for t in mine["townships"]] == [region("320722001").name]


def test_an_admin_edit_is_recorded_and_refuses_a_form_opened_before_it(as_user, users):
    enterprise = make_enterprise(county="320722", township="320722001", name="管理员前名有限公司")
    data = enterprise_post(credit_code=enterprise.credit_code, name="管理员改名有限公司")
    data["industry"] = Industry.objects.get(code="3091").pk  # the admin chooses the entry
    response = as_user("admin").post(
        reverse("admin:pilots_enterprise_change", args=[enterprise.pk]), data
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.version) == ("管理员改名有限公司", 2)
    latest = enterprise.history.order_by("-history_id").first()
    assert latest.history_user == users["admin"]

    stale = enterprise_post(credit_code=enterprise.credit_code, name="县里改名有限公司", version=1)
    as_user("county").post(reverse("pilots:enterprise_edit", args=[enterprise.pk]), stale)
    enterprise.refresh_from_db()
    assert enterprise.name == "管理员改名有限公司"
