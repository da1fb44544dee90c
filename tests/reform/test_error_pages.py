"""The pages people meet when something is wrong: in the site's layout, in the user's language,
with a way back; never Django's bare English pages. The tests run with DEBUG off (pytest-django)."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from reform import errors

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def in_layout(response) -> str:
    text = response.content.decode()
    assert '<header class="topbar">' in text and '<a class="brand" href="/start/">' in text
    assert 'id="error-home"' in text  # the way back to the home page
    return text


@pytest.fixture
def signed_in(users):
    client = Client()
    client.force_login(users["county"])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",
        "/regions/999999/",  # an unknown region code
        "/regions/abc/",
        "/regions/320722/?year=1999",  # an unknown plan year
        "/clusters/parks/999999/",
    ],
)
def test_an_unknown_address_gets_the_sites_404_page(signed_in, plan_year, url):
    assert settings.DEBUG is False
    response = signed_in.get(url)
    assert response.status_code == 404
    text = in_layout(response)
    assert "您访问的页面不存在" in text and '<html lang="zh-hans">' in text
    assert "全市总览" in text  # signed in: the navigation is there
    english = in_layout(signed_in.get(url, **ENGLISH))
    assert "This page does not exist" in english and '<html lang="en">' in english


@pytest.mark.django_db
def test_the_way_back_is_the_previous_page_of_this_site_only(signed_in, plan_year):
    inside = signed_in.get("/no-such-page/", HTTP_REFERER="http://testserver/pilots/")
    assert '<a class="button" href="http://testserver/pilots/" id="error-back">' in inside.text
    outside = signed_in.get("/no-such-page/", HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in outside.text and "error-back" not in outside.text


@pytest.mark.django_db
def test_a_refused_change_gets_the_sites_403_page(users, plan_year):
    leader = Client()
    leader.force_login(users["leader"])
    response = leader.get(reverse("pilots:enterprise_create"))
    assert response.status_code == 403
    assert "您没有这项操作的权限" in in_layout(response)
    english = leader.get(reverse("pilots:enterprise_create"), **ENGLISH)
    assert "You may not do this" in in_layout(english)


@pytest.mark.django_db
def test_a_form_refused_by_the_csrf_check_gets_a_page_of_the_site(users, plan_year):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["county"])
    response = client.post(reverse("pilots:enterprise_create"), {"name": "x"})
    assert response.status_code == 403
    text = in_layout(response)
    assert "表单未能提交" in text and "未保存任何内容" in text


@pytest.mark.django_db
def test_a_bad_host_gets_the_sites_400_page(plan_year):
    response = Client().get("/accounts/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    text = in_layout(response)
    assert "无法识别这个请求" in text


@pytest.mark.django_db
def test_an_exception_in_a_view_gets_the_sites_500_page(users, plan_year, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("forced for the test")

    monkeypatch.setattr("pilots.search_views.selectors.search_enterprises", broken)
    client = Client(raise_request_exception=False)
    client.force_login(users["county"])
    response = client.get("/pilots/search/", {"q": "x"}, **ENGLISH)
    assert response.status_code == 500
    text = in_layout(response)
    assert "Something went wrong on our side" in text and '<html lang="en">' in text
    assert "forced for the test" not in text and "Traceback" not in text


def test_the_500_page_needs_neither_the_database_nor_the_request_context():
    # No django_db mark: any database access here would fail the test.
    request = RequestFactory().get("/anything/", HTTP_REFERER="http://testserver/pilots/")
    with translation.override("zh-hans"):
        response = errors.server_error(request)
    assert response.status_code == 500
    text = response.content.decode()
    assert "系统出现了问题" in text and '<a class="brand" href="/start/">' in text
    assert 'href="http://testserver/pilots/"' in text  # the previous page, from the header only
    assert "lang-form" not in text  # the language switch needs the request: left out
