"""The admin pages of the models added here open, in both languages."""

import pytest
from django.urls import reverse

from clusters.models import ClusterMembership
from pilots.models import PilotPlan
from tests.builders import make_pilot


@pytest.mark.parametrize("model", [ClusterMembership, PilotPlan])
def test_admin_list_add_and_history_pages_open(client, users, plan_year, crystal, model):
    pilot = make_pilot(plan_year)
    crystal.members.add(pilot.enterprise)
    PilotPlan.objects.create(pilot=pilot, goals="目标")
    client.force_login(users["admin"])
    opts = model._meta
    record = model.objects.get()
    urls = [
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk]),
    ]
    for url in urls:
        for language in ("zh-hans", "en"):
            assert client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code == 200, url


def test_cluster_admin_shows_members_inline(client, users, plan_year, crystal):
    crystal.members.add(make_pilot(plan_year).enterprise)
    client.force_login(users["admin"])
    url = reverse("admin:clusters_cluster_change", args=[crystal.pk])
    assert client.get(url).status_code == 200
