"""Empty tables outside the dashboards say what is missing ("暂无…"), never a blank table."""

import pytest
from django.urls import reverse

from clusters.models import Cluster, GuidanceStation
from tests.builders import make_enterprise, make_zone

pytestmark = pytest.mark.django_db

NOTHING = {"q": "没有这样的名称"}


def test_every_empty_list_says_what_is_missing(client, users, plan_year):
    zone = make_zone("320722", name="东海空表开发区")
    station = GuidanceStation.objects.create(name="东海空表指导站", park=zone)
    cluster = Cluster.objects.get(name="东海水晶产业集群")
    enterprise = make_enterprise(name="没有试点的企业")
    client.force_login(users["county"])
    expected = {
        reverse("pilots:pilot_list"): "暂无符合条件的试点。",
        reverse("pilots:enterprise_list"): "暂无符合条件的企业。",
        reverse("clusters:cluster_list"): "您的管辖范围内暂无产业集群。",
        reverse("clusters:station_list"): "您的管辖范围内暂无产改指导站。",
        reverse("clusters:park_list"): "您的管辖范围内暂无园区。",
        cluster.get_absolute_url(): "暂无符合条件的成员企业。",
        station.get_absolute_url(): "暂无符合条件的试点。",
        zone.get_absolute_url(): "本园区暂无您管辖范围内的企业。",
    }
    for url, message in expected.items():
        response = client.get(url, NOTHING)
        assert response.status_code == 200, url
        assert message in response.text, url
    assert "暂无导入记录。" in client.get(reverse("pilots:import_list")).text
    assert "暂无试点。" in client.get(enterprise.get_absolute_url()).text
