"""The admin is titled as the site, in its colours, and explains the quota exceptions."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, users, plan_year):
    client.force_login(users["admin"])
    return client


def test_the_admin_is_titled_as_the_site_in_both_languages(admin_client):
    chinese = admin_client.get(reverse("admin:index")).text
    header = '<div id="site-name"><a href="/admin/">产改试点企业管理平台 · 系统管理</a></div>'
    assert header in chinese
    assert "<title>系统管理 | 产改试点系统管理</title>" in chinese
    assert "/static/css/admin.css" in chinese
    assert 'href="/start/"' in chinese  # "view site" leads to the user's own start page
    english = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").text
    assert "Reform Pilot Enterprise Platform · Administration" in english
    assert "Django administration" not in english and "Django site admin" not in english


def test_the_admin_style_sheet_uses_the_sites_red(admin_client):
    response = admin_client.get("/static/css/admin.css")
    css = b"".join(response.streaming_content).decode()
    assert "--header-bg: #b71c1c;" in css and "--primary: #b71c1c;" in css


def test_the_exception_pages_explain_where_exemptions_and_own_minimums_come_from(
    admin_client, plan_year
):
    listing = admin_client.get(reverse("admin:reform_regionquota_changelist")).text
    assert 'id="admin-explanation"' in listing
    for text in ("免于考核", "0 家即达标，显示为 0 / 0", "4xx", "默认免于乡镇指标"):
        assert text in listing, text
    adding = admin_client.get(reverse("admin:reform_regionquota_add")).text
    assert "0 家即达标" in adding and "设置依据" in adding
    year = admin_client.get(reverse("admin:reform_planyear_change", args=[plan_year.pk])).text
    for text in ("四条指标", "不少于 30 家", "不少于 15 家", "不少于 8 家", "不少于 3 家"):
        assert text in year, text
