import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from pilots.models import Enterprise, Pilot
from tests.builders import make_enterprise, make_zone, next_credit_code, region


def build_enterprise(**overrides) -> Enterprise:
    from reform.models import Industry

    values = {
        "name": "连云港恒华新材料有限公司",
        "credit_code": next_credit_code(),
        "county": region("320722"),
        "township": region("320722001"),
        "industry": Industry.objects.get(code="3091"),
        "ownership": Enterprise.Ownership.PRIVATE,
        "employee_count": 150,
    }
    values.update(overrides)
    return Enterprise(**values)


def test_a_valid_enterprise_passes_clean(reference):
    build_enterprise().full_clean()


def test_it_rejects_a_township_outside_the_county(reference):
    enterprise = build_enterprise(township=region("320724100"))  # 新安镇 lies in 灌南县
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        enterprise.full_clean()
    assert error.value.message_dict["township"] == ["新安镇不在东海县。"]
    assert not Enterprise.objects.exists()


def test_it_rejects_a_park_outside_the_county(reference):
    zone = make_zone("320724", name="灌南测试开发区")
    with pytest.raises(ValidationError) as error:
        build_enterprise(park=zone).full_clean()
    assert "park" in error.value.message_dict


def test_it_rejects_a_wrong_credit_code_with_a_message(reference):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        build_enterprise(credit_code="91440300708461136A").full_clean()
    assert "should be T, not A" in error.value.message_dict["credit_code"][0]


def test_credit_codes_are_unique(reference):
    make_enterprise(credit_code="91440300708461136T")
    with pytest.raises(ValidationError) as error:
        build_enterprise(credit_code="91440300708461136t").full_clean()
    assert "credit_code" in error.value.message_dict


def test_one_pilot_per_enterprise_and_year_with_a_clear_message(reference, plan_year):
    enterprise = make_enterprise()
    Pilot.objects.create(enterprise=enterprise, plan_year=plan_year, tier="county")
    duplicate = Pilot(enterprise=enterprise, plan_year=plan_year, tier="city")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "该企业在本年度已有试点。" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Pilot.objects.count() == 1


def test_the_same_enterprise_may_be_a_pilot_in_another_year(reference, plan_year):
    from reform.services import plan_year_create

    enterprise = make_enterprise()
    Pilot.objects.create(enterprise=enterprise, plan_year=plan_year, tier="county")
    Pilot.objects.create(enterprise=enterprise, plan_year=plan_year_create(year=2025), tier="city")
    assert enterprise.pilots.count() == 2


def test_a_township_tier_pilot_needs_a_township(reference, plan_year):
    enterprise = make_enterprise(township=None)
    with pytest.raises(ValidationError) as error:
        Pilot(enterprise=enterprise, plan_year=plan_year, tier="township").full_clean()
    assert "tier" in error.value.message_dict


def test_a_county_official_needs_a_county(reference):
    from reform.models import User

    user = User(username="x", role=User.Role.COUNTY, region=region("320722001"))
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert "region" in error.value.message_dict
    User(username="y", role=User.Role.COUNTY, region=region("320722")).clean()
