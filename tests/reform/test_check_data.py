"""`manage.py check_data`: every record that breaks a rule of the models, by id, and exit 1.

The bad rows are put in the way hand-fixed data arrives: with .update() or with a database
constraint removed, past every clean().
"""

import io
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from clusters.models import GuidanceStation
from pilots.models import Enterprise, Pilot
from reform.creditcode import make_credit_code
from reform.models import Industry, Park, QuotaRule, Region, RegionQuota, User
from tests.builders import make_enterprise, make_pilot, region

DONGHAI, NIUSHAN, XIN_AN = "320722", "320722001", "320724100"
# The reference data (117 regions, 3 parks, 1971 GB/T 4754-2017 entries, 3 clusters), the plan
# year with its 4 rules, and the 7 named users (the reviewer's own county-level unit is no problem).
BASE_RECORDS = 117 + 3 + 1971 + 3 + 1 + 4 + 7


def check(language: str = "en") -> tuple[list[str], str | None]:
    """The lines the command writes, and its error (None when it found nothing)."""
    out = io.StringIO()
    try:
        call_command("check_data", language=language, stdout=out)
    except CommandError as error:
        return out.getvalue().splitlines(), str(error)
    return out.getvalue().splitlines(), None


@pytest.fixture
def two_pilots(users, plan_year):
    return [make_pilot(plan_year, name=f"检查企业{n}有限公司") for n in range(2)]


def test_clean_data_gives_one_line_and_exit_zero(two_pilots):
    assert check() == ([f"All {BASE_RECORDS + 4} records checked, no problems."], None)
    assert check("zh-hans") == ([f"已检查全部{BASE_RECORDS + 4}条记录，未发现问题。"], None)


def test_it_lists_enterprises_outside_their_county_with_their_ids(two_pilots):
    first, second = (pilot.enterprise for pilot in two_pilots)
    Enterprise.objects.filter(pk=first.pk).update(township=region(XIN_AN))
    Enterprise.objects.filter(pk=second.pk).update(
        park=Park.objects.get(name="连云港经济技术开发区")
    )
    lines, error = check()
    assert lines == [
        f"enterprise #{first.pk}: 检查企业0有限公司: 新安镇 does not lie in 东海县.",
        f"enterprise #{second.pk}: 检查企业1有限公司: The park 连云港经济技术开发区 lies in "
        "连云港经济技术开发区, not in 东海县.",
    ]
    assert error == f"2 problems found in {BASE_RECORDS + 4} records."
    zh_lines, _error = check("zh-hans")
    assert zh_lines[0] == f"企业 #{first.pk}: 检查企业0有限公司: 新安镇不在东海县。"


def test_it_lists_a_pilot_tier_no_scope_could_have_registered(users, plan_year):
    pilot = make_pilot(plan_year, tier="township", name="乡镇级企业有限公司")
    Enterprise.objects.filter(pk=pilot.enterprise_id).update(township=None)
    lines, error = check()
    assert lines == [
        f"pilot #{pilot.pk}: 乡镇级企业有限公司, 2026: a township-tier pilot needs an enterprise "
        "with a township."
    ]
    assert error.startswith("1 problem found")


def test_it_lists_regions_users_exceptions_and_parks_of_the_wrong_level(users, plan_year):
    niushan, shiliu = region(NIUSHAN), region("320722002")
    Region.objects.filter(pk=niushan.pk).update(parent=region("320700"))
    Region.objects.filter(pk=shiliu.pk).update(code="320724999")
    User.objects.filter(username="county").update(region=region("320722101"))
    User.objects.filter(username="leader").update(region=region(DONGHAI))
    exception = RegionQuota.objects.create(
        plan_year=plan_year, region=region(XIN_AN), rule=QuotaRule.Rule.COUNTY, exempt=True
    )
    park = Park.objects.get(name="东海高新技术产业开发区")
    Park.objects.filter(pk=park.pk).update(county=region("320722101"))
    lines, error = check()
    township = region("320722101").name
    assert lines == [
        f"region #{niushan.pk}: 牛山街道 (a township or street) lies in 连云港市, a city; a region "
        "of this level cannot lie in a region of that level.",
        f"region #{shiliu.pk}: The code 320724999 does not lie inside the code 320722 of its "
        "parent 东海县.",
        f"park #{park.pk}: The park 东海高新技术产业开发区 lies in {township}, which is not a "
        "county-level unit.",
        f"region quota exception #{exception.pk}: The exception for 新安镇 (a township or street) "
        "is on the rule “county-tier pilots in each county-level unit”, which is counted for "
        "each county-level unit.",
        f"user #{users['county'].pk}: county is a county official but has no county-level unit "
        "as region.",
        f"user #{users['leader'].pk}: leader has the region 东海县, but only county and township "
        "officials (and reviewers, a county-level unit) have a region.",
    ]
    assert error.startswith("6 problems found")


