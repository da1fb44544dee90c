"""Ownership groups (DESIGN.md, "Classifications"): state-owned = 国有 and 国有控股 (with mixed
ownership the state controls); collective = 集体; non-public = everything else (with mixed
ownership the state does not control). Derived in one place, pilots.ownership."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from pilots.models import Enterprise
from pilots.ownership import group_case, group_of, group_q
from pilots.quotas import pilot_makeup
from reform.models import Industry
from tests.builders import make_enterprise, make_pilot, next_credit_code, region

pytestmark = pytest.mark.django_db

# Every kind, and what it is: (kind, state control, group).
KINDS = [
    ("state_owned", None, "state_owned"),
    ("state_controlled", None, "state_owned"),
    ("mixed", True, "state_owned"),
    ("collective", None, "collective"),
    ("mixed", False, "non_public"),
    ("private", None, "non_public"),
    ("foreign", None, "non_public"),
    ("hk_macao_taiwan", None, "non_public"),
    ("individual", None, "non_public"),
    ("other", None, "non_public"),
]


@pytest.mark.parametrize(("kind", "controls", "group"), KINDS)
def test_each_kind_has_its_group(kind, controls, group):
    assert group_of(kind, controls) == group


def test_the_database_expression_and_filter_agree_with_the_property(reference):
    made = {
        make_enterprise(ownership=kind, state_controls=controls).pk: group
        for kind, controls, group in KINDS
    }
    annotated = dict(Enterprise.objects.annotate(group=group_case()).values_list("pk", "group"))
    assert annotated == made
    for group in ("state_owned", "collective", "non_public"):
        assert set(Enterprise.objects.filter(group_q(group)).values_list("pk", flat=True)) == {
            pk for pk, of in made.items() if of == group
        }
    assert {e.pk: e.ownership_group for e in Enterprise.objects.all()} == made


def test_the_make_up_counts_the_three_groups(reference, plan_year):
    for kind, controls, _group in KINDS:
        make_pilot(plan_year, ownership=kind, state_controls=controls)
    make_pilot(plan_year, status="proposed", ownership="hk_macao_taiwan")
    make_pilot(plan_year, status="withdrawn", ownership="state_owned")
    makeup = pilot_makeup(plan_year)
    shares = {s.key: (s.count, s.pipeline, s.percent) for s in makeup.by_ownership}
    # 10 counted: 3 state-owned, 1 collective, 6 non-public; the proposed one is pipeline.
    assert shares == {
        "state_owned": (3, 0, 30),
        "collective": (1, 0, 10),
        "non_public": (6, 1, 60),
    }
    with translation.override("zh-hans"):
        labels = [str(s.label) for s in pilot_makeup(plan_year).by_ownership]
    assert labels == ["国有企业", "集体企业", "非公企业"]


# The model's rule ---------------------------------------------------------------------------------


def build(**fields) -> Enterprise:
    values = {
        "name": "连云港性质测试有限公司",
        "credit_code": next_credit_code(),
        "county": region("320722"),
        "industry": Industry.objects.get(code="3091"),
        "ownership": "private",
    }
    return Enterprise(**values | fields)


def test_mixed_ownership_needs_the_answer_and_other_kinds_have_none(reference):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            build(ownership="mixed").full_clean()
        assert error.value.message_dict == {
            "state_controls": [
                "Say whether the state controls this mixed-ownership enterprise (yes or no)."
            ]
        }
        with pytest.raises(ValidationError) as error:
            build(ownership="private", state_controls=False).full_clean()
        assert list(error.value.message_dict) == ["state_controls"]
    build(ownership="mixed", state_controls=False).full_clean()


def test_the_database_refuses_mixed_ownership_without_an_answer(reference):
    with pytest.raises(IntegrityError), transaction.atomic():
        build(ownership="mixed").save()
    assert not Enterprise.objects.exists()


def test_the_label_says_whether_the_state_controls_a_mixed_enterprise(reference):
    with translation.override("zh-hans"):
        assert build(ownership="mixed", state_controls=True).ownership_label == (
            "混合所有制（国有控股）"
        )
        assert build(ownership="mixed", state_controls=False).ownership_label == (
            "混合所有制（非国有控股）"
        )
        assert build(ownership="individual").ownership_label == "个体"
        assert build(ownership="mixed", state_controls=True).get_ownership_group_display() == (
            "国有企业"
        )


# The form -----------------------------------------------------------------------------------------


def form_post(**changes) -> dict:
    return {
        "name": "连云港混改测试有限公司",
        "credit_code": next_credit_code(),
        "county": region("320722").pk,
        "township": region("320722001").pk,
        "park": "",
        "industry": "3091",
        "ownership": "mixed",
        "state_controls": "unknown",
        "employee_count": 150,
        "chain_position": "",
        "contact_name": "",
        "contact_phone": "",
        "address": "",
    } | changes


def test_the_form_asks_mixed_ownership_for_the_answer(as_user):
    url = reverse("pilots:enterprise_create")
    response = as_user("county").post(url, form_post())
    assert response.status_code == 200
    assert response.context["form"].errors["state_controls"] == [
        "混合所有制企业须注明是否国有资本控股（是或否）。"
    ]
    assert not Enterprise.objects.exists()
    assert as_user("county").post(url, form_post(state_controls="true")).status_code == 302
    assert Enterprise.objects.get().ownership_group == "state_owned"


def test_the_form_ignores_an_answer_given_for_another_kind(as_user):
    response = as_user("county").post(
        reverse("pilots:enterprise_create"), form_post(ownership="private", state_controls="true")
    )
    assert response.status_code == 302
    assert Enterprise.objects.get().state_controls is None


# Lists and exports --------------------------------------------------------------------------------


def test_the_lists_filter_by_ownership_group(as_user, plan_year):
    for kind, controls, _group in KINDS:
        make_pilot(plan_year, ownership=kind, state_controls=controls, name=f"{kind}{controls}企业")
    found = {}
    for group in ("state_owned", "collective", "non_public"):
        response = as_user("city").get(reverse("pilots:pilot_list"), {"ownership_group": group})
        found[group] = sorted(r.record.enterprise.name for r in response.context["table"].rows)
    assert found == {
        "state_owned": ["mixedTrue企业", "state_controlledNone企业", "state_ownedNone企业"],
        "collective": ["collectiveNone企业"],
        # Mixed ownership the state does not control is non-public.
        "non_public": sorted(
            ["mixedFalse企业"]
            + [
                f"{kind}None企业"
                for kind in ("private", "foreign", "hk_macao_taiwan", "individual", "other")
            ]
        ),
    }


def test_the_export_shows_kind_answer_and_group(as_user, reference):
    make_enterprise(ownership="mixed", state_controls=False, name="混改企业有限公司")
    response = as_user("city").get(reverse("pilots:enterprise_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, values = rows[0], rows[1]
    record = dict(zip(header, values, strict=True))
    assert (record["企业性质"], record["国有资本是否控股"], record["所有制类别"]) == (
        "混合所有制",
        "否",
        "非公企业",
    )
