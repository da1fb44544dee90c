"""Unclassified industries (待归类): the texts no GB/T 4754-2017 entry matched, and mapping one.

An enterprise whose industry text matched nothing keeps the text (Enterprise.industry_text) with
no entry. An administrator maps each text once: every enterprise carrying it is classed (one
history record each, with the reason), and the text becomes a synonym, so that later imports
and forms find the entry by themselves.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from pilots.models import Enterprise
from reform.industries import synonym_conflict
from reform.industry_codes import match_key
from reform.models import Industry, IndustrySynonym, User


class ClassifyError(ValueError):
    """Why a text cannot be mapped to that entry; str() is the message."""


def unclassified_texts() -> QuerySet:
    """Each unclassified text with how many enterprises carry it, most common first."""
    return (
        Enterprise.objects.filter(industry__isnull=True)
        .exclude(industry_text="")
        .values("industry_text")
        .annotate(count=Count("pk"))
        .order_by("-count", "industry_text")
    )


def unclassified_count() -> int:
    return Enterprise.objects.filter(industry__isnull=True).exclude(industry_text="").count()


@transaction.atomic
def classify_text(*, text: str, industry: Industry, user: User | None) -> int:
    """Class every enterprise carrying `text` as `industry` and keep the text as its synonym.
    Returns how many enterprises changed. A text that already names another entry (its code,
    name or a synonym) is refused with ClassifyError, and nothing changes."""
    text = text.strip()
    if not text:
        raise ClassifyError(_("Give the text."))
    existing = IndustrySynonym.objects.filter(key=match_key(text)).first()
    if existing is None or existing.industry_id != industry.pk:
        conflict = synonym_conflict(text, industry.pk)
        if conflict:
            raise ClassifyError(conflict)
    enterprises = list(
        Enterprise.objects.select_for_update().filter(industry__isnull=True, industry_text=text)
    )
    now = timezone.now()
    for enterprise in enterprises:
        enterprise.industry = industry
        enterprise.industry_text = ""
        enterprise.version += 1
        enterprise.updated_at = now
    bulk_update_with_history(
        enterprises,
        Enterprise,
        ["industry", "industry_text", "version", "updated_at"],
        batch_size=500,
        default_user=user,
        default_change_reason=_("industry “%(text)s” classed as %(entry)s")
        % {"text": text, "entry": industry},
    )
    if existing is None:
        IndustrySynonym.objects.create(text=text, industry=industry)
    return len(enterprises)
