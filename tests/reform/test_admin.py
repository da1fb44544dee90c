"""Every model has an admin page an administrator can open, in both languages."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.builders import make_pilot


@pytest.fixture
def admin_client(client, users, plan_year):
    make_pilot(plan_year)
    client.force_login(users["admin"])
    return client


def test_every_registered_model_has_working_list_and_add_pages(admin_client):
    models = [
        m for m in admin.site._registry if m._meta.app_label in ("reform", "pilots", "clusters")
    ]
    assert {m.__name__ for m in models} >= {
        "Region",
        "Park",
        "Industry",
        "PlanYear",
        "RegionQuota",
        "User",
        "Enterprise",
        "Pilot",
        "Cluster",
        "GuidanceStation",
    }
    for model in models:
        opts = model._meta
        for view in ("changelist", "add"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
            for language in ("zh-hans", "en"):
                response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                assert response.status_code == 200, (url, language)


def test_a_plan_year_added_in_the_admin_gets_the_default_rules(admin_client):
    from reform.models import PlanYear

    response = admin_client.post(
        reverse("admin:reform_planyear_add"),
        {
            "year": "2030",
            "title": "2030年度",
            "rules-TOTAL_FORMS": "0",
            "rules-INITIAL_FORMS": "0",
            "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    rules = dict(PlanYear.objects.get(year=2030).rules.values_list("rule", "minimum"))
    assert rules == {"city": 30, "county": 15, "county_dev_zone": 8, "township": 3}


def test_leaders_and_city_staff_cannot_open_the_admin(client, users):
    for name in ("leader", "city", "county"):
        client.force_login(users[name])
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302, name
