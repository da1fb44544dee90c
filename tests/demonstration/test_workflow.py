"""Applications, recommendations, review and naming through the services: phase locks, quota,
conflict rule, scores; every refusal names the problem and changes nothing."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from demonstration import services
from demonstration.models import Application, Assignment, Naming, Phase, Score
from pilots.models import Pilot
from tests.builders import make_pilot, region
from tests.demonstration.builders import (
    indicators,
    make_reviewer,
    open_phase,
    recommend,
    score_all,
    submitted_application,
    write_application,
)

pytestmark = pytest.mark.django_db


# Applications --------------------------------------------------------------------------------


def test_a_confirmed_pilot_applies_once_per_round(selection, users, plan_year):
    pilot = make_pilot(plan_year, tier="county")
    services.application_open(round=selection, pilot=pilot, user=users["county"])
    with pytest.raises(ValidationError) as raised:
        services.application_open(round=selection, pilot=pilot, user=users["county"])
    assert raised.value.messages == ["该试点企业已在本次评选中申报，不能重复申报。"]
    assert Application.objects.count() == 1


def test_only_confirmed_pilots_of_the_plan_year_apply(selection, users, plan_year):
    proposed = make_pilot(plan_year, status="proposed")
    with pytest.raises(ValidationError, match="只有已确定的试点企业可以申报.*拟推荐"):
        services.application_open(round=selection, pilot=proposed, user=users["county"])
    from reform.services import plan_year_create

    other_year = make_pilot(plan_year_create(year=2025))
    with pytest.raises(ValidationError, match="本次评选只接受 2026 年度试点企业申报"):
        services.application_open(round=selection, pilot=other_year, user=users["county"])
    assert not Application.objects.exists()


def test_staff_apply_only_inside_their_scope_and_tier(selection, users, plan_year):
    in_guannan = make_pilot(plan_year, county="320724", township=None)
    city_tier = make_pilot(plan_year, tier="city")
    with pytest.raises(PermissionDenied):
        services.application_open(round=selection, pilot=in_guannan, user=users["county"])
    with pytest.raises(PermissionDenied):
        services.application_open(round=selection, pilot=city_tier, user=users["county"])
    for role in ("leader", "reviewer"):
        with pytest.raises(PermissionDenied):
            services.application_open(round=selection, pilot=in_guannan, user=users[role])
    township_tier = make_pilot(plan_year, tier="township")
    services.application_open(round=selection, pilot=township_tier, user=users["township"])
    services.application_open(round=selection, pilot=city_tier, user=users["city"])
    assert Application.objects.count() == 2


def test_nothing_opens_or_changes_outside_the_application_phase(selection, users, plan_year):
    application = submitted_application(selection, user=users["county"])
    open_phase(selection, Phase.RECOMMENDATION)
    with pytest.raises(ValidationError) as raised:
        services.application_open(round=selection, pilot=make_pilot(plan_year), user=users["city"])
    assert raised.value.messages[0].startswith("申报阶段已于 ")
    assert raised.value.messages[0].endswith(" 结束，不能再进行此操作。")
    with pytest.raises(ValidationError):
        services.application_reopen(application=application, user=users["county"])
    assert Application.objects.count() == 1


def test_a_submitted_application_can_no_longer_be_edited(selection, users):
    application = submitted_application(selection, user=users["county"])
    with pytest.raises(ValidationError) as raised:
        write_application(application, user=users["county"], text="改写")
    assert raised.value.messages == ["当前状态（已提交）下不能进行此操作。"]
    assert not application.sections.filter(text__startswith="改写").exists()


def test_submitting_needs_every_dimension(selection, users, plan_year):
    application = services.application_open(
        round=selection, pilot=make_pilot(plan_year), user=users["county"]
    )
    political = selection.dimensions.get(key="political")
    services.application_save(
        application=application,
        texts={political.pk: "组织健全"},
        new_files={},
        removed_files=set(),
        user=users["county"],
    )
    with pytest.raises(ValidationError) as raised:
        services.application_submit(application=application, user=users["county"])
    assert raised.value.messages == [
        "提交前须填写每个维度的自评，尚缺：赋能成长、建功立业、维权服务。"
    ]
    application.refresh_from_db()
    assert application.status == "draft"


# Recommendation --------------------------------------------------------------------------------


@pytest.fixture
def three_in_donghai(selection, users):
    applications = [submitted_application(selection, user=users["county"]) for _ in range(3)]
    open_phase(selection, Phase.RECOMMENDATION)
    return applications


def test_a_recommendation_over_the_quota_is_refused_and_nothing_changes(
    selection, users, three_in_donghai
):
    with pytest.raises(ValidationError) as raised:
        recommend(selection, three_in_donghai, county=region("320722"), user=users["county"])
    assert raised.value.messages == ["东海县最多可推荐 2 家，现选择了 3 家。"]
    assert not Application.objects.filter(status="recommended").exists()


def test_the_county_recommends_in_order_with_opinions_and_declines_the_rest(
    selection, users, three_in_donghai
):
    first, second, third = three_in_donghai
    services.recommendation_save(
        round=selection,
        county=region("320722"),
        decisions=[
            services.Decision(first.pk, True, order=2, opinion="推荐"),
            services.Decision(second.pk, True, order=1, opinion="优先推荐"),
            services.Decision(third.pk, False),
        ],
        user=users["county"],
    )
    states = {a.pk: (a.status, a.recommendation_order) for a in Application.objects.all()}
    assert states == {
        first.pk: ("recommended", 2),
        second.pk: ("recommended", 1),
        third.pk: ("not_recommended", None),
    }
    assert Application.objects.get(pk=second.pk).recommended_by == users["county"]


def test_a_recommendation_needs_an_opinion_and_distinct_places(selection, users, three_in_donghai):
    first, second, third = three_in_donghai
    with pytest.raises(ValidationError) as raised:
        services.recommendation_save(
            round=selection,
            county=region("320722"),
            decisions=[
                services.Decision(first.pk, True, order=1, opinion=""),
                services.Decision(second.pk, True, order=1, opinion="推荐"),
                services.Decision(third.pk, False),
            ],
            user=users["county"],
        )
    assert len(raised.value.messages) == 2
    assert (
        raised.value.messages[0] == f"请为每家推荐单位填写推荐意见：{first.pilot.enterprise.name}。"
    )
    assert raised.value.messages[1] == "每家推荐单位的排序须各不相同；排序 1 重复。"
    assert not Application.objects.filter(status="recommended").exists()


def test_a_recommendation_decides_on_every_application_of_the_unit(
    selection, users, three_in_donghai
):
    first = three_in_donghai[0]
    with pytest.raises(ValidationError) as raised:
        services.recommendation_save(
            round=selection,
            county=region("320722"),
            decisions=[services.Decision(first.pk, True, 1, "推荐")],
            user=users["county"],
        )
    assert raised.value.messages == ["该单位的申报名单有变化：请刷新页面后重新决定。"]
    assert not Application.objects.filter(status="recommended").exists()


def test_a_county_recommends_only_its_own_unit(selection, users, three_in_donghai):
    with pytest.raises(PermissionDenied):
        recommend(
            selection, three_in_donghai[:1], county=region("320722"), user=users["other_county"]
        )
    with pytest.raises(PermissionDenied):
        recommend(selection, three_in_donghai[:1], county=None, user=users["county"])
    with pytest.raises(PermissionDenied):
        recommend(selection, three_in_donghai[:1], county=region("320722"), user=users["township"])


def test_city_staff_recommend_the_city_tier_pilots(selection, users, plan_year):
    open_phase(selection, Phase.APPLICATION)
    city = submitted_application(selection, user=users["city"], tier="city")
    open_phase(selection, Phase.RECOMMENDATION)
    with pytest.raises(ValidationError, match="包含其他单位的申报"):
        recommend(selection, [city], county=region("320722"), user=users["city"])
    recommend(selection, [city], county=None, user=users["city"])
    assert Application.objects.get(pk=city.pk).status == "recommended"


def test_recommending_outside_its_phase_is_refused(selection, users):
    application = submitted_application(selection, user=users["county"])
    with pytest.raises(ValidationError, match="推荐阶段于 .* 开始"):
        recommend(selection, [application], county=region("320722"), user=users["county"])
    assert Application.objects.get(pk=application.pk).status == "submitted"


# Review --------------------------------------------------------------------------------------


@pytest.fixture
def in_review(selection, users, plan_year):
    """Two recommended applications of 东海县, one of 灌南县, an undecided city-tier one;
    reviewers of 东海, 灌南, 灌云, 海州 and one without a unit; the recommendation is over."""
    donghai = [submitted_application(selection, user=users["county"]) for _ in range(2)]
    guannan = submitted_application(selection, user=users["city"], county="320724", township=None)
    # A city-tier application on which the city never decides.
    undecided = submitted_application(selection, user=users["city"], tier="city")
    open_phase(selection, Phase.RECOMMENDATION)
    recommend(selection, donghai, county=region("320722"), user=users["county"])
    recommend(selection, [guannan], county=region("320724"), user=users["city"])
    reviewers = [
        make_reviewer("东海专家", region="320722"),
        make_reviewer("灌南专家", region="320724"),
        users["reviewer"],  # 灌云县
        make_reviewer("海州专家", region="320706"),
        make_reviewer("外聘专家"),
    ]
    services.reviewers_set(round=selection, reviewers=reviewers, user=users["city"])
    open_phase(selection, Phase.REVIEW)
    return {"donghai": donghai, "guannan": guannan, "undecided": undecided, "reviewers": reviewers}


def test_automatic_assignment_keeps_the_conflict_rule_and_closes_the_undecided(
    selection, users, in_review
):
    added = services.assignments_auto(round=selection, user=users["city"])
    assert added == 9  # three applications × three reviewers
    for assignment in Assignment.objects.select_related(
        "reviewer", "application__pilot__enterprise"
    ):
        assert assignment.reviewer.region_id != assignment.application.pilot.enterprise.county_id
    loads = sorted(Assignment.objects.filter(reviewer=r).count() for r in in_review["reviewers"])
    assert loads == [1, 2, 2, 2, 2]
    assert Application.objects.get(pk=in_review["undecided"].pk).status == "not_recommended"
    assert services.assignments_auto(round=selection, user=users["city"]) == 0  # all complete


def test_automatic_assignment_names_what_is_impossible_and_assigns_nothing(
    selection, users, in_review
):
    selection.reviewers_per_application = 5
    selection.save()
    with pytest.raises(ValidationError) as raised:
        services.assignments_auto(round=selection, user=users["city"])
    # 东海县's applications have four eligible reviewers (all but 东海专家), five are needed.
    assert len(raised.value.messages) == 3
    name = in_review["donghai"][0].pilot.enterprise.name
    assert raised.value.messages[0] == (
        f"{name}（东海县）只能再分配 4 名无需回避的专家，需要 5 名："
        "请增聘其他县区的专家，或减少每份申报的评审专家人数。"
    )
    assert not Assignment.objects.exists()


def test_a_reviewer_from_the_applicants_county_is_refused(selection, users, in_review):
    donghai_reviewer = in_review["reviewers"][0]
    with pytest.raises(ValidationError) as raised:
        services.assignment_add(
            application=in_review["donghai"][0], reviewer=donghai_reviewer, user=users["city"]
        )
    assert raised.value.messages == [
        "东海专家 来自东海县，与申报单位同属一个县区：评审专家不评本县区的申报（回避）。"
    ]
    assert not Assignment.objects.exists()


def test_scores_out_of_range_are_refused_with_their_messages(selection, users, in_review):
    assignment = services.assignment_add(
        application=in_review["guannan"], reviewer=users["reviewer"], user=users["city"]
    )
    first, second, third = indicators(selection)[:3]
    with pytest.raises(ValidationError) as raised:
        services.review_save(
            assignment=assignment,
            points={first.pk: D("9"), second.pk: D("-1"), third.pk: D("7.3")},
            comment="",
            submit=False,
            user=users["reviewer"],
        )
    assert raised.value.messages == [
        "组织健全：最高 8 分。",
        "思想政治引领：分数不能低于 0。",
        "参与民主管理：职代会、厂务公开：只能打整分或半分。",
    ]
    assert not Score.objects.exists()


def test_a_submitted_review_is_final(selection, users, in_review):
    assignment = services.assignment_add(
        application=in_review["guannan"], reviewer=users["reviewer"], user=users["city"]
    )
    score_all(assignment, D("80"))
    with pytest.raises(ValidationError, match="当前状态（已提交）下不能进行此操作"):
        score_all(assignment, D("90"))
    with pytest.raises(ValidationError, match="当前状态（已提交）下不能进行此操作"):
        services.assignment_remove(assignment=assignment, user=users["city"])
    assert sum(s.points for s in Score.objects.all()) == 80


def test_only_the_assigned_reviewer_scores(selection, users, in_review):
    assignment = services.assignment_add(
        application=in_review["guannan"], reviewer=users["reviewer"], user=users["city"]
    )
    other = in_review["reviewers"][3]
    for user in (other, users["city"]):
        with pytest.raises(PermissionDenied):
            services.review_save(
                assignment=assignment, points={}, comment="", submit=False, user=user
            )


def test_scoring_outside_the_review_phase_is_refused(selection, users, in_review):
    assignment = services.assignment_add(
        application=in_review["guannan"], reviewer=users["reviewer"], user=users["city"]
    )
    open_phase(selection, Phase.NOTICE)
    with pytest.raises(ValidationError, match="评审阶段已于 .* 结束"):
        score_all(assignment, D("80"))
    assert assignment.scores.count() == 0


def test_submitting_needs_every_indicator(selection, users, in_review):
    assignment = services.assignment_add(
        application=in_review["guannan"], reviewer=users["reviewer"], user=users["city"]
    )
    first = indicators(selection)[0]
    with pytest.raises(ValidationError) as raised:
        services.review_save(
            assignment=assignment,
            points={first.pk: D("8")},
            comment="",
            submit=True,
            user=users["reviewer"],
        )
    assert len(raised.value.messages) == 11  # the twelve indicators but the first
    assert Assignment.objects.get(pk=assignment.pk).status == "assigned"


# Notice and naming -------------------------------------------------------------------------


def test_naming_before_the_notice_ends_is_refused_then_names_and_can_be_revoked(
    selection, users, in_review
):
    services.assignments_auto(round=selection, user=users["city"])
    totals = iter([D("90"), D("80"), D("85"), D("70"), D("75"), D("72"), D("60"), D("66"), D("64")])
    for assignment in Assignment.objects.order_by("application__pk", "pk"):
        score_all(assignment, next(totals))
    open_phase(selection, Phase.NOTICE)
    selection.refresh_from_db()
    notes = services.notice_prepare(round=selection, user=users["city"])
    assert notes == []
    listed = [e.application for e in selection.notice_entries.order_by("position")]
    assert listed == [*in_review["donghai"], in_review["guannan"]]  # 85, 72.33, 63.33
    services.notice_publish(round=selection, user=users["city"])
    selection.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        services.naming_run(round=selection, user=users["city"])
    assert raised.value.messages[0].startswith("命名阶段于 ")
    assert raised.value.messages[0].endswith(" 开始，只能在该阶段进行此操作。")
    assert not Naming.objects.exists()

    open_phase(selection, Phase.NAMING)
    count = services.naming_run(round=selection, user=users["city"])
    assert count == 3
    pilot = in_review["guannan"].pilot
    pilot.refresh_from_db()
    assert pilot.status == Pilot.Status.DEMONSTRATION
    record = pilot.history.first()
    assert (record.history_user, record.history_change_reason) == (
        users["city"],
        f"naming:{selection.pk}",
    )

    naming = Naming.objects.get(pilot=pilot)
    with pytest.raises(ValidationError, match="撤销命名须说明理由"):
        services.naming_revoke(naming=naming, reason=" ", user=users["city"])
    services.naming_revoke(naming=naming, reason="发生重大安全事故", user=users["city"])
    pilot.refresh_from_db()
    assert pilot.status == Pilot.Status.CONFIRMED
    naming.refresh_from_db()
    assert (naming.revocation_reason, naming.revoked_by) == ("发生重大安全事故", users["city"])
