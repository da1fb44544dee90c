"""The place rule on every write path: an enterprise's township and park lie in its county-level
unit (reform.places). Each path refuses with a message naming the township or park and the
county, and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from pilots import services
from pilots.models import Enterprise
from reform.models import Industry, Park
from reform.places import place_errors
from tests.builders import make_enterprise, next_credit_code, region

pytestmark = pytest.mark.django_db

DONGHAI, GUANNAN = "320722", "320724"
NIUSHAN, XIN_AN = "320722001", "320724100"  # 牛山街道 in 东海县, 新安镇 in 灌南县
PARK_MESSAGE_ZH = "园区东海高新技术产业开发区位于东海县，不在灌南县。"
TOWNSHIP_MESSAGE_ZH = "新安镇不在东海县。"


@pytest.fixture
def donghai_park(reference):
    return Park.objects.get(name="东海高新技术产业开发区")


# The rule itself ----------------------------------------------------------------------------------


def test_the_rule_names_the_park_its_county_and_the_enterprises_county(donghai_park):
    with translation.override("en"):
        assert place_errors(county=region(GUANNAN), park=donghai_park) == {
            "park": "The park 东海高新技术产业开发区 lies in 东海县, not in 灌南县."
        }
        assert place_errors(county=region(DONGHAI), township=region(XIN_AN)) == {
            "township": "新安镇 does not lie in 东海县."
        }
        assert place_errors(county=region(NIUSHAN)) == {
            "county": "牛山街道 is not a county-level unit."
        }
    with translation.override("zh-hans"):
        assert place_errors(county=region(GUANNAN), park=donghai_park) == {"park": PARK_MESSAGE_ZH}


def test_a_consistent_place_has_no_error(donghai_park):
    assert place_errors(county=region(DONGHAI), township=region(NIUSHAN), park=donghai_park) == {}
    assert place_errors(county=None, park=donghai_park) == {}


# The registration form ----------------------------------------------------------------------------


def form_post(**changes) -> dict:
    return {
        "name": "连云港地点测试有限公司",
        "credit_code": next_credit_code(GUANNAN),
        "county": region(GUANNAN).pk,
        "township": "",
        "park": "",
        "industry": "3091",
        "ownership": "private",
        "employee_count": 150,
        "chain_position": "",
        "contact_name": "",
        "contact_phone": "",
        "address": "",
    } | changes


def test_the_form_refuses_a_park_of_another_county_by_name(as_user, donghai_park):
    response = as_user("city").post(
        reverse("pilots:enterprise_create"), form_post(park=donghai_park.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["park"] == [PARK_MESSAGE_ZH]
    assert not Enterprise.objects.exists()


def test_the_form_refuses_a_township_of_another_county_by_name(as_user, reference):
    response = as_user("city").post(
        reverse("pilots:enterprise_create"),
        form_post(county=region(DONGHAI).pk, township=region(XIN_AN).pk),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["township"] == [TOWNSHIP_MESSAGE_ZH]
    assert not Enterprise.objects.exists()


def test_an_edit_moving_the_county_but_keeping_the_park_is_refused(as_user, donghai_park):
    enterprise = make_enterprise(county=DONGHAI, township=None, park=donghai_park)
    data = form_post(
        name=enterprise.name,
        credit_code=enterprise.credit_code,
        park=donghai_park.pk,
        version=1,
    )
    response = as_user("city").post(reverse("pilots:enterprise_edit", args=[enterprise.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["park"] == [PARK_MESSAGE_ZH]
    enterprise.refresh_from_db()
    assert (enterprise.county.code, enterprise.version) == (DONGHAI, 1)
    assert enterprise.history.count() == 1


# Services -----------------------------------------------------------------------------------------


def test_the_services_refuse_a_misplaced_park_and_write_nothing(users, donghai_park):
    fields = {
        "name": "连云港服务测试有限公司",
        "credit_code": next_credit_code(GUANNAN),
        "county": region(GUANNAN),
        "park": donghai_park,
        "industry": Industry.objects.get(code="3091"),
        "ownership": "private",
    }
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.enterprise_create(user=users["city"], fields=fields)
    assert error.value.message_dict == {"park": [PARK_MESSAGE_ZH]}
    assert not Enterprise.objects.exists()

    enterprise = make_enterprise(county=GUANNAN, township=None)
    with pytest.raises(ValidationError):
        services.enterprise_update(
            enterprise=enterprise, version=1, user=users["city"], fields={"park": donghai_park}
        )
    enterprise.refresh_from_db()
    assert (enterprise.park, enterprise.version) == (None, 1)


# The admin ----------------------------------------------------------------------------------------


def test_the_admin_refuses_a_park_of_another_county(client, users, donghai_park):
    client.force_login(users["admin"])
    data = form_post(park=donghai_park.pk, state_controls="unknown")
    response = client.post(reverse("admin:pilots_enterprise_add"), data)
    assert response.status_code == 200
    assert PARK_MESSAGE_ZH in response.content.decode()
    assert not Enterprise.objects.exists()


def test_the_admin_cannot_move_a_park_away_from_its_enterprises(client, users, donghai_park):
    make_enterprise(county=DONGHAI, park=donghai_park, name="园区里的企业有限公司")
    client.force_login(users["admin"])
    url = reverse("admin:reform_park_change", args=[donghai_park.pk])
    data = {
        "name": donghai_park.name,
        "kind": donghai_park.kind,
        "level": donghai_park.level,
        "county": region(GUANNAN).pk,
        "source": donghai_park.source,
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (
        "1 enterprise placed here lies in another county-level unit (园区里的企业有限公司); "
        "change its place first." in response.content.decode()
    )
    donghai_park.refresh_from_db()
    assert donghai_park.county.code == DONGHAI
    # Without enterprises in another county, the move is saved.
    Enterprise.objects.update(park=None)
    assert client.post(url, data).status_code == 302
    donghai_park.refresh_from_db()
    assert donghai_park.county.code == GUANNAN


def test_the_admin_cannot_move_a_township_away_from_its_enterprises(client, users, reference):
    make_enterprise(county=DONGHAI, township=NIUSHAN, name="牛山的企业有限公司")
    niushan = region(NIUSHAN)
    client.force_login(users["admin"])
    response = client.post(
        reverse("admin:reform_region_change", args=[niushan.pk]),
        {
            "code": "320724901",  # a township's code lies in its county's
            "name": niushan.name,
            "level": niushan.level,
            "kind": niushan.kind,
            "parent": region(GUANNAN).pk,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "1 enterprise placed here lies in another county-level unit" in (
        response.content.decode()
    )
    assert region(NIUSHAN).parent.code == DONGHAI


def test_a_park_cannot_move_away_from_the_pilots_its_station_looks_after(plan_year, donghai_park):
    from clusters.models import GuidanceStation
    from tests.builders import make_pilot

    station = GuidanceStation.objects.create(name="东海高新区产改指导站", park=donghai_park)
    station.pilots.add(make_pilot(plan_year, county=DONGHAI))
    donghai_park.county = region(GUANNAN)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        donghai_park.full_clean()
    assert error.value.message_dict == {
        "county": [
            "A guidance station of this park looks after 1 pilot of another county-level unit; "
            "take it off the station first."
        ]
    }
