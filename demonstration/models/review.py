"""Review (评审), the notice list (公示) with its objections, and naming (命名)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from demonstration.models.applications import Application
from demonstration.models.rounds import POINTS, Move, Phase, RubricIndicator, SelectionRound
from pilots.models import Pilot


class RoundReviewer(models.Model):
    """A reviewer appointed for a round by city staff."""

    # Appointing (and taking off) reviewers: any time until the review is over.
    MOVES = {"appoint": Move((), None, before_end_of=Phase.REVIEW)}

    round = models.ForeignKey(
        SelectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="reviewers",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="appointments",
        limit_choices_to={"role": "reviewer"},
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appointed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    appointed_at = models.DateTimeField(_("appointed"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("appointed reviewer")
        verbose_name_plural = _("appointed reviewers")
        constraints = [
            models.UniqueConstraint(fields=["round", "reviewer"], name="one_appointment_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.reviewer}"


class Assignment(models.Model):
    """A reviewer's assignment to score one application: their scores, comment and whether
    they submitted (final)."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("to score")
        SUBMITTED = "submitted", _("submitted")

    S = Status
    MOVES = {
        "assign": Move(
            (), S.ASSIGNED, after_phase=Phase.RECOMMENDATION, before_end_of=Phase.REVIEW
        ),
        "unassign": Move(
            (S.ASSIGNED,), None, after_phase=Phase.RECOMMENDATION, before_end_of=Phase.REVIEW
        ),
        "score": Move((S.ASSIGNED,), S.ASSIGNED, open_phase=Phase.REVIEW),
        "submit": Move((S.ASSIGNED,), S.SUBMITTED, open_phase=Phase.REVIEW),
    }

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED
    )
    comment = models.TextField(_("comment"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_assignment_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.reviewer}"

    def get_absolute_url(self) -> str:
        return reverse("demonstration:review_score", args=[self.pk])


class Score(models.Model):
    """Points a reviewer gave on one indicator: 0 to its maximum, whole or half points."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(
        RubricIndicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    points = models.DecimalField(_("points"), **POINTS)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "indicator"], name="one_score_per_indicator"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.points}"


class NoticeEntry(models.Model):
    """A unit on the notice list (公示名单): its place, and why it differs from the ranking."""

    round = models.ForeignKey(
        SelectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="notice_entries",
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="notice_entry",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    reason = models.TextField(
        _("reason for the change"),
        blank=True,
        help_text=_("Needed when the list departs from the ranking."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("taken off"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removal_reason = models.TextField(_("reason for taking it off"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "position", "pk"]
        verbose_name = _("notice list entry")
        verbose_name_plural = _("notice list entries")

    def __str__(self) -> str:
        return f"{self.position}. {self.application}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class Objection(models.Model):
    """An objection (异议) received during the public notice, and how it was handled."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("being handled")
        UPHELD = "upheld", _("upheld")
        REJECTED = "rejected", _("not upheld")

    round = models.ForeignKey(
        SelectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    entry = models.ForeignKey(
        NoticeEntry,
        verbose_name=_("concerning"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
        help_text=_("The unit on the list it is about; empty for the list as a whole."),
    )
    objector = models.CharField(
        _("from"), max_length=200, help_text=_("Who raised it (a name, a unit, or anonymous).")
    )
    content = models.TextField(_("objection"))
    received_at = models.DateTimeField(_("received"))
    handling = models.TextField(_("how it was handled"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "received_at", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.round} · {self.objector}"


class Naming(models.Model):
    """A pilot named demonstration unit (命名) by a round; a naming can be revoked."""

    class State(models.TextChoices):
        ACTIVE = "active", _("named")
        REVOKED = "revoked", _("revoked")

    MOVES = {"revoke": Move((State.ACTIVE,), State.REVOKED)}

    round = models.ForeignKey(
        SelectionRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="namings"
    )
    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.PROTECT, related_name="namings"
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="naming",
    )
    named_on = models.DateField(_("named on"))
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revoking"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-named_on", "pk"]
        verbose_name = _("naming")
        verbose_name_plural = _("namings")
        constraints = [
            models.UniqueConstraint(fields=["round", "pilot"], name="one_naming_per_round_pilot")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.pilot.enterprise.name}"

    @property
    def state(self) -> str:
        return self.State.REVOKED if self.revoked_at else self.State.ACTIVE
