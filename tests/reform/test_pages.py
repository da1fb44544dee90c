"""Every page renders, in Chinese by default and in English on request."""

import pytest
from django.urls import reverse

from tests.builders import make_pilot

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def pages(users, plan_year):
    pilot = make_pilot(plan_year, tier="county")
    return [
        reverse("dashboards:home"),
        reverse("dashboards:region_detail", args=["320722"]),
        reverse("dashboards:region_detail", args=["320722001"]),
        reverse("pilots:pilot_list"),
        reverse("pilots:pilot_detail", args=[pilot.pk]),
        reverse("pilots:enterprise_list"),
        reverse("pilots:enterprise_detail", args=[pilot.enterprise.pk]),
        reverse("clusters:cluster_list"),
    ]


def test_every_page_renders_in_chinese_and_english(client, users, pages):
    client.force_login(users["city"])
    for url in pages:
        chinese = client.get(url)
        assert chinese.status_code == 200, url
        assert '<html lang="zh-hans">' in chinese.text, url
        assert "退出" in chinese.text, url  # the sign-out button
        english = client.get(url, **ENGLISH)
        assert english.status_code == 200, url
        assert '<html lang="en">' in english.text, url
        assert "Sign out" in english.text, url


def test_the_sign_in_page_renders_in_both_languages(client, db):
    assert "登录" in client.get("/accounts/login/").text
    assert "Sign in" in client.get("/accounts/login/", **ENGLISH).text


def test_the_home_page_shows_the_city_figure(client, users, plan_year):
    for _ in range(2):
        make_pilot(plan_year, tier="city", status="confirmed")
    make_pilot(plan_year, tier="city", status="proposed")
    make_pilot(plan_year, tier="city", status="withdrawn")
    client.force_login(users["leader"])
    response = client.get("/")
    city = response.context["city_row"]
    assert (city.count, city.target, city.pipeline, city.gap) == (2, 30, 1, 28)
    assert "还差 28 家" in response.text


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_language_switch_changes_the_language(client, users):
    client.force_login(users["city"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.text


def test_every_page_of_the_matrix_renders_in_both_languages(client, users, plan_year):
    """Every URL of the permission matrix that shows an administrator a page, in both languages."""
    from tests.matrix import all_cases, build_world

    world = build_world(plan_year)
    client.force_login(users["admin"])
    pages = 0
    for case in all_cases():
        if case["get"]["admin"] != 200:
            continue
        url = reverse(case["url"], args=case.get("args", lambda w: [])(world))
        for language, lang_attr, sign_out in (
            ("zh-hans", "zh-hans", "退出"),
            ("en", "en", "Sign out"),
        ):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, (url, language)
            if not response["Content-Type"].startswith("text/html"):
                break  # downloads and JSON answers: no page to look at
            text = response.content.decode()
            assert f'<html lang="{lang_attr}">' in text, (url, language)
            assert sign_out in text, (url, language)
        else:
            pages += 1
    assert pages >= 25  # the check really ran over the project's pages
