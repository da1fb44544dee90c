"""The Excel import keeps the model's rules: the place rule (a park and a township lie in the
enterprise's county-level unit) in the preview and again on confirmation, and the ownership
kinds with the state-control answer of mixed ownership."""

import gzip

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation

from pilots.imports import plan
from pilots.imports.apply import StalePreview, batch_apply
from pilots.imports.batches import batch_create
from pilots.models import Enterprise, ImportBatch
from reform.messages import render
from reform.models import Park
from reform.scopes import scope_for
from tests.builders import make_enterprise, next_credit_code, region
from tests.pilots.import_files import COLUMNS, row, use_test_settings, xlsx

WITH_PARK = [*COLUMNS, "park"]
WITH_CONTROL = [*COLUMNS, "state_controls"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


def upload(user, plan_year, data):
    with translation.override("zh-hans"):
        return batch_create(
            data=data, filename="list.xlsx", user=user, scope=scope_for(user), plan_year=plan_year
        )


def errors(batch):
    return [(e[0], e[1], render(e[4])) for e in plan.load_plan(batch)["errors"]]


# The place rule -----------------------------------------------------------------------------------


def test_a_row_naming_a_park_of_another_county_is_refused_by_name(users, plan_year):
    park = Park.objects.get(name="连云港经济技术开发区")
    data = xlsx([row(name="甲", credit_code=next_credit_code(), park=park.name)], columns=WITH_PARK)
    batch = upload(users["city"], plan_year, data)
    assert errors(batch) == [
        (2, "park", "园区连云港经济技术开发区位于连云港经济技术开发区，不在东海县。")
    ]
    assert batch.rows_rejected == 1


def test_a_park_of_the_county_is_accepted(users, plan_year):
    data = xlsx(
        [row(name="甲", credit_code=next_credit_code(), park="东海高新技术产业开发区")],
        columns=WITH_PARK,
    )
    batch = upload(users["city"], plan_year, data)
    assert errors(batch) == []
    batch_apply(batch=batch, user=users["city"], scope=scope_for(users["city"]))
    assert Enterprise.objects.get().park.name == "东海高新技术产业开发区"


def test_a_row_keeping_a_stored_township_of_another_county_is_refused(users, plan_year):
    # Data fixed by hand: 新安镇 lies in 灌南县, the enterprise in 东海县.
    enterprise = make_enterprise(county="320722", township="320722001", employee_count=100)
    Enterprise.objects.filter(pk=enterprise.pk).update(township=region("320724100"))
    columns = ["name", "credit_code", "county", "employee_count"]
    data = xlsx([{"name": "甲", "credit_code": enterprise.credit_code, "county": "东海县",
                  "employee_count": 200}], columns=columns)  # fmt: skip
    batch = upload(users["city"], plan_year, data)
    assert errors(batch) == [(2, "township", "新安镇不在东海县。")]
    enterprise.refresh_from_db()
    assert enterprise.employee_count == 100
    # Naming the right township in the row fixes it.
    data = xlsx([row(name="甲", credit_code=enterprise.credit_code, employee_count=200)])
    assert errors(upload(users["city"], plan_year, data)) == []


def test_confirm_refuses_a_row_whose_park_moved_since_the_preview(users, plan_year):
    park = Park.objects.get(name="东海高新技术产业开发区")
    code = next_credit_code()
    data = xlsx([row(name="甲", credit_code=code, park=park.name)], columns=WITH_PARK)
    batch = upload(users["city"], plan_year, data)
    assert errors(batch) == []
    Park.objects.filter(pk=park.pk).update(county=region("320724"))  # moved by hand
    with translation.override("zh-hans"), pytest.raises(StalePreview):
        batch_apply(batch=batch, user=users["city"], scope=scope_for(users["city"]))
    assert not Enterprise.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert errors(batch) == [(2, "park", "园区东海高新技术产业开发区位于灌南县，不在东海县。")]


# Ownership ----------------------------------------------------------------------------------------


def test_it_reads_the_ownership_kinds_as_people_write_them(users, plan_year):
    written = {
        "国有独资": ("state_owned", None),
        "国有控股": ("state_controlled", None),
        "集体企业": ("collective", None),
        "私营": ("private", None),
        "民营企业": ("private", None),
        "外资": ("foreign", None),
        "外商投资企业": ("foreign", None),
        "港澳台": ("hk_macao_taiwan", None),
        "台资": ("hk_macao_taiwan", None),
        "个体工商户": ("individual", None),
        "国有参股": ("mixed", False),
        "混合所有制（国有控股）": ("mixed", True),
    }
    codes = {word: next_credit_code() for word in written}
    rows = [
        row(name=f"企业{codes[word]}", credit_code=codes[word], ownership=word) for word in written
    ]
    batch = upload(users["city"], plan_year, xlsx(rows))
    assert errors(batch) == []
    batch_apply(batch=batch, user=users["city"], scope=scope_for(users["city"]))
    stored = {e.credit_code: (e.ownership, e.state_controls) for e in Enterprise.objects.all()}
    assert stored == {codes[word]: kind for word, kind in written.items()}


def test_a_legal_form_in_the_ownership_column_asks_for_the_owners(users, plan_year):
    """股份制 or 有限责任公司 says how a company is organised, not who owns it: the row says
    what to write instead; a word nothing knows gets the plain message."""
    rows = [
        row(name="股份制企业", credit_code=next_credit_code(), ownership="股份制"),
        row(name="有限公司企业", credit_code=next_credit_code(), ownership="有限责任公司"),
        row(name="乱写企业", credit_code=next_credit_code(), ownership="随便"),
    ]
    batch = upload(users["city"], plan_year, xlsx(rows))
    with translation.override("zh-hans"):
        found = errors(batch)
    assert [(number, field) for number, field, _message in found] == [
        (2, "ownership"),
        (3, "ownership"),
        (4, "ownership"),
    ]
    assert "“股份制”说明的是企业的组织形式" in found[0][2] and "国有控股" in found[0][2]
    assert "“有限责任公司”" in found[1][2]
    assert found[2][2] == "无法识别的企业性质，请从下拉列表中选择。"
    with translation.override("en"):
        assert "says how the enterprise is organised" in render(
            plan.load_plan(batch)["errors"][0][4]
        )


def test_mixed_ownership_needs_the_state_control_answer(users, plan_year):
    rows = [
        row(
            name="混改甲",
            credit_code=next_credit_code(),
            ownership="混合所有制",
            state_controls="是",
        ),
        row(
            name="混改乙",
            credit_code=next_credit_code(),
            ownership="混合所有制",
            state_controls="否",
        ),
        row(name="混改丙", credit_code=next_credit_code(), ownership="混合所有制"),
        row(name="民营丁", credit_code=next_credit_code(), ownership="民营", state_controls="是"),
        row(name="国有戊", credit_code=next_credit_code(), ownership="国有", state_controls="是"),
        row(
            name="混改己", credit_code=next_credit_code(), ownership="国有参股", state_controls="是"
        ),
    ]
    batch = upload(users["city"], plan_year, xlsx(rows, columns=WITH_CONTROL))
    assert errors(batch) == [
        (4, "state_controls", "混合所有制企业须注明是否国有资本控股（是或否）。"),
        (
            5,
            "state_controls",
            "该企业性质为民营，是否国有控股已由企业性质确定；本栏只适用于混合所有制企业。",
        ),
        (7, "state_controls", "与“企业性质”一栏（国有参股）矛盾。"),
    ]
    batch_apply(batch=batch, user=users["city"], scope=scope_for(users["city"]))
    stored = dict(Enterprise.objects.values_list("name", "state_controls"))
    # The answer to a kind that is not mixed is not stored: the kind says it.
    assert stored == {"混改甲": True, "混改乙": False, "国有戊": None}


def test_an_update_keeps_or_drops_the_answer_with_the_kind(users, plan_year):
    mixed = make_enterprise(ownership="mixed", state_controls=True)
    moved = make_enterprise(ownership="mixed", state_controls=True)
    rows = [
        row(name="仍混改", credit_code=mixed.credit_code, ownership="混合所有制"),
        row(name="改民营", credit_code=moved.credit_code, ownership="民营"),
    ]
    batch = upload(users["city"], plan_year, xlsx(rows))
    assert errors(batch) == []
    batch_apply(batch=batch, user=users["city"], scope=scope_for(users["city"]))
    mixed.refresh_from_db()
    moved.refresh_from_db()
    assert (mixed.ownership, mixed.state_controls) == ("mixed", True)
    assert (moved.ownership, moved.state_controls) == ("private", None)


def test_a_preview_planned_before_a_field_was_added_is_made_again(users, plan_year):
    batch = upload(users["city"], plan_year, xlsx([row(name="甲", credit_code=next_credit_code())]))
    # A plan written before the site learned a field has one value fewer in every row.
    items = list(plan.iter_plan(batch))
    for item in items:
        if isinstance(item, list):
            item[plan.R_VALUES] = item[plan.R_VALUES][:-1]
    lines = b"".join(plan.dumps_line(item) + b"\n" for item in items)
    default_storage.delete(batch.plan.name)
    default_storage.save(batch.plan.name, ContentFile(gzip.compress(lines)))
    with pytest.raises(StalePreview):
        batch_apply(batch=batch, user=users["city"], scope=scope_for(users["city"]))
    assert not Enterprise.objects.exists()
    batch.refresh_from_db()
    batch_apply(batch=batch, user=users["city"], scope=scope_for(users["city"]))
    assert Enterprise.objects.get().name == "甲"
