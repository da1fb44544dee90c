"""The pilot page lists the pilot's cases and the media reports about it."""

import pytest

from promotion.models import Case
from tests.promotion.builders import make_case, make_report

pytestmark = pytest.mark.django_db


def test_the_pilot_page_lists_its_cases_and_reports(
    client, users, plan_year, niushan_pilot, guannan_pilot
):
    mine = make_case(plan_year, [niushan_pilot], title="牛山的草稿")
    # A city case about two counties: a draft the county official may not open.
    shared = make_case(plan_year, [niushan_pilot, guannan_pilot], title="两县的草稿")
    published = make_case(
        plan_year, [niushan_pilot, guannan_pilot], title="两县的经验", status=Case.Status.PUBLISHED
    )
    make_report(pilots=[niushan_pilot], title="直接报道")
    make_report(cases=[published], title="经由案例的报道")
    make_report(pilots=[guannan_pilot], title="别家的报道")

    client.force_login(users["county"])
    response = client.get(niushan_pilot.get_absolute_url())
    panel = next(p for p in response.context["panels"] if p["key"] == "promotion")["context"]
    assert [c.title for c in panel["cases"]] == sorted(
        [mine.title, published.title], key=[c.title for c in panel["cases"]].index
    )
    assert {c.title for c in panel["cases"]} == {"牛山的草稿", "两县的经验"}
    assert shared.title not in response.content.decode()
    assert {r.title for r in panel["reports"]} == {"直接报道", "经由案例的报道"}
    page = response.content.decode()
    assert 'id="pilot-promotion"' in page and "直接报道" in page
    assert f"?pilot={niushan_pilot.pk}" in page  # write a case about this pilot


def test_readers_get_the_panel_without_the_write_button(client, users, plan_year, niushan_pilot):
    client.force_login(users["leader"])
    page = client.get(niushan_pilot.get_absolute_url()).content.decode()
    assert "这家试点企业还没有案例。" in page
    assert f"?pilot={niushan_pilot.pk}" not in page
