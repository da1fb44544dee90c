"""Enterprises and their pilots."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pilots.ownership import Ownership, OwnershipGroup, group_of, state_control_error
from reform.creditcode import CreditCodeError, normalise_credit_code, validate_credit_code
from reform.models import CoreIndustry, Industry, Park, PlanYear, Region
from reform.phones import PhoneError, normalise_phone
from reform.places import place_errors
from reform.text import normalise_lines

# Remarks are a note, not a file: the form, the import and the database all stop here.
REMARKS_MAX_LENGTH = 2000


# HISTORY_USER_NOTE: the history rows of enterprises and pilots name their user without a
# foreign-key constraint in the database. An import of 10,000 rows writes 20,000 history rows,
# and PostgreSQL checked (and locked) the user once per row at commit: a tenth of a large
# confirmation. The rows are written by the site only, for the signed-in user, and a user
# deleted through the site still has their history rows' user set to none (Django applies
# SET_NULL itself); users are deactivated, not deleted, in practice.


class Enterprise(models.Model):
    # The detailed kinds; the group (state-owned, collective, non-public) is derived from them
    # in pilots.ownership.
    Ownership = Ownership
    OwnershipGroup = OwnershipGroup

    class ChainPosition(models.TextChoices):
        UPSTREAM = "upstream", _("upstream")
        DOWNSTREAM = "downstream", _("downstream")

    # The fields people fill in (registration form, Excel import); the credit code is the key.
    DATA_FIELDS = (
        "name",
        "county",
        "township",
        "park",
        "industry",
        "industry_text",
        "core_industry",
        "ownership",
        "state_controls",
        "employee_count",
        "is_leading",
        "chain_position",
        "is_industry_education",
        "contact_name",
        "contact_phone",
        "address",
        "remarks",
    )

    # The work plan's main entry point: enterprises with this many employees or more.
    LARGE_EMPLOYEE_COUNT = 100
    REMARKS_MAX_LENGTH = REMARKS_MAX_LENGTH

    # Indexed in Meta: a plain index for the lists' order, without the pattern-ops twin that
    # db_index adds on PostgreSQL (no query here matches a case-sensitive prefix of the name).
    name = models.CharField(_("enterprise name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    county = models.ForeignKey(
        Region,
        verbose_name=_("county-level unit"),
        on_delete=models.PROTECT,
        related_name="county_enterprises",
        limit_choices_to={"level": Region.Level.COUNTY},
        db_index=False,  # enterprise_region_idx (county, township) serves it
    )
    township = models.ForeignKey(
        Region,
        verbose_name=_("township or street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="township_enterprises",
        limit_choices_to={"level": Region.Level.TOWNSHIP},
    )
    park = models.ForeignKey(
        Park,
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    # GB/T 4754-2017 at any level. Empty while the enterprise is 待归类: then `industry_text`
    # holds what was typed, until an administrator maps that text (pilots.industries).
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    industry_text = models.CharField(
        _("industry as typed"),
        max_length=100,
        blank=True,
        help_text=_("Kept while no GB/T 4754-2017 entry matches it (unclassified)."),
    )
    core_industry = models.CharField(
        _("core industry"), max_length=20, choices=CoreIndustry.choices, blank=True
    )
    ownership = models.CharField(
        _("ownership"),
        max_length=20,
        choices=Ownership.choices,
        help_text=_(
            "State-owned and state-controlled enterprises count as state-owned, collective ones "
            "as collective, all others as non-public; mixed ownership by whether the state "
            "controls it."
        ),
    )
    # Asked for mixed ownership only (empty for every other kind: its kind says it).
    state_controls = models.BooleanField(
        _("state holds control"),
        null=True,
        blank=True,
        help_text=_(
            "For a mixed-ownership enterprise: yes if state capital controls it (it then "
            "counts as state-owned), no if not (non-public)."
        ),
    )
    employee_count = models.PositiveIntegerField(_("employees"), default=0)
    is_leading = models.BooleanField(_("leading enterprise"), default=False)
    chain_position = models.CharField(
        _("chain position"), max_length=12, choices=ChainPosition.choices, blank=True
    )
    is_industry_education = models.BooleanField(
        _("industry-education integration enterprise"), default=False
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    # Stored in one form (reform.phones): 13905181234, 0518-85801234 or 0518-85801234-806.
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=30,
        blank=True,
        help_text=_(
            "A mobile number, or a landline with its area code (0518-85801234; an extension "
            "after a dash or 转)."
        ),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    remarks = models.TextField(
        _("remarks"),
        max_length=REMARKS_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(REMARKS_MAX_LENGTH)],
        help_text=_("Anything worth knowing about the enterprise, at most 2,000 characters."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic locking: a save based on an older version is refused (see services).
    version = models.PositiveIntegerField(default=1, editable=False)

    # The history is read by record (id, date) and by import (change reason), never by these:
    # their indexes only cost every write (an import of 10,000 rows writes 10,000 history rows).
    # No database constraint on the history's user either (see HISTORY_USER_NOTE).
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        no_db_index=["name", "credit_code", "county", "township", "park", "industry"],
        user_db_constraint=False,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["county", "township"], name="enterprise_region_idx"),
            models.Index(fields=["name"], name="enterprise_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_code__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="enterprise_credit_code_format",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("remarks"), REMARKS_MAX_LENGTH),
                name="enterprise_remarks_length",
            ),
            models.CheckConstraint(
                condition=Q(ownership=Ownership.MIXED, state_controls__isnull=False)
                | (~Q(ownership=Ownership.MIXED) & Q(state_controls__isnull=True)),
                name="enterprise_state_control_only_for_mixed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Storage form only (upper case, no spaces); validation stays in clean().
        self.credit_code = normalise_credit_code(self.credit_code)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("pilots:enterprise_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.credit_code:
            try:
                self.credit_code = validate_credit_code(self.credit_code)
            except CreditCodeError as error:
                errors["credit_code"] = str(error)
        self.remarks = normalise_lines(self.remarks)
        try:
            self.contact_phone = normalise_phone(self.contact_phone)
        except PhoneError as error:
            errors["contact_phone"] = str(error)
        if self.county_id:
            errors.update(
                place_errors(
                    county=self.county,
                    township=self.township if self.township_id else None,
                    park=self.park if self.park_id else None,
                )
            )
        control = state_control_error(self.ownership, self.state_controls)
        if control:
            errors["state_controls"] = control
        if not self.industry_id and not self.industry_text.strip():
            errors["industry"] = _("Give the industry: a GB/T 4754-2017 code or name.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_unclassified(self) -> bool:
        """待归类: an industry was typed that no GB/T 4754-2017 entry matches (yet)."""
        return self.industry_id is None and bool(self.industry_text)

    @property
    def sector(self) -> str | None:
        return self.industry.sector if self.industry_id else None

    @property
    def industry_label(self) -> str:
        if self.industry_id:
            return str(self.industry)
        return self.industry_text

    @property
    def ownership_group(self) -> str:
        return group_of(self.ownership, self.state_controls)

    def get_ownership_group_display(self) -> str:
        return str(OwnershipGroup(self.ownership_group).label)

    @property
    def ownership_label(self) -> str:
        """The kind as people say it, with the state-control answer of mixed ownership."""
        if self.ownership != Ownership.MIXED or self.state_controls is None:
            return self.get_ownership_display()
        control = _("state-controlled") if self.state_controls else _("not state-controlled")
        return _("%(kind)s (%(control)s)") % {
            "kind": self.get_ownership_display(),
            "control": control,
        }

    @property
    def is_state_owned(self) -> bool:
        return self.ownership_group == OwnershipGroup.STATE_OWNED

    @property
    def is_large(self) -> bool:
        return self.employee_count >= self.LARGE_EMPLOYEE_COUNT


class Pilot(models.Model):
    """An enterprise's pilot in one plan year, at one tier."""

    class Tier(models.TextChoices):
        CITY = "city", _("city tier")
        COUNTY = "county", _("county tier")
        TOWNSHIP = "township", _("township tier")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        DEMONSTRATION = "demonstration", _("demonstration unit")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # Statuses that count toward a quota; proposed ones are the pipeline.
    COUNTED_STATUSES = (Status.CONFIRMED, Status.DEMONSTRATION)
    # The demonstration status is given and taken by a selection round's naming and its
    # revocation (the demonstration app), never typed: the statuses people set by hand.
    TYPED_STATUSES = (Status.PROPOSED, Status.CONFIRMED, Status.WITHDRAWN)

    # Their own indexes would repeat the first column of one_pilot_per_enterprise_and_year and
    # of pilot_year_tier_idx, which serve the same lookups.
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="pilots",
        db_index=False,
    )
    plan_year = models.ForeignKey(
        PlanYear,
        verbose_name=_("plan year"),
        on_delete=models.PROTECT,
        related_name="pilots",
        db_index=False,
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.PROPOSED
    )
    own_plan = models.TextField(_("own plan (one enterprise, one policy)"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_pilots",
    )
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        no_db_index=["enterprise", "plan_year", "registered_by"],
        user_db_constraint=False,  # see HISTORY_USER_NOTE
    )

    class Meta:
        ordering = ["-plan_year__year", "enterprise__name"]
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "plan_year"],
                name="one_pilot_per_enterprise_and_year",
                violation_error_message=_("This enterprise already has a pilot in this plan year."),
            ),
        ]
        indexes = [
            models.Index(fields=["plan_year", "tier", "status"], name="pilot_year_tier_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.plan_year} · {self.get_tier_display()}"

    def get_absolute_url(self) -> str:
        return reverse("pilots:pilot_detail", args=[self.pk])

    def clean(self) -> None:
        if (
            self.tier == self.Tier.TOWNSHIP
            and self.enterprise_id
            and not self.enterprise.township_id
        ):
            raise ValidationError(
                {"tier": _("A township-tier pilot needs an enterprise with a township.")}
            )

    @property
    def is_counted(self) -> bool:
        return self.status in self.COUNTED_STATUSES


class PilotPlan(models.Model):
    """A pilot's own plan (一企一策): goals, measures and a target date."""

    pilot = models.OneToOneField(
        Pilot, verbose_name=_("pilot"), on_delete=models.CASCADE, related_name="plan"
    )
    goals = models.TextField(_("goals"))
    measures = models.TextField(_("measures"), blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
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
        verbose_name = _("pilot's own plan")
        verbose_name_plural = _("pilots' own plans")

    def __str__(self) -> str:
        return str(self.pilot)

    def get_absolute_url(self) -> str:
        return reverse("pilots:pilot_plan_edit", args=[self.pilot_id])


def import_upload_path(batch: "ImportBatch", filename: str) -> str:
    # The name people gave the file stays in original_name; on disk only the content hash.
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"imports/{timezone.now():%Y/%m}/{batch.sha256[:16]}.{suffix}"


class ImportBatch(models.Model):
    """One uploaded list (the enterprise list, or another kind: pilots.imports.kinds): the file,
    what it would change, and what became of it. The enterprise_* counts hold a kind's own
    records (media reports: reports created, updated, unchanged).

    The preview (every row's planned change and every error) is kept as a compressed JSON file
    next to the original, so the confirmation applies exactly what the user saw.
    """

    class Status(models.TextChoices):
        # A large upload is checked by a background task (pilots/imports/jobs.py).
        PREVIEWING = "previewing", _("being checked")
        PREVIEWED = "previewed", _("previewed")
        APPLIED = "applied", _("applied")
        DISCARDED = "discarded", _("discarded")
        FAILED = "failed", _("failed")
        UNDONE = "undone", _("undone")

    # What the list is (pilots.imports.kinds): the enterprise list, media reports, …
    kind = models.CharField(_("kind of list"), max_length=20, default="enterprises")
    original = models.FileField(_("uploaded file"), upload_to=import_upload_path)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    plan = models.FileField(_("preview data"), upload_to="imports/plans/", blank=True)
    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.PROTECT, related_name="imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # The uploader's scope at upload time: the batch is listed inside that scope.
    scope_county = models.ForeignKey(
        Region,
        verbose_name=_("county-level unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_township = models.ForeignKey(
        Region,
        verbose_name=_("township or street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    message = models.TextField(_("message"), blank=True)
    # The message as a code and its values (reform.messages), read in the reader's language;
    # batches from before keep only `message`.
    message_code = models.JSONField(null=True, blank=True, default=None)
    header_row = models.PositiveIntegerField(_("header row"), null=True, blank=True)
    unrecognised = models.JSONField(_("unrecognised columns"), default=list, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    enterprises_created = models.PositiveIntegerField(_("enterprises created"), default=0)
    enterprises_updated = models.PositiveIntegerField(_("enterprises updated"), default=0)
    enterprises_unchanged = models.PositiveIntegerField(_("enterprises unchanged"), default=0)
    pilots_created = models.PositiveIntegerField(_("pilots created"), default=0)
    pilots_updated = models.PositiveIntegerField(_("pilots updated"), default=0)
    pilots_unchanged = models.PositiveIntegerField(_("pilots unchanged"), default=0)
    # Links the extension columns add (pilots.imports.columns), by field: {"cluster": 3}.
    link_counts = models.JSONField(_("links added"), default=dict, blank=True)
    # A digest of the matched records' versions at preview time: confirm compares it.
    state_digest = models.CharField(max_length=64, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        indexes = [
            models.Index(fields=["scope_county", "scope_township"], name="import_scope_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    def get_absolute_url(self) -> str:
        from pilots.imports.kinds import kind_of

        return kind_of(self).url("detail", self.pk)

    @property
    def message_text(self) -> str:
        """Why the batch failed, in the reader's language."""
        from reform.messages import render

        return render(self.message_code) if self.message_code else self.message

    @property
    def change_reason(self) -> str:
        """What the history records of this batch's changes carry."""
        return f"import:{self.pk}"

    @property
    def area_name(self) -> str:
        """The uploader's area; empty for the whole city."""
        region = self.scope_township or self.scope_county
        return region.name if region else ""

    @property
    def uploader_name(self) -> str:
        user = self.created_by
        return (user.get_full_name() or user.username) if user else ""

    @property
    def rows_accepted(self) -> int:
        return self.row_count - self.rows_rejected

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.enterprises_created
            + self.enterprises_updated
            + self.pilots_created
            + self.pilots_updated
            + sum(self.link_counts.values())
        )


class ProgressSnapshot(models.Model):
    """One region against one rule of a plan year as it stood on a date (pilots/snapshots.py).

    Filled only from pilots/quotas.py's reading of the figures, one day's rows at a time, and
    kept small: five small integers and a status per region, rule and day (README, "Progress
    snapshots", says what a city-year and a province-year cost). `target` None: exempt, or the
    plan year has no such rule (status "unset").
    """

    # No surrogate id: year, region, day and rule are the key and its one index, in the order the
    # pages read it (a region's rows of a day, or of every day up to one).
    pk = models.CompositePrimaryKey("plan_year", "region", "date", "rule")
    date = models.DateField(_("date"))
    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.CASCADE, related_name="snapshots"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    rule = models.CharField(_("rule"), max_length=20)
    count = models.PositiveSmallIntegerField(_("counted pilots"))
    pipeline = models.PositiveSmallIntegerField(_("proposed pilots"))
    target = models.PositiveSmallIntegerField(_("target"), null=True, blank=True)
    gap = models.PositiveSmallIntegerField(_("still missing"))
    status = models.CharField(_("status"), max_length=8)

    class Meta:
        verbose_name = _("progress snapshot")
        verbose_name_plural = _("progress snapshots")

    def __str__(self) -> str:
        return f"{self.date} · {self.region_id} · {self.rule}: {self.count}/{self.target}"


class ProgressSummarySnapshot(models.Model):
    """A rule over the regions of a city or county-level unit on a date, as its page sums it up
    (pilots/quotas.py's `RuleSummary`): kept beside the region rows so that a trend line reads
    one row a day, not one per township.

    A city has one per rule (its own city rule, and the county, development-zone and township
    rules over its units); a county-level unit one per rule of its page (its own two, and the
    township rule over its townships). Only the regions with a target take part.
    """

    pk = models.CompositePrimaryKey("plan_year", "region", "date", "rule")
    date = models.DateField(_("date"))
    plan_year = models.ForeignKey(PlanYear, verbose_name=_("plan year"), on_delete=models.CASCADE)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    rule = models.CharField(_("rule"), max_length=20)
    count = models.PositiveIntegerField(_("counted pilots"))
    target = models.PositiveIntegerField(_("target"))  # the regions' targets added up
    met = models.PositiveIntegerField(_("regions meeting the rule"))
    regions = models.PositiveIntegerField(_("regions with a target"))

    class Meta:
        verbose_name = _("progress summary snapshot")
        verbose_name_plural = _("progress summary snapshots")

    def __str__(self) -> str:
        return f"{self.date} · {self.region_id} · {self.rule}: {self.count}/{self.target}"
