"""Pairings (结对共建): a lead enterprise and the pilots it works with, and their activities.

Two kinds (DESIGN.md, "Models and promotion"): 大手牵小手 — a state-owned, leading or larger
enterprise leads smaller pilots; 示范带试点 — a named demonstration unit leads pilots that are
not. The rules of who may lead whom are checked in `demonstration.services.pairing`, each with
its own message. A pairing is placed, like a case, in the narrowest region holding all its
partner pilots (`county`, `township`), so `reform.scopes` narrows it; the lead may lie anywhere
in the city and is then shown by name only.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from pilots.models import Enterprise, Pilot
from reform.files import AttachmentBase, attachment_upload_path
from reform.models import PlanYear, Region
from reform.scopes import Scope

# "Small" in this project: fewer than 300 employees, the employee threshold of the NBS size
# classification of industrial enterprises (统计上大中小微型企业划分办法 2017); revenue is not
# recorded, so it is the only measure.
SMALL_EMPLOYEE_LIMIT = 300
# A pairing without an activity for this many days is dormant (computed, never stored).
DORMANT_DAYS = 90


class Pairing(models.Model):
    class Kind(models.TextChoices):
        BIG_SMALL = "big_small", _("big leads small (大手牵小手)")
        DEMONSTRATION = "demonstration", _("demonstration leads pilots (示范带试点)")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("pairing", "active")
        ENDED = "ended", pgettext_lazy("pairing", "ended")

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.PROTECT, related_name="pairings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    lead = models.ForeignKey(
        Enterprise,
        verbose_name=_("lead enterprise"),
        on_delete=models.PROTECT,
        related_name="led_pairings",
    )
    partners = models.ManyToManyField(
        Pilot, verbose_name=_("partner pilots"), through="PairingPartner", related_name="pairings"
    )
    starts_on = models.DateField(_("start date"))
    goals = models.TextField(_("goals"), max_length=3000)
    status = models.CharField(
        pgettext_lazy("pairing", "status"),
        max_length=8,
        choices=Status.choices,
        default=Status.ACTIVE,
        db_index=True,
    )
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    closing_summary = models.TextField(_("closing summary"), blank=True, max_length=3000)
    # The narrowest region holding every partner (both empty: more than one county-level unit).
    county = models.ForeignKey(
        Region,
        verbose_name=_("county-level unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    township = models.ForeignKey(
        Region,
        verbose_name=_("township or street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        indexes = [
            models.Index(fields=["plan_year", "kind", "status"], name="pairing_year_kind_idx"),
            models.Index(fields=["county", "township"], name="pairing_place_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="active", ends_on__isnull=True)
                | models.Q(status="ended", ends_on__isnull=False),
                name="pairing_end_date_iff_ended",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="pairing_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead.name} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("demonstration:pairing_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def place_name(self) -> str:
        if self.township_id:
            return f"{self.county.name} · {self.township.name}"
        if self.county_id:
            return self.county.name
        return str(_("city-wide"))

    def in_scope(self, scope: Scope) -> bool:
        return scope.allows(county_id=self.county_id, township_id=self.township_id)


def dormant_since(today: datetime.date) -> datetime.date:
    """An active pairing whose last activity (or, without one, whose start) lies before this
    day is dormant."""
    return today - datetime.timedelta(days=DORMANT_DAYS)


class PairingPartner(models.Model):
    """A partner pilot of a pairing, with history of who linked it."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="partner_links"
    )
    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.PROTECT, related_name="pairing_links"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner of a pairing")
        verbose_name_plural = _("partners of pairings")
        constraints = [
            models.UniqueConstraint(fields=["pairing", "pilot"], name="one_link_per_pairing_pilot"),
        ]

    def __str__(self) -> str:
        return str(self.pilot.enterprise)


class PairingActivity(models.Model):
    """Something the partners did together under a pairing."""

    class Kind(models.TextChoices):
        EXCHANGE = "exchange", _("exchange (交流)")
        STUDY = "study", _("study visit (学习)")
        TRAINING = "training", _("training (培训)")
        JOINT = "joint", _("joint activity (联动)")
        SHARING = "sharing", _("resource sharing (资源共享)")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="activities"
    )
    held_on = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    participants = models.CharField(_("participants"), max_length=500)
    summary = models.TextField(_("summary"), max_length=3000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("pairing activity")
        verbose_name_plural = _("pairing activities")
        indexes = [models.Index(fields=["pairing", "held_on"], name="activity_pairing_day_idx")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}"


class ActivityAttachment(AttachmentBase):
    """A photo or file of an activity; photos carry a thumbnail for the pairing page."""

    activity = models.ForeignKey(
        PairingActivity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=attachment_upload_path, max_length=255, blank=True
    )

    history = HistoricalRecords()

    class Meta(AttachmentBase.Meta):
        verbose_name = _("attachment of an activity")
        verbose_name_plural = _("attachments of activities")
