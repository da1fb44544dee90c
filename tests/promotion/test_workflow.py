"""A case's moves come from CASE_TRANSITIONS: the right person moves it, anyone else changes
nothing. Messages are asserted in Chinese, the site's default language."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from promotion import services
from promotion.models import (
    CASE_EDITORS,
    CASE_TRANSITIONS,
    Actor,
    Case,
    CaseMove,
    case_moves_for,
)
from reform.scopes import scope_for
from tests.promotion.builders import make_case

pytestmark = pytest.mark.django_db

S = Case.Status


def test_the_table_leads_from_draft_to_published_and_back_only_by_the_city():
    moves = {(t.move, t.source): (t.target, t.actor) for t in CASE_TRANSITIONS}
    assert moves == {
        ("submit", S.DRAFT): (S.SUBMITTED, Actor.WRITER),
        ("return", S.SUBMITTED): (S.DRAFT, Actor.CITY),
        ("select", S.SUBMITTED): (S.SELECTED, Actor.CITY),
        ("return", S.SELECTED): (S.DRAFT, Actor.CITY),
        ("publish", S.SELECTED): (S.PUBLISHED, Actor.CITY),
        ("unpublish", S.PUBLISHED): (S.SELECTED, Actor.CITY),
    }
    assert [t.needs_comment for t in CASE_TRANSITIONS if t.move == CaseMove.RETURN] == [True, True]
    assert CASE_EDITORS == {
        S.DRAFT: Actor.WRITER,
        S.SUBMITTED: Actor.CITY,
        S.SELECTED: Actor.CITY,
        S.PUBLISHED: Actor.CITY,
    }


@pytest.mark.parametrize("transition", CASE_TRANSITIONS, ids=lambda t: f"{t.move}-{t.source}")
def test_each_move_is_made_by_its_actor_and_recorded_in_the_history(
    users, plan_year, niushan_pilot, transition
):
    case = make_case(plan_year, [niushan_pilot], status=transition.source)
    user = users["township"] if transition.actor == Actor.WRITER else users["city"]

    moved = services.case_move(case=case, move=transition.move, user=user, comment="请补充数据")

    case.refresh_from_db()
    assert case.status == moved.status == transition.target
    latest = case.history.latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        transition.target,
        user,
        f"case:{transition.move}",
    )


@pytest.mark.parametrize(
    ("status", "move", "role"),
    [
        (S.SUBMITTED, "select", "county"),
        (S.SUBMITTED, "select", "township"),
        (S.SUBMITTED, "return", "county"),
        (S.SELECTED, "publish", "township"),
        (S.DRAFT, "submit", "leader"),
        (S.SUBMITTED, "select", "leader"),
        (S.DRAFT, "submit", "other_county"),
    ],
)
def test_a_move_by_someone_else_is_refused_and_changes_nothing(
    users, plan_year, niushan_pilot, status, move, role
):
    case = make_case(plan_year, [niushan_pilot], status=status)
    with pytest.raises(PermissionDenied):
        services.case_move(case=case, move=move, user=users[role], comment="意见")
    case.refresh_from_db()
    assert case.status == status
    assert case.history.count() == 1  # its creation only


@pytest.mark.parametrize(
    ("status", "move"),
    [(S.DRAFT, "publish"), (S.DRAFT, "select"), (S.SUBMITTED, "submit"), (S.PUBLISHED, "return")],
)
def test_a_move_the_state_does_not_allow_is_refused_with_a_message(
    users, plan_year, niushan_pilot, status, move
):
    case = make_case(plan_year, [niushan_pilot], status=status)
    with pytest.raises(ValidationError) as error:
        services.case_move(case=case, move=move, user=users["city"], comment="意见")
    assert "不能进行这一步" in error.value.messages[0]
    case.refresh_from_db()
    assert case.status == status


def test_returning_needs_a_comment_which_the_writers_then_read(
    client, users, plan_year, niushan_pilot
):
    case = make_case(plan_year, [niushan_pilot], status=S.SUBMITTED)
    with pytest.raises(ValidationError):
        services.case_move(case=case, move="return", user=users["city"], comment="   ")
    case.refresh_from_db()
    assert case.status == S.SUBMITTED

    services.case_move(
        case=case, move="return", user=users["city"], comment="请补充培训人次<和照片>"
    )

    client.force_login(users["township"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="return-comment"' in page
    assert "请补充培训人次&lt;和照片&gt;" in page
    case.refresh_from_db()
    assert (case.status, case.returned_by) == (S.DRAFT, users["city"])


def test_resubmitting_clears_the_comment_and_the_history_keeps_it(users, plan_year, niushan_pilot):
    case = make_case(plan_year, [niushan_pilot], status=S.SUBMITTED)
    services.case_move(case=case, move="return", user=users["city"], comment="补充数据")
    services.case_move(case=case, move="submit", user=users["county"])
    case.refresh_from_db()
    assert (case.status, case.return_comment) == (S.SUBMITTED, "")
    assert "补充数据" in case.history.values_list("return_comment", flat=True)


def test_the_case_page_offers_exactly_the_moves_the_user_may_make(
    client, users, plan_year, niushan_pilot
):
    case = make_case(plan_year, [niushan_pilot], status=S.SUBMITTED)
    assert [t.move for t in case_moves_for(case, scope_for(users["city"]))] == [
        "return",
        "select",
    ]
    assert case_moves_for(case, scope_for(users["county"])) == []
    client.force_login(users["county"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="case-moves"' not in page
    client.force_login(users["city"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="move-select"' in page and 'id="move-return"' in page
    assert 'id="move-publish"' not in page


def test_the_township_official_submits_through_the_page(client, users, plan_year, niushan_pilot):
    case = make_case(plan_year, [niushan_pilot])
    client.force_login(users["township"])
    response = client.post(reverse("promotion:case_move", args=[case.pk]), {"move": "submit"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.SUBMITTED
    assert case.submitted_at is not None
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["案例已报送市总工会。"]


def test_a_return_without_comment_through_the_page_says_why_and_changes_nothing(
    client, users, plan_year, niushan_pilot
):
    case = make_case(plan_year, [niushan_pilot], status=S.SUBMITTED)
    client.force_login(users["city"])
    response = client.post(
        reverse("promotion:case_move", args=[case.pk]),
        {"move": "return", "comment": ""},
        follow=True,
    )
    assert "请写明需要修改的内容" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.SUBMITTED


def test_an_unknown_move_is_refused_with_a_message(client, users, plan_year, niushan_pilot):
    case = make_case(plan_year, [niushan_pilot])
    client.force_login(users["city"])
    response = client.post(
        reverse("promotion:case_move", args=[case.pk]), {"move": "delete"}, follow=True
    )
    assert "无法识别的操作" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.DRAFT


def test_publishing_and_taking_out_of_the_library_set_and_clear_the_date(
    users, plan_year, niushan_pilot
):
    case = make_case(plan_year, [niushan_pilot], status=S.SELECTED)
    services.case_move(case=case, move="publish", user=users["city"])
    case.refresh_from_db()
    assert case.published_at is not None
    services.case_move(case=case, move="unpublish", user=users["admin"])
    case.refresh_from_db()
    assert (case.status, case.published_at) == (S.SELECTED, None)
