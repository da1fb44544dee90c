"""Cases (典型案例) and media reports (宣传报道): what pilots did, written up, and its coverage.

A case moves draft → submitted → selected → published; `CASE_TRANSITIONS` below is the one
table of its moves (who may make each, from which state to which), used by the services, the
views and the tests alike. A case and a report are placed in the narrowest region that holds
every pilot they are about (`county`, `township`; both empty: more than one county-level
unit), so that `reform.scopes` narrows them like any other record.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from pilots.models import Pilot
from promotion.validators import is_web_link, validate_web_link
from reform.files import AttachmentBase, attachment_upload_path
from reform.models import Dimension, PlanYear, Region
from reform.scopes import Scope


class PlacedRecord(models.Model):
    """A record placed in the narrowest region holding every pilot it is about."""

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

    class Meta:
        abstract = True

    @property
    def place_name(self) -> str:
        """The area the record belongs to, for lists ("东海县 · 牛山街道", or the whole city)."""
        if self.township_id:
            return f"{self.county.name} · {self.township.name}"
        if self.county_id:
            return self.county.name
        return str(_("city-wide"))

    def in_scope(self, scope: Scope) -> bool:
        return scope.allows(county_id=self.county_id, township_id=self.township_id)


# Cases -----------------------------------------------------------------------------------------


class Case(PlacedRecord):
    """A write-up of what one or more pilots did (典型经验、经验做法)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", pgettext_lazy("case status", "submitted")
        SELECTED = "selected", _("selected")
        PUBLISHED = "published", _("published")

    # Cases that go into the year's collection (案例汇编).
    COLLECTED_STATUSES = (Status.SELECTED, Status.PUBLISHED)

    title = models.CharField(_("title"), max_length=200)
    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.PROTECT, related_name="cases"
    )
    summary = models.TextField(_("summary"), max_length=600)
    text = models.TextField(_("text"), max_length=30000)
    status = models.CharField(
        pgettext_lazy("case", "status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    pilots = models.ManyToManyField(
        Pilot, verbose_name=_("pilots"), through="CasePilot", related_name="cases"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(
        pgettext_lazy("case status", "submitted"), null=True, blank=True
    )
    selected_at = models.DateTimeField(_("selected"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The city's comment when it returned the case to its writers; kept until it is resubmitted.
    return_comment = models.TextField(_("comment on return"), blank=True, max_length=2000)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    # Optimistic locking: an edit based on an older version is refused (see services).
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["plan_year", "status"], name="case_year_status_idx"),
            models.Index(fields=["county", "township"], name="case_place_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("promotion:case_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def author_name(self) -> str:
        user = self.author
        return (user.get_full_name() or user.username) if user else ""


class Actor(models.TextChoices):
    """Who may make a move: the writers of the case's area, or the city."""

    # County and township officials (and city staff, administrators) whose scope holds the case.
    WRITER = "writer", _("writers of the case's area")
    # City union staff and administrators.
    CITY = "city", _("city union staff")


class CaseMove(models.TextChoices):
    SUBMIT = "submit", _("Submit to the city")
    RETURN = "return", _("Return for changes")
    SELECT = "select", _("Select")
    PUBLISH = "publish", _("Publish in the library")
    UNPUBLISH = "unpublish", _("Take out of the library")


@dataclass(frozen=True)
class CaseTransition:
    move: str
    source: str
    target: str
    actor: str
    needs_comment: bool = False

    @property
    def is_forward(self) -> bool:
        """Towards publication (shown as the main button), rather than back."""
        order = Case.Status.values
        return order.index(self.target) > order.index(self.source)


S = Case.Status
# The one table of a case's moves. Returning needs a comment, which the writers then read.
CASE_TRANSITIONS: tuple[CaseTransition, ...] = (
    CaseTransition(CaseMove.SUBMIT, S.DRAFT, S.SUBMITTED, Actor.WRITER),
    CaseTransition(CaseMove.RETURN, S.SUBMITTED, S.DRAFT, Actor.CITY, needs_comment=True),
    CaseTransition(CaseMove.SELECT, S.SUBMITTED, S.SELECTED, Actor.CITY),
    CaseTransition(CaseMove.RETURN, S.SELECTED, S.DRAFT, Actor.CITY, needs_comment=True),
    CaseTransition(CaseMove.PUBLISH, S.SELECTED, S.PUBLISHED, Actor.CITY),
    CaseTransition(CaseMove.UNPUBLISH, S.PUBLISHED, S.SELECTED, Actor.CITY),
)
# Who may edit a case in each state: once submitted, the county-level unit no longer can.
CASE_EDITORS: dict[str, str] = {
    S.DRAFT: Actor.WRITER,
    S.SUBMITTED: Actor.CITY,
    S.SELECTED: Actor.CITY,
    S.PUBLISHED: Actor.CITY,
}
del S


def acts_as(scope: Scope, actor: str, case: Case) -> bool:
    """Whether the user of `scope` is `actor` for this case."""
    if actor == Actor.CITY:
        return scope.can_write and scope.is_everywhere
    return scope.allows_write(county_id=case.county_id, township_id=case.township_id)


def case_transition(case: Case, move: str) -> CaseTransition | None:
    """The move from the case's present state, or None when the move is not possible now."""
    for transition in CASE_TRANSITIONS:
        if transition.move == move and transition.source == case.status:
            return transition
    return None


def case_moves_for(case: Case, scope: Scope) -> list[CaseTransition]:
    """The moves this user may make on the case now, in the table's order."""
    return [
        t for t in CASE_TRANSITIONS if t.source == case.status and acts_as(scope, t.actor, case)
    ]


def case_may_edit(case: Case, scope: Scope) -> bool:
    return acts_as(scope, CASE_EDITORS[case.status], case)


def case_may_read(case: Case, scope: Scope) -> bool:
    """Published cases are the library, read by every signed-in user; others in their area."""
    return case.is_published or case.in_scope(scope)


class CasePilot(models.Model):
    """A pilot a case is about, with history of who linked it."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="pilot_links"
    )
    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.PROTECT, related_name="case_links"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pilot of a case")
        verbose_name_plural = _("pilots of cases")
        constraints = [
            models.UniqueConstraint(fields=["case", "pilot"], name="one_link_per_case_pilot"),
        ]

    def __str__(self) -> str:
        return str(self.pilot.enterprise)


class CaseDimension(models.Model):
    """One of the work plan's four dimensions (reform.models.Dimension) a case illustrates."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="dimension_links"
    )
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "dimension"]
        verbose_name = _("dimension of a case")
        verbose_name_plural = _("dimensions of cases")
        constraints = [
            models.UniqueConstraint(fields=["case", "dimension"], name="one_link_per_case_dim"),
            models.CheckConstraint(
                condition=models.Q(dimension__in=Dimension.values), name="case_dimension_known"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_dimension_display())


class CaseAttachment(AttachmentBase):
    """A photo or a file of a case; photos carry a thumbnail for lists and cards."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments"
    )
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=attachment_upload_path, max_length=255, blank=True
    )

    history = HistoricalRecords()

    class Meta(AttachmentBase.Meta):
        verbose_name = _("attachment of a case")
        verbose_name_plural = _("attachments of cases")


# Media reports ---------------------------------------------------------------------------------


class Programme(models.Model):
    """A column (专栏) or programme (专题节目) of an outlet, of which reports are episodes."""

    class Kind(models.TextChoices):
        COLUMN = "column", _("column")
        PROGRAMME = "programme", _("radio or TV programme")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    outlet = models.CharField(_("outlet"), max_length=100)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    # The county-level unit that keeps it; empty: the city.
    county = models.ForeignKey(
        Region,
        verbose_name=_("kept by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("column or programme")
        verbose_name_plural = _("columns and programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "name"],
                name="one_programme_per_outlet_name",
                violation_error_message=_("This outlet already has a column of this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outlet}《{self.name}》"

    def get_absolute_url(self) -> str:
        return reverse("promotion:programme_detail", args=[self.pk])

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end lies before the start.")})

    def runs_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class MediaReport(PlacedRecord):
    """A report that was published about the pilots (宣传报道)."""

    class OutletKind(models.TextChoices):
        MAINSTREAM = "mainstream", _("mainstream media")
        UNION = "union", _("union media")
        NEW_MEDIA = "new_media", _("new media")

    class Level(models.TextChoices):
        NATIONAL = "national", pgettext_lazy("media level", "national")
        PROVINCIAL = "provincial", pgettext_lazy("media level", "provincial")
        CITY = "city", pgettext_lazy("media level", "city")
        COUNTY = "county", pgettext_lazy("media level", "county")

    class Form(models.TextChoices):
        NEWS = "news", _("news")
        FEATURE = "feature", _("feature")
        COLUMN_EPISODE = "column_episode", _("column episode")
        BROADCAST = "broadcast", _("radio or TV programme")
        VIDEO = "video", _("video")

    title = models.CharField(_("title"), max_length=300)
    outlet = models.CharField(_("outlet"), max_length=100)
    outlet_kind = models.CharField(_("outlet kind"), max_length=12, choices=OutletKind.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    form = models.CharField(_("form"), max_length=16, choices=Form.choices)
    published_on = models.DateField(_("date"), db_index=True)
    link = models.URLField(_("link"), max_length=500, blank=True, validators=[validate_web_link])
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("column or programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    pilots = models.ManyToManyField(
        Pilot,
        verbose_name=_("pilots covered"),
        through="ReportPilot",
        related_name="media_reports",
        blank=True,
    )
    cases = models.ManyToManyField(
        Case,
        verbose_name=_("cases covered"),
        through="ReportCase",
        related_name="media_reports",
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("media report")
        verbose_name_plural = _("media reports")
        indexes = [
            models.Index(fields=["county", "township"], name="report_place_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("promotion:report_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.published_on and self.published_on > timezone.localdate():
            errors["published_on"] = _(
                "The date lies in the future: record a report once it is out."
            )
        if (
            self.programme_id
            and self.published_on
            and not self.programme.runs_on(self.published_on)
        ):
            errors["programme"] = _("The report's date lies outside the run of %(programme)s.") % {
                "programme": self.programme
            }
        if errors:
            raise ValidationError(errors)

    @property
    def safe_link(self) -> str:
        """The link when it is a web address (never anything a browser would run)."""
        return self.link if is_web_link(self.link) else ""


class ReportPilot(models.Model):
    report = models.ForeignKey(
        MediaReport,
        verbose_name=_("media report"),
        on_delete=models.CASCADE,
        related_name="pilot_links",
    )
    pilot = models.ForeignKey(
        Pilot, verbose_name=_("pilot"), on_delete=models.PROTECT, related_name="report_links"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pilot of a media report")
        verbose_name_plural = _("pilots of media reports")
        constraints = [
            models.UniqueConstraint(fields=["report", "pilot"], name="one_link_per_report_pilot"),
        ]

    def __str__(self) -> str:
        return str(self.pilot.enterprise)


class ReportCase(models.Model):
    report = models.ForeignKey(
        MediaReport,
        verbose_name=_("media report"),
        on_delete=models.CASCADE,
        related_name="case_links",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="report_links"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case of a media report")
        verbose_name_plural = _("cases of media reports")
        constraints = [
            models.UniqueConstraint(fields=["report", "case"], name="one_link_per_report_case"),
        ]

    def __str__(self) -> str:
        return str(self.case)