def test_it_lists_what_clean_fields_would_refuse(users, plan_year):
    enterprise = make_enterprise(name="待改企业有限公司")
    wrong_check = make_credit_code("91320722MA1XY0000")[:-1] + "0"
    if wrong_check == make_credit_code("91320722MA1XY0000"):
        wrong_check = wrong_check[:-1] + "1"
    Enterprise.objects.filter(pk=enterprise.pk).update(
        ownership="state", chain_position="middle", credit_code=wrong_check
    )
    Industry.objects.filter(code="04").update(name="")
    lines, _error = check()
    fishery = Industry.objects.get(code="04")
    expected_check = make_credit_code("91320722MA1XY0000")[-1]
    assert lines == [
        f"industry #{fishery.pk}: name: This field cannot be blank.",
        f"enterprise #{enterprise.pk}: 待改企业有限公司: {wrong_check}: The check character "
        f"(the last one) is wrong: it should be {expected_check}, not {wrong_check[-1]}. Look "
        "for a mistyped character.",
        f"enterprise #{enterprise.pk}: ownership: Value 'state' is not a valid choice.; chain "
        "position: Value 'middle' is not a valid choice.",
    ]


def test_it_lists_text_longer_than_its_column_where_the_database_keeps_it(users, plan_year):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL itself refuses text longer than its column.")
    enterprise = make_enterprise(name="待改企业有限公司")
    Enterprise.objects.filter(pk=enterprise.pk).update(contact_name="张" * 60)
    lines, _error = check()
    assert lines == [
        f"enterprise #{enterprise.pk}: contact name: Ensure this value has at most 50 characters "
        "(it has 60)."
    ]


def test_it_lists_a_station_looking_after_a_pilot_of_another_county(users, plan_year):
    park = Park.objects.get(name="东海高新技术产业开发区")
    station = GuidanceStation.objects.create(name="东海高新区产改指导站", park=park)
    pilot = make_pilot(plan_year, county="320724", township=None, name="灌南企业有限公司")
    station.pilots.add(pilot)
    lines, _error = check()
    assert lines == [
        f"guidance station #{station.pk}: 东海高新区产改指导站 looks after the pilot "
        "灌南企业有限公司 of 灌南县, outside its park's county-level unit 东海县."
    ]


@contextmanager
def constraints_removed(model, *names, unique_field=None):
    """The model's table without these constraints (and without the unique index of
    `unique_field`) while the block runs; the block must leave data that fits them again.

    SQLite rebuilds a table from the model's options to drop a constraint, so the options
    leave them out meanwhile.
    """
    meta = model._meta
    original = list(meta.constraints)
    removed = [c for c in original if c.name in names]
    meta.constraints = [c for c in original if c.name not in names]
    unique = loose = None
    if unique_field:
        unique = meta.get_field(unique_field)
        loose = unique.clone()
        loose.set_attributes_from_name(unique_field)
        loose.model, loose._unique = model, False
    try:
        with connection.schema_editor() as editor:
            for constraint in removed:
                editor.remove_constraint(model, constraint)
            if unique:
                editor.alter_field(model, unique, loose)
        yield
    finally:
        meta.constraints = original
        with connection.schema_editor() as editor:
            if unique:
                editor.alter_field(model, loose, unique)
            for constraint in removed:
                editor.add_constraint(model, constraint)


@pytest.mark.django_db(transaction=True)
def test_it_lists_duplicates_and_missing_answers_the_database_would_refuse(users, plan_year):
    pilot = make_pilot(plan_year, name="重复企业有限公司")
    mixed = make_enterprise(name="混改企业有限公司", ownership="mixed", state_controls=True)
    with (
        constraints_removed(Pilot, "one_pilot_per_enterprise_and_year"),
        constraints_removed(
            Enterprise, "enterprise_state_control_only_for_mixed", unique_field="credit_code"
        ),
    ):
        try:
            twin = Pilot.objects.create(
                enterprise=pilot.enterprise, plan_year=plan_year, tier="city", status="confirmed"
            )
            Enterprise.objects.filter(pk=mixed.pk).update(state_controls=None)
            again = make_enterprise(name="又登记一次有限公司", credit_code=mixed.credit_code)
            lines, error = check()
            code = mixed.credit_code
            assert lines == [
                f"enterprise #{mixed.pk}: 混改企业有限公司: the credit code {code} is also the "
                f"code of enterprise #{again.pk}.",
                f"enterprise #{again.pk}: 又登记一次有限公司: the credit code {code} is also the "
                f"code of enterprise #{mixed.pk}.",
                f"enterprise #{mixed.pk}: 混改企业有限公司: Say whether the state controls this "
                "mixed-ownership enterprise (yes or no).",
                f"pilot #{pilot.pk}: 重复企业有限公司 has more than one pilot in 2026 (also "
                f"#{twin.pk}); it would be counted twice.",
                f"pilot #{twin.pk}: 重复企业有限公司 has more than one pilot in 2026 (also "
                f"#{pilot.pk}); it would be counted twice.",
            ]
            assert error.startswith("5 problems found")
        finally:
            Pilot.objects.filter(pk__gt=pilot.pk).delete()
            Enterprise.objects.filter(name="又登记一次有限公司").delete()
            Enterprise.objects.filter(pk=mixed.pk).update(state_controls=True)
