"""Rounds: creation with the default rubric, phases by dates, closing early, extending,
quotas and the rubric's rules."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from demonstration import services
from demonstration.models import Phase, RecommendationQuota, RoundPhase, SelectionRound
from demonstration.rubric import DimensionInput, IndicatorInput
from tests.builders import region
from tests.demonstration.builders import make_round, open_phase

pytestmark = pytest.mark.django_db


def test_a_new_round_has_five_phases_and_the_default_rubric_as_a_proposal(selection):
    assert [p.phase for p in selection.phases.order_by("opens_at")] == list(Phase)
    dimensions = list(selection.dimensions.order_by("order"))
    assert [d.key for d in dimensions] == ["political", "empowerment", "achievement", "rights"]
    assert [d.name for d in dimensions] == ["政治建设", "赋能成长", "建功立业", "维权服务"]
    assert all(d.max_points == 25 for d in dimensions)
    political = [(i.name, i.max_points) for i in dimensions[0].indicators.order_by("order")]
    assert political == [
        ("组织健全", 8),
        ("思想政治引领", 8),
        ("参与民主管理：职代会、厂务公开", 9),
    ]
    assert sum(i.max_points for d in dimensions for i in d.indicators.all()) == 100
    assert selection.rubric_is_proposal


def test_default_phases_run_back_to_back_with_a_seven_day_notice():
    days = services.default_phase_days(datetime.date(2026, 3, 1))
    assert days[Phase.APPLICATION] == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 30))
    assert days[Phase.NOTICE][1] - days[Phase.NOTICE][0] == datetime.timedelta(days=6)
    assert days[Phase.RECOMMENDATION][0] == datetime.date(2026, 3, 31)


def test_a_second_round_for_the_same_plan_year_is_refused(selection, users, plan_year):
    with pytest.raises(ValidationError) as raised:
        make_round(plan_year, user=users["city"])
    assert raised.value.messages == ["该年度已有示范单位评选。"]
    assert SelectionRound.objects.count() == 1


def test_only_city_staff_and_administrators_create_rounds(users, plan_year):
    for role in ("county", "leader", "reviewer", "township"):
        with pytest.raises(PermissionDenied):
            make_round(plan_year, user=users[role])
    assert not SelectionRound.objects.exists()


def test_phases_out_of_order_are_refused(users, plan_year):
    days = services.default_phase_days(datetime.date(2026, 3, 1))
    days[Phase.REVIEW] = (datetime.date(2026, 4, 10), datetime.date(2026, 4, 20))  # overlaps
    with pytest.raises(ValidationError) as raised:
        services.round_create(
            plan_year=plan_year, fields={"name": "x"}, phase_days=days, user=users["city"]
        )
    assert raised.value.messages == ["评审阶段须在推荐阶段结束后开始。"]
    assert not SelectionRound.objects.exists()


def test_closing_a_phase_early_closes_it_now_and_keeps_history(selection, users):
    phase = services.round_phase_close(round=selection, phase=Phase.APPLICATION, user=users["city"])
    assert phase.state(timezone.now()) == RoundPhase.State.CLOSED
    assert phase.closed_early
    last = phase.history.first()
    assert (last.history_user, last.history_change_reason) == (users["city"], "closed early")


def test_closing_a_phase_that_is_not_open_is_refused(selection, users):
    with pytest.raises(ValidationError, match="评审阶段不在进行中，无需结束"):
        services.round_phase_close(round=selection, phase=Phase.REVIEW, user=users["city"])


def test_extending_a_phase_moves_its_end_but_not_into_the_next_phase(selection, users):
    application = selection.phases.get(phase=Phase.APPLICATION)
    recommendation = selection.phases.get(phase=Phase.RECOMMENDATION)
    # The recommendation opens right where the application closes: make room first.
    recommendation.opens_at += datetime.timedelta(days=3)
    recommendation.save()
    new_last = application.last_day + datetime.timedelta(days=2)
    extended = services.round_phase_extend(
        round=selection, phase=Phase.APPLICATION, last_day=new_last, user=users["city"]
    )
    assert extended.last_day == new_last
    assert extended.history.first().history_change_reason == "extended"
    with pytest.raises(ValidationError, match="会与 .* 开始的推荐阶段重叠"):
        services.round_phase_extend(
            round=selection,
            phase=Phase.APPLICATION,
            last_day=new_last + datetime.timedelta(days=5),
            user=users["city"],
        )
    assert selection.phases.get(phase=Phase.APPLICATION).last_day == new_last


def test_editing_the_round_keeps_an_early_close(selection, users):
    services.round_phase_close(round=selection, phase=Phase.APPLICATION, user=users["city"])
    closed = selection.phases.get(phase=Phase.APPLICATION)
    days = {p.phase: (p.first_day, p.last_day) for p in selection.phases.all()}
    services.round_update(
        round=selection, fields={"units_to_name": 5}, phase_days=days, user=users["city"]
    )
    assert selection.phases.get(phase=Phase.APPLICATION).closes_at == closed.closes_at
    selection.refresh_from_db()
    assert selection.units_to_name == 5


def _rubric(selection) -> list[DimensionInput]:
    return [
        DimensionInput(
            pk=d.pk,
            key=d.key,
            name=d.name,
            max_points=d.max_points,
            indicators=[
                IndicatorInput(pk=i.pk, name=i.name, max_points=i.max_points)
                for i in d.indicators.order_by("order")
            ],
        )
        for d in selection.dimensions.order_by("order")
    ]


def test_a_rubric_whose_indicators_do_not_add_up_is_refused_with_the_total(selection, users):
    rubric = _rubric(selection)
    rubric[0].indicators[0].max_points = D("7")  # 7 + 8 + 9 = 24, not 25
    with pytest.raises(ValidationError) as raised:
        services.rubric_save(round=selection, dimensions=rubric, user=users["city"])
    assert raised.value.messages == ["政治建设：各指标分值合计 24 分，与该维度满分 25 分不符。"]
    assert selection.dimensions.get(key="political").indicators.get(name="组织健全").max_points == 8
    selection.refresh_from_db()
    assert selection.rubric_is_proposal


def test_an_adapted_rubric_is_saved_and_adopted(selection, users):
    rubric = _rubric(selection)
    rubric[0].max_points = D("30")
    rubric[0].indicators.append(IndicatorInput(name="党建带工建", max_points=D("5")))
    rubric[3].indicators[0].max_points = D("8.5")
    rubric[3].indicators[1].max_points = D("8.5")
    services.rubric_save(round=selection, dimensions=rubric, user=users["city"])
    political = selection.dimensions.get(key="political")
    assert political.max_points == 30
    assert [i.name for i in political.indicators.order_by("order")][-1] == "党建带工建"
    selection.refresh_from_db()
    assert not selection.rubric_is_proposal
    assert selection.rubric_adopted_by == users["city"]


def test_the_rubric_is_locked_once_the_review_starts(selection, users):
    open_phase(selection, Phase.REVIEW)
    with pytest.raises(ValidationError, match="评分细则不能再修改"):
        services.rubric_save(round=selection, dimensions=_rubric(selection), user=users["city"])


def test_a_county_gets_its_own_quota_and_the_default_otherwise(selection, users):
    donghai, guannan = region("320722"), region("320724")
    services.round_quotas_set(
        round=selection, quotas={donghai.pk: 4, guannan.pk: None}, user=users["city"]
    )
    assert services.quota_for(selection, donghai.pk) == 4
    assert services.quota_for(selection, guannan.pk) == 2
    assert services.quota_for(selection, None) == selection.city_quota
    services.round_quotas_set(round=selection, quotas={donghai.pk: None}, user=users["city"])
    assert not RecommendationQuota.objects.exists()
