"""The demo's cases and reports: every state, a year across outlets, a column and a programme."""

import io
from collections import Counter

import pytest
from PIL import Image

from dashboards.demo import seed_demo
from promotion.models import Case, CaseAttachment, MediaReport, Programme
from promotion.selectors import report_counts_by_county

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_in_every_state_and_a_year_of_reports():
    seed_demo(enterprises=600, seed=7)
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert set(statuses) == set(Case.Status.values)
    assert Case.objects.filter(return_comment__gt="").count() == 1
    assert Case.objects.filter(status="published", plan_year__year=2025).exists()
    reports = MediaReport.objects.filter(published_on__year=2026)
    assert set(reports.values_list("outlet_kind", flat=True)) == set(MediaReport.OutletKind.values)
    assert len(set(reports.values_list("published_on__month", flat=True))) >= 10
    kinds = {p.kind: p.reports.count() for p in Programme.objects.all()}
    assert set(kinds) == {"column", "programme"} and all(kinds.values())
    # Some county-level units have no report: the dashboards show them in red.
    assert any(row.has_none for row in report_counts_by_county(year=2026))
    # The demo accounts have cases of their own area to work on.
    assert Case.objects.filter(author__username="niushan").exists()
    assert Case.objects.filter(author__username="donghai").exists()
    photo = CaseAttachment.objects.filter(kind="jpeg").first()
    with photo.file.open("rb") as handle:
        assert not Image.open(io.BytesIO(handle.read())).getexif()
    assert photo.thumbnail


def test_the_demo_is_the_same_for_the_same_seed():
    seed_demo(enterprises=400, seed=11)
    first = sorted(Case.objects.values_list("title", "status"))
    reports = sorted(MediaReport.objects.values_list("title", "outlet", "published_on"))
    MediaReport.objects.all().delete()  # the links cascade; pilots stay
    Case.objects.all().delete()
    Programme.objects.all().delete()
    from pilots.models import Pilot
    from promotion.demo import seed_promotion_demo
    from reform.models import PlanYear

    assert Pilot.objects.exists()
    seed_promotion_demo(plan_year=PlanYear.objects.get(year=2026), seed=11)
    assert sorted(Case.objects.values_list("title", "status")) == first
    assert sorted(MediaReport.objects.values_list("title", "outlet", "published_on")) == reports
