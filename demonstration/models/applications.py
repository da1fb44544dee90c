"""Applications (申报) with their self-assessments and evidence, and their recommendation."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from demonstration.models.rounds import Move, Phase, RubricDimension, SelectionRound
from pilots.models import Pilot
from reform.files import AttachmentBase


class Application(models.Model):
    """A pilot's application (申报) in a round, and the recommendation it received."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RECOMMENDED = "recommended", _("recommended")
        NOT_RECOMMENDED = "not_recommended", _("not recommended")

    S = Status
    DECIDED = (S.SUBMITTED, S.RECOMMENDED, S.NOT_RECOMMENDED)
    MOVES = {
        "open": Move((), S.DRAFT, open_phase=Phase.APPLICATION),
        "edit": Move((S.DRAFT,), S.DRAFT, open_phase=Phase.APPLICATION),
        "submit": Move((S.DRAFT,), S.SUBMITTED, open_phase=Phase.APPLICATION),
        "reopen": Move((S.SUBMITTED,), S.DRAFT, open_phase=Phase.APPLICATION),
        "recommend": Move(DECIDED, S.RECOMMENDED, open_phase=Phase.RECOMMENDATION),
        "decline": Move(DECIDED, S.NOT_RECOMMENDED, open_phase=Phase.RECOMMENDATION),
        # What the county left undecided is closed as not recommended once the phase is over.
        "close": Move((S.SUBMITTED,), S.NOT_RECOMMENDED, after_phase=Phase.RECOMMENDATION),
    }

    round = models.ForeignKey(
        SelectionRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    recommendation_order = models.PositiveSmallIntegerField(
        _("order of recommendation"), null=True, blank=True
    )
    recommendation_opinion = models.TextField(_("recommendation opinion"), blank=True)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recommended by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recommended_at = models.DateTimeField(_("recommended"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "recommendation_order", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "pilot"],
                name="one_application_per_pilot_and_round",
                violation_error_message=_("This pilot already has an application in this round."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot.enterprise.name} · {self.round}"

    def get_absolute_url(self) -> str:
        return reverse("demonstration:application_detail", args=[self.pk])


# The recommendation page of city-tier pilots (the county-level units' go by their codes).
CITY_UNIT = "city"


class ApplicationSection(models.Model):
    """An application's self-assessment on one dimension of the rubric."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    dimension = models.ForeignKey(
        RubricDimension,
        verbose_name=_("dimension"),
        on_delete=models.PROTECT,
        related_name="sections",
    )
    text = models.TextField(_("self-assessment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension__order", "dimension__pk"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "dimension"], name="one_section_per_dimension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.dimension}"


class Evidence(AttachmentBase):
    """An evidence file of a self-assessment (checked by content, reform.files)."""

    section = models.ForeignKey(
        ApplicationSection,
        verbose_name=_("self-assessment"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )

    history = HistoricalRecords()

    class Meta(AttachmentBase.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def get_absolute_url(self) -> str:
        return reverse("demonstration:evidence_download", args=[self.pk])
