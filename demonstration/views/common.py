"""What every page of the selection needs: the scope checks and the round."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from demonstration import selectors
from demonstration.models import CITY_UNIT, PHASES, SelectionRound
from demonstration.services import phases_of
from reform.models import Region
from reform.scopes import Scope, scope_for


def scope_of(request) -> Scope:
    scope = scope_for(request.user)
    if not scope.sees_records:
        raise Http404  # reviewers: only their own queue and assignments
    return scope


def require_city(scope: Scope) -> None:
    """Pages of those who run the selection (city staff, administrators); others 403."""
    if not scope.runs_city_work:
        raise PermissionDenied


def require_city_reader(scope: Scope) -> None:
    """Scores, rankings and who reviews what: city staff, administrators and leaders only."""
    if not scope.is_everywhere:
        raise Http404


def get_round(pk: int) -> SelectionRound:
    round = selectors.round_for_page(pk)
    if round is None:
        raise Http404
    return round


def show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def recommend_unit(scope: Scope) -> str | None:
    """The recommendation page a user starts from: the city's for those who read everything,
    their county's for county officials, none for township officials."""
    if scope.is_everywhere:
        return CITY_UNIT
    if scope.county_id and scope.township_id is None:
        return Region.objects.filter(pk=scope.county_id).values_list("code", flat=True).first()
    return None


def round_context(round: SelectionRound, scope: Scope, *, active: str) -> dict:
    """The round's header (its phases now) and sub-navigation."""
    phases = phases_of(round)
    now = timezone.now()
    strip = [(phases[name], phases[name].state(now)) for name in PHASES]
    return {
        "round": round,
        "phases": phases,
        "phase_strip": strip,
        "active": active,
        "city_reader": scope.is_everywhere,
        "runs": scope.runs_city_work,
        "recommend_unit": recommend_unit(scope),
    }
