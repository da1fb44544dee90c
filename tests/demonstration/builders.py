"""Builders of the demonstration selection for tests: rounds placed in a phase, applications
taken through the real services, reviewers with their own unit."""

import datetime
from decimal import Decimal

from django.utils import timezone

from demonstration import services
from demonstration.models import PHASES, Application, RoundPhase, RubricIndicator
from reform.models import User
from tests.builders import make_pilot, make_user

DAY = datetime.timedelta(days=1)


def make_round(plan_year, *, user: User, phase: str = "application", **fields):
    """A round through the service (default rubric), then placed so that `phase` is open."""
    values = {
        "name": f"{plan_year.year}年度产改示范单位评选",
        "units_to_name": 3,
        "default_quota": 2,
        "city_quota": 2,
        "reviewers_per_application": 3,
        "notice_days": 7,
        "notice_contact": "市总工会 0518-0000000",
    }
    values.update(fields)
    round = services.round_create(
        plan_year=plan_year,
        fields=values,
        phase_days=services.default_phase_days(timezone.localdate()),
        user=user,
    )
    return open_phase(round, phase)


def open_phase(round, phase: str):
    """Move the phases so that `phase` is open now (ten days each, back to back)."""
    now = timezone.now()
    index = PHASES.index(phase)
    for position, name in enumerate(PHASES):
        opens = now + (position - index) * 10 * DAY - 5 * DAY
        RoundPhase.objects.filter(round=round, phase=name).update(
            opens_at=opens, closes_at=opens + 10 * DAY
        )
    round.refresh_from_db()
    return round


def make_reviewer(username: str, *, region: str | None = None) -> User:
    return make_user(username, role="reviewer", region=region)


def write_application(application: Application, *, user: User, text: str = "自评材料"):
    """Fill every dimension's self-assessment (application phase open)."""
    texts = {d.pk: f"{text}：{d.name}" for d in application.round.dimensions.all()}
    services.application_save(
        application=application, texts=texts, new_files={}, removed_files=set(), user=user
    )
    return application


def submitted_application(round, *, user: User, pilot=None, **pilot_fields) -> Application:
    """A confirmed pilot's application, written and submitted (application phase open)."""
    pilot = pilot or make_pilot(round.plan_year, **pilot_fields)
    application = services.application_open(round=round, pilot=pilot, user=user)
    write_application(application, user=user)
    return services.application_submit(application=application, user=user)


def recommend(round, applications, *, county, user: User) -> None:
    """Recommend these applications of one unit in this order, decline its others
    (recommendation phase open)."""
    chosen = [a.pk for a in applications]
    others = services.unit_applications(round, county).exclude(pk__in=chosen)
    services.recommendation_save(
        round=round,
        county=county,
        decisions=[
            services.Decision(application_id=pk, recommend=True, order=i, opinion="同意推荐")
            for i, pk in enumerate(chosen, start=1)
        ]
        + [services.Decision(application_id=a.pk, recommend=False) for a in others],
        user=user,
    )


def indicators(round) -> list[RubricIndicator]:
    return list(
        RubricIndicator.objects.filter(dimension__round=round).order_by("dimension__order", "order")
    )


def score_all(assignment, total: Decimal, *, submit: bool = True):
    """Points adding up to `total` (taken from the first indicators), submitted by default."""
    points, left = {}, Decimal(total)
    for indicator in indicators(assignment.application.round):
        given = min(left, indicator.max_points)
        points[indicator.pk] = given
        left -= given
    assert left == 0, "more points than the rubric holds"
    return services.review_save(
        assignment=assignment, points=points, comment="", submit=submit, user=assignment.reviewer
    )
