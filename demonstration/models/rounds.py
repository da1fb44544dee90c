"""Selection rounds, their dated phases, recommendation quotas and rubrics."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reform.models import Dimension, PlanYear, Region

POINTS = {"max_digits": 5, "decimal_places": 1}


class Phase(models.TextChoices):
    APPLICATION = "application", _("application")
    RECOMMENDATION = "recommendation", _("recommendation")
    REVIEW = "review", _("review")
    NOTICE = "notice", _("public notice")
    NAMING = "naming", _("naming")


PHASES = list(Phase)

# Default lengths of the phases of a new round, in days (the notice: SelectionRound.notice_days).
DEFAULT_PHASE_DAYS = {
    Phase.APPLICATION: 30,
    Phase.RECOMMENDATION: 14,
    Phase.REVIEW: 14,
    Phase.NAMING: 14,
}


@dataclass(frozen=True)
class Move:
    """One allowed move of a workflow: from which states, to which, and when.

    `open_phase`: the phase that must be open; `after_phase`: the phase that must be over;
    `before_end_of`: the phase that must not be over yet. A target of None deletes the record.
    """

    sources: tuple[str, ...]
    target: str | None
    open_phase: str | None = None
    after_phase: str | None = None
    before_end_of: str | None = None


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a day, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class SelectionRound(models.Model):
    """One selection of demonstration units, for one plan year."""

    class NoticeState(models.TextChoices):
        UNPUBLISHED = "unpublished", _("not yet published")
        PUBLISHED = "published", _("published")

    # The notice list and what happens to it (the round's notice state is whether it was
    # published). "prepare", "add" and "drop" change the list before publication.
    NOTICE_MOVES = {
        "prepare": Move(("unpublished",), "unpublished", after_phase=Phase.REVIEW),
        "add": Move(("unpublished",), "unpublished", after_phase=Phase.REVIEW),
        "drop": Move(("unpublished",), "unpublished", after_phase=Phase.REVIEW),
        "publish": Move(
            ("unpublished",), "published", after_phase=Phase.REVIEW, before_end_of=Phase.NOTICE
        ),
        "take_off": Move(("published",), "published", open_phase=Phase.NOTICE),
        "object": Move(("published",), "published", open_phase=Phase.NOTICE),
        "name": Move(("published",), "published", open_phase=Phase.NAMING),
    }

    plan_year = models.ForeignKey(
        PlanYear,
        verbose_name=_("plan year"),
        on_delete=models.PROTECT,
        related_name="selection_rounds",
    )
    name = models.CharField(_("name"), max_length=200)
    units_to_name = models.PositiveSmallIntegerField(
        _("units to name"), default=10, help_text=_("How many demonstration units it will name.")
    )
    default_quota = models.PositiveSmallIntegerField(
        _("recommendation quota per county-level unit"),
        default=3,
        help_text=_("How many applications each county-level unit may recommend at most."),
    )
    city_quota = models.PositiveSmallIntegerField(
        _("recommendation quota for city-tier pilots"),
        default=5,
        help_text=_("How many applications of city-tier pilots the city staff may recommend."),
    )
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=5
    )
    notice_days = models.PositiveSmallIntegerField(_("notice period in days"), default=7)
    notice_contact = models.CharField(
        _("objections to"),
        max_length=200,
        blank=True,
        help_text=_("Where objections go during the notice (office, phone); printed on it."),
    )
    notice_published_at = models.DateTimeField(_("notice published"), null=True, blank=True)
    notice_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notice published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The rubric starts as the platform's proposal; saving it in the editor adopts it.
    rubric_adopted_at = models.DateTimeField(_("rubric adopted"), null=True, blank=True)
    rubric_adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rubric adopted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
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

    history = HistoricalRecords()

    class Meta:
        ordering = ["-plan_year__year"]
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year"],
                name="one_selection_round_per_plan_year",
                violation_error_message=_("This plan year already has a selection round."),
            ),
            models.CheckConstraint(
                condition=Q(units_to_name__gte=1)
                & Q(reviewers_per_application__gte=1)
                & Q(notice_days__gte=1),
                name="selection_round_counts_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("demonstration:round_detail", args=[self.pk])

    @property
    def notice_state(self) -> str:
        if self.notice_published_at:
            return self.NoticeState.PUBLISHED
        return self.NoticeState.UNPUBLISHED

    @property
    def rubric_is_proposal(self) -> bool:
        return self.rubric_adopted_at is None


class RoundPhase(models.Model):
    """One phase of a round: open from `opens_at` until `closes_at` (exclusive)."""

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("not yet open")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    round = models.ForeignKey(
        SelectionRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="phases"
    )
    phase = models.CharField(_("phase"), max_length=15, choices=Phase.choices)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["round", "phase"], name="one_row_per_round_phase"),
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="phase_opens_before_close"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_phase_display()}"

    @property
    def order(self) -> int:
        return PHASES.index(self.phase)

    def state(self, now: datetime.datetime) -> str:
        if now < self.opens_at:
            return self.State.UPCOMING
        if now < self.closes_at:
            return self.State.OPEN
        return self.State.CLOSED

    @property
    def first_day(self) -> datetime.date:
        return timezone.localtime(self.opens_at).date()

    @property
    def last_day(self) -> datetime.date:
        """The last day it is open: a phase ending at midnight ends the day before."""
        return timezone.localtime(self.closes_at - datetime.timedelta(microseconds=1)).date()

    @property
    def closed_early(self) -> bool:
        """Closed at a moment other than a midnight (the "close now" button)."""
        local = timezone.localtime(self.closes_at)
        return local.time() != datetime.time.min


class RecommendationQuota(models.Model):
    """A county-level unit's own recommendation quota in a round (instead of the default)."""

    round = models.ForeignKey(
        SelectionRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="quotas"
    )
    county = models.ForeignKey(
        Region,
        verbose_name=_("county-level unit"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.COUNTY},
    )
    quota = models.PositiveSmallIntegerField(_("quota"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommendation quota")
        verbose_name_plural = _("recommendation quotas")
        constraints = [
            models.UniqueConstraint(fields=["round", "county"], name="one_quota_per_round_county")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.county} · {self.quota}"


class RubricDimension(models.Model):
    round = models.ForeignKey(
        SelectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="dimensions",
    )
    # The work plan's four dimensions carry their key; a dimension a round adds has none.
    key = models.CharField(_("dimension"), max_length=15, choices=Dimension.choices, blank=True)
    name = models.CharField(_("name"), max_length=50)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("rubric dimension")
        verbose_name_plural = _("rubric dimensions")

    def __str__(self) -> str:
        return self.name


class RubricIndicator(models.Model):
    dimension = models.ForeignKey(
        RubricDimension,
        verbose_name=_("dimension"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("name"), max_length=100)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name
