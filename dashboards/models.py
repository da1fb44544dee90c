"""The bulletin (通报): the city's editable wording and the bulletins it issued.

Only the bulletin's models live here (dashboards/bulletin.py builds it); everything else the
dashboards show is read from the apps below.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reform.models import PlanYear

# A placeholder is a name in braces: {year}. Any other brace is refused.
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def unknown_placeholders(text: str, allowed: tuple[str, ...]) -> list[str]:
    """The placeholders of a text that are not allowed, and stray braces, as typed."""
    found = [f"{{{name}}}" for name in PLACEHOLDER.findall(text) if name not in allowed]
    rest = PLACEHOLDER.sub("", text)
    if "{" in rest or "}" in rest:
        found += [piece for piece in re.findall(r"\{[^{}]*\}?|\}", rest)]
    return found


def fill(text: str, values: dict) -> str:
    """A text with its placeholders replaced by values (plain substitution, nothing evaluated)."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), match.group(0))), text)


class BulletinWording(models.Model):
    """The wording of the bulletin, one row for the city (none: the default wording).

    Each text may use the placeholders of `PLACEHOLDERS`; an unknown one is refused.
    """

    TEXTS = (
        "title",
        "opening",
        "city_rule",
        "region_rule",
        "ranking",
        "behind",
        "examples",
        "closing",
        "issuer",
    )
    COMMON = ("city", "year", "date", "previous_date")
    RULE = ("rule", "count", "target", "gap", "pipeline", "change")
    PLACEHOLDERS = {
        "title": COMMON,
        "opening": (*COMMON, "total", "total_change"),
        "city_rule": (*COMMON, *RULE),
        "region_rule": (*COMMON, *RULE, "met", "regions", "met_change"),
        "ranking": COMMON,
        "behind": (*COMMON, "units", "number"),
        "examples": (*COMMON, "namings", "cases", "reports"),
        "closing": COMMON,
        "issuer": COMMON,
    }

    title = models.CharField(_("title"), max_length=200)
    opening = models.TextField(_("opening paragraph"), max_length=2000, blank=True)
    city_rule = models.TextField(_("paragraph of the city rule"), max_length=2000)
    region_rule = models.TextField(_("paragraph of each county and township rule"), max_length=2000)
    ranking = models.TextField(_("before the ranking table"), max_length=2000, blank=True)
    behind = models.TextField(_("the units behind"), max_length=2000, blank=True)
    examples = models.TextField(_("before the good examples"), max_length=2000, blank=True)
    closing = models.TextField(_("closing paragraph"), max_length=2000, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bulletin wording")
        verbose_name_plural = _("bulletin wordings")

    def __str__(self) -> str:
        return str(_("bulletin wording"))

    def clean(self) -> None:
        errors = {}
        for name, allowed in self.PLACEHOLDERS.items():
            unknown = unknown_placeholders(getattr(self, name) or "", allowed)
            if unknown:
                errors[name] = _(
                    "Unknown placeholder %(unknown)s; this text may use: %(allowed)s."
                ) % {
                    "unknown": "、".join(unknown),
                    "allowed": " ".join(f"{{{item}}}" for item in allowed),
                }
        if errors:
            raise ValidationError(errors)


class Bulletin(models.Model):
    """A bulletin the city issued: its plan year, its date and the figures it printed, so that
    the next one says exactly what changed since."""

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.PROTECT, related_name="bulletins"
    )
    as_of = models.DateField(_("as of"))
    figures = models.JSONField(_("figures"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "as_of"],
                name="one_bulletin_per_year_and_date",
                violation_error_message=_("A bulletin of this plan year was issued for this date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_year} · {self.as_of}"
