"""Sign-in lockout (django-axes), made safe to run behind reverse proxies.

Three things axes leaves to the project:

- Which address a sign-in comes from. Behind nginx every request arrives from nginx's
  address; the client's is in X-Forwarded-For. That header is text the client may have written
  itself: only the entries our own proxies appended (the last AXES_PROXY_COUNT) are trusted.
- Two limits instead of one: failures of one user name on one address (AXES_FAILURE_LIMIT), so
  that nobody elsewhere can lock a user out, and failures of one address under any name
  (AXES_IP_FAILURE_LIMIT), so that trying one password on many names (spraying) stops too.
- When the lock ends, for the locked-out page: the cool-off counts from the failure that
  locked, and tries during the lock are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
  is off), so they cannot extend it.
"""

import ipaddress
import logging
import math
from datetime import datetime

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger(__name__)


def _address(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address, read through the REVERSE_PROXY_COUNT reverse proxies in front.

    Each proxy appends the address it was called from to X-Forwarded-For, so the last entries are
    our proxies' and whatever stands before them is the client's own text. With N proxies the
    client is the N-th entry from the right (the one the outermost proxy wrote). With no proxy the
    header is ignored: it can only be forged.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    count = settings.REVERSE_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer entries than proxies: the request skipped an outer proxy; the first entry is still
    # one a trusted proxy wrote.
    address = _address(hops[-min(count, len(hops))])
    if address is None:
        log.warning("X-Forwarded-For entry of a trusted proxy is not an address; check the proxy")
        return remote
    return address


def failure_counts(request, credentials=None) -> tuple[int, int]:
    """Failures within the cool-off: of this user name on this address, and of the address."""
    name = get_client_username(request, credentials)
    totals = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(
        of_name=Sum("failures_since_start", filter=Q(username=name)),
        of_address=Sum("failures_since_start"),
    )
    return totals["of_name"] or 0, totals["of_address"] or 0


def lock_ends_at(request, credentials=None) -> datetime | None:
    """When the lock on this sign-in ends, or None when it is not locked.

    A limit holds while the failures newer than (now − cool-off) reach it. Walking from the newest
    attempt, the one at which the running total reaches the limit is the one whose ageing lifts
    the lock: its time plus the cool-off.
    """
    cool_off = get_cool_off(request)
    name = get_client_username(request, credentials)
    recent = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    ).order_by("-attempt_time")
    ends = []
    for attempts, limit in (
        (recent.filter(username=name), settings.AXES_FAILURE_LIMIT),
        (recent, settings.AXES_IP_FAILURE_LIMIT),
    ):
        counted = 0
        for attempt_time, failures in attempts.values_list("attempt_time", "failures_since_start"):
            counted += failures
            if counted >= limit:
                ends.append(attempt_time + cool_off)
                break
    return max(ends, default=None)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with the two limits of this module."""

    def get_failures(self, request, credentials=None) -> int:
        """The failures that count against this sign-in, on the scale of AXES_FAILURE_LIMIT.

        Axes compares one number with one limit. The name's failures on this address count as
        they are; an address past its own limit counts as the full limit, locking every name there.
        """
        of_name, of_address = failure_counts(request, credentials)
        if of_address >= settings.AXES_IP_FAILURE_LIMIT:
            return max(of_name, settings.AXES_FAILURE_LIMIT)
        return of_name

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears that name's failures on that address only.

        Axes would clear every lockout parameter, the address as a whole too: then one valid
        account would let a password spray start over.
        """
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The locked-out page: why, and from when on the user may try again."""
    ends_at = lock_ends_at(request, credentials) or timezone.now() + get_cool_off(request)
    _of_name, of_address = failure_counts(request, credentials)
    seconds = (ends_at - timezone.now()).total_seconds()
    context = {
        "ends_at": ends_at,
        "minutes": max(1, math.ceil(seconds / 60)),
        "whole_address": of_address >= settings.AXES_IP_FAILURE_LIMIT,
    }
    return render(
        request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
