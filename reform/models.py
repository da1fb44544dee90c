"""The core: regions, parks, industries, plan years, quota targets, users with roles and scopes."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reform.industry_codes import match_key, sector_of
from reform.messages import render
from reform.places import place_conflicts


class Region(models.Model):
    """A node of the administrative tree: (province →) city → county-level unit → township."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        COUNTY = "county", _("county-level unit")
        TOWNSHIP = "township", _("township or street")

    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("prefecture-level city")
        DISTRICT = "district", _("district")
        COUNTY = "county", _("county")
        COUNTY_CITY = "county_city", _("county-level city")
        FUNCTIONAL_ZONE = "functional_zone", _("functional zone")
        STREET = "street", _("street")
        TOWN = "town", _("town")
        TOWNSHIP = "township", _("township")
        OTHER = "other", _("other township-level unit")

    # The level a region's parent must have.
    PARENT_LEVEL = {
        Level.CITY: (Level.PROVINCE, None),
        Level.COUNTY: (Level.CITY,),
        Level.TOWNSHIP: (Level.COUNTY,),
        Level.PROVINCE: (None,),
    }
    # A region's code starts with this many digits of its parent's code, by the parent's level.
    CODE_PREFIX = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}

    code = models.CharField(_("statistical code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=["province", "city", "county", "township"]),
                name="region_level_known",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(level__in=["province", "city"]),
                name="region_parent_required_below_city",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("dashboards:region_detail", args=[self.code])

    def clean(self) -> None:
        if not self.code.isdigit():
            raise ValidationError({"code": _("A statistical code has digits only.")})
        allowed = self.PARENT_LEVEL.get(self.level, ())
        parent_level = self.parent.level if self.parent_id else None
        if parent_level not in allowed:
            raise ValidationError(
                {"parent": _("A region of this level cannot lie in a region of that level.")}
            )
        prefix = self.CODE_PREFIX.get(parent_level or "", 0)
        if prefix and not self.code.startswith(self.parent.code[:prefix]):
            raise ValidationError({"code": _("The code does not lie inside the parent's code.")})
        if self.pk:
            # Moving a township to another county would strand what lies in it.
            conflicts = place_conflicts(self)
            if conflicts:
                raise ValidationError({"parent": conflicts})

    @property
    def is_administrative(self) -> bool:
        """False for the township-level units that are not administrative divisions (4xx codes)."""
        return self.kind != self.Kind.OTHER


class Park(models.Model):
    """An industrial park, development zone or high-tech zone."""

    class Kind(models.TextChoices):
        DEVELOPMENT_ZONE = "development_zone", _("development zone")
        HIGH_TECH_ZONE = "high_tech_zone", _("high-tech zone")
        INDUSTRIAL_PARK = "industrial_park", _("industrial park")
        OTHER = "other", _("other")

    class ParkLevel(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")
        MUNICIPAL = "municipal", _("municipal")
        UNKNOWN = "unknown", _("unknown")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(
        _("level"), max_length=12, choices=ParkLevel.choices, default=ParkLevel.UNKNOWN
    )
    # Required: an enterprise's park lies in the enterprise's county-level unit, so a park
    # without one could hold no enterprise (DESIGN.md, "Quota rules").
    county = models.ForeignKey(
        Region,
        verbose_name=_("county-level unit"),
        on_delete=models.PROTECT,
        related_name="parks",
        limit_choices_to={"level": Region.Level.COUNTY},
    )
    source = models.TextField(_("source"), blank=True)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Made up for the demonstration; its level is not confirmed by any source."),
    )

    class Meta:
        ordering = ["county__code", "name"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:park_detail", args=[self.pk])

    def clean(self) -> None:
        if self.county_id and self.county.level != Region.Level.COUNTY:
            raise ValidationError({"county": _("Choose a county-level unit.")})
        if self.pk and self.county_id:
            # Moving the park to another county would strand what lies in it.
            conflicts = place_conflicts(self)
            if conflicts:
                raise ValidationError({"county": conflicts})

    @property
    def counts_as_development_zone(self) -> bool:
        """Whether its enterprises count toward the county's development-zone rule."""
        return is_development_zone(self.kind, self.level)


DEVELOPMENT_ZONE_KINDS = (Park.Kind.DEVELOPMENT_ZONE, Park.Kind.HIGH_TECH_ZONE)
DEVELOPMENT_ZONE_LEVELS = (Park.ParkLevel.NATIONAL, Park.ParkLevel.PROVINCIAL)


def is_development_zone(kind: str, level: str) -> bool:
    return kind in DEVELOPMENT_ZONE_KINDS and level in DEVELOPMENT_ZONE_LEVELS


def development_zone_q(prefix: str = "") -> Q:
    """The same rule as a filter for querysets and aggregates (prefix: "enterprise__park__")."""
    return Q(**{f"{prefix}kind__in": DEVELOPMENT_ZONE_KINDS}) & Q(
        **{f"{prefix}level__in": DEVELOPMENT_ZONE_LEVELS}
    )


class Industry(models.Model):
    """An entry of 国民经济行业分类 GB/T 4754-2017 at any of its four levels (fixtures/).

    The sector is derived from the code by the NBS rule (reform.industries.sector_of) whenever
    an entry is saved; nobody types it.
    """

    class Level(models.TextChoices):
        SECTION = "section", pgettext_lazy("industry level", "section")
        DIVISION = "division", pgettext_lazy("industry level", "division")
        GROUP = "group", pgettext_lazy("industry level", "group")
        CLASS = "class", pgettext_lazy("industry level", "class")

    class Sector(models.TextChoices):
        PRIMARY = "primary", _("primary industry")
        SECONDARY = "secondary", _("secondary industry")
        TERTIARY = "tertiary", _("tertiary industry")

    # The standard's own code: a section letter, or 2, 3 or 4 digits (leading zeros matter).
    code = models.CharField(_("code"), max_length=4, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices, editable=False)
    # The place in the standard's table (sections before their divisions, and so on).
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.sector = sector_of(self.code)
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.name


class CoreIndustry(models.TextChoices):
    """The city's five strategic industries: a tag of the enterprise, not a GB/T entry."""

    PETROCHEMICALS = "petrochemicals", _("petrochemicals")
    NEW_MEDICINE = "new_medicine", _("new medicine")
    NEW_MATERIALS = "new_materials", _("new materials")
    NEW_ENERGY = "new_energy", _("new energy")
    HIGH_END_EQUIPMENT = "high_end_equipment", _("high-end equipment manufacturing")


class IndustrySynonym(models.Model):
    """A word people use for an industry entry, kept by administrators (a 2011 name, a local
    trade word). One text names one entry: `key` is the text as matching compares it, and
    reform.industries.synonym_conflict says why a text may not be added (the admin's form and
    the mapping of unclassified texts ask it)."""

    text = models.CharField(_("text"), max_length=100)
    key = models.CharField(max_length=100, unique=True, editable=False)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.CASCADE,
        related_name="synonyms",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("industry synonym")
        verbose_name_plural = _("industry synonyms")

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs):
        self.key = match_key(self.text)
        super().save(*args, **kwargs)


class PlanYear(models.Model):
    """One year of the programme. Targets and pilots belong to exactly one."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=100, blank=True)
    is_current = models.BooleanField(_("current plan year"), default=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("plan year")
        verbose_name_plural = _("plan years")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_plan_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="plan_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.year)


class QuotaRule(models.Model):
    """One of the work plan's quota rules for one plan year, with its default minimum."""

    class Rule(models.TextChoices):
        CITY = "city", _("city-tier pilots in the city")
        COUNTY = "county", _("county-tier pilots in each county-level unit")
        COUNTY_DEV_ZONE = (
            "county_dev_zone",
            _("of those, in national or provincial development or high-tech zones"),
        )
        TOWNSHIP = "township", _("township-tier pilots in each township and street")

    # The region level each rule is counted for, and the defaults of a new plan year.
    RULE_LEVEL = {
        Rule.CITY: Region.Level.CITY,
        Rule.COUNTY: Region.Level.COUNTY,
        Rule.COUNTY_DEV_ZONE: Region.Level.COUNTY,
        Rule.TOWNSHIP: Region.Level.TOWNSHIP,
    }
    DEFAULT_MINIMUMS = {
        Rule.CITY: 30,
        Rule.COUNTY: 15,
        Rule.COUNTY_DEV_ZONE: 8,
        Rule.TOWNSHIP: 3,
    }

    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.CASCADE, related_name="rules"
    )
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    minimum = models.PositiveIntegerField(_("minimum"))

    class Meta:
        ordering = ["plan_year", "rule"]
        verbose_name = _("quota rule")
        verbose_name_plural = _("quota rules")
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "rule"], name="one_rule_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_year} · {self.get_rule_display()} ≥ {self.minimum}"


class RegionQuota(models.Model):
    """An administrator's exception to a rule for one region: exempt, or its own minimum."""

    plan_year = models.ForeignKey(
        PlanYear,
        verbose_name=_("plan year"),
        on_delete=models.CASCADE,
        related_name="region_quotas",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="quotas"
    )
    rule = models.CharField(_("rule"), max_length=20, choices=QuotaRule.Rule.choices)
    exempt = models.BooleanField(_("exempt"), default=False)
    minimum = models.PositiveIntegerField(_("own minimum"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["plan_year", "region__code", "rule"]
        verbose_name = _("region quota exception")
        verbose_name_plural = _("region quota exceptions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "region", "rule"], name="one_exception_per_region_rule"
            ),
            models.CheckConstraint(
                condition=Q(exempt=True, minimum__isnull=True)
                | Q(exempt=False, minimum__isnull=False),
                name="exception_exempt_xor_minimum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_rule_display()}"

    def clean(self) -> None:
        if self.exempt and self.minimum is not None:
            raise ValidationError(_("Either exempt the region or give it a minimum, not both."))
        if not self.exempt and self.minimum is None:
            raise ValidationError(_("Give the region its own minimum, or exempt it."))
        expected = QuotaRule.RULE_LEVEL.get(self.rule)
        if self.region_id and expected and self.region.level != expected:
            raise ValidationError(
                {"region": _("This rule is counted for regions of another level.")}
            )


class User(AbstractUser):
    """A signed-in person with one role; county and township officials have a region.

    A reviewer (评审专家) may have a county-level unit too: their own unit, so that they never
    score an application from it. It gives them no scope there (reform.scopes).
    """

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        CITY_STAFF = "city_staff", _("city union staff")
        COUNTY = "county", _("county official")
        TOWNSHIP = "township", _("township official")
        LEADER = "leader", _("leader")
        REVIEWER = "reviewer", _("reviewer")

    # The region level each scoped role needs.
    ROLE_REGION_LEVEL = {Role.COUNTY: Region.Level.COUNTY, Role.TOWNSHIP: Region.Level.TOWNSHIP}
    # Roles that may have a region of this level without needing one.
    ROLE_OPTIONAL_REGION_LEVEL = {Role.REVIEWER: Region.Level.COUNTY}

    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.LEADER)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_(
            "The county-level unit or township of a county or township official; a reviewer's "
            "own county-level unit, if any (they never score applications from it)."
        ),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        needed = self.ROLE_REGION_LEVEL.get(self.role)
        if needed and (not self.region_id or self.region.level != needed):
            message = (
                _("A county official needs a county-level unit.")
                if needed == Region.Level.COUNTY
                else _("A township official needs a township.")
            )
            raise ValidationError({"region": message})
        optional = self.ROLE_OPTIONAL_REGION_LEVEL.get(self.role)
        if optional and self.region_id and self.region.level != optional:
            raise ValidationError(
                {"region": _("A reviewer's own unit is a county-level unit, or none.")}
            )
        if not needed and not optional and self.region_id:
            raise ValidationError(
                {"region": _("Only county and township officials and reviewers have a region.")}
            )


class Dimension(models.TextChoices):
    """The four dimensions of the work plan's demonstration units (示范单位评选), also the
    dimensions a case illustrates. A selection round's rubric is editable; these four are its
    default and the fixed vocabulary of cases and reports.
    """

    POLITICAL = "political", _("political building")
    EMPOWERMENT = "empowerment", _("empowerment and growth")
    ACHIEVEMENT = "achievement", _("achievement")
    RIGHTS = "rights", _("rights and services")


class StoredFile(models.Model):
    """A file kept in the database (reform/storage.py: DatabaseStorage): its name and size.

    The bytes are in StoredFileChunk rows, so that a 20 MB file is written and read a piece at
    a time, and every app server reads the same files; one database backup holds them all.
    """

    name = models.CharField(_("name"), max_length=255, unique=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    created_at = models.DateTimeField(_("stored"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.name


class StoredFileChunk(models.Model):
    """One piece of a stored file, from byte `offset` on (pieces are at most 512 KiB)."""

    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="chunks")
    offset = models.BigIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file", "offset"], name="stored_chunk_unique_offset")
        ]

    def __str__(self) -> str:
        return f"{self.file_id}@{self.offset}"


class DataVersion(models.Model):
    """One row whose token changes with every committed write to the data (reform/figures.py).

    Cached figures are filed under the token, so a write makes them obsolete for every app
    server at once: they read the token from the database on each page view.
    """

    token = models.CharField(max_length=32)
    changed = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return self.token


class Job(models.Model):
    """A piece of long work a user started, run by a background worker (reform/jobs.py).

    Its progress is kept here, in the database, so that every app server shows the same bar.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=100)
    subject = models.CharField(_("subject"), max_length=100, blank=True, db_index=True)
    # A stored message (reform.messages): the title in the reader's language.
    title = models.JSONField(_("title"), default=list)
    params = models.JSONField(_("parameters"), default=dict)
    user = models.ForeignKey(
        User, verbose_name=_("started by"), on_delete=models.CASCADE, related_name="jobs"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    # A document or export the job made: downloaded through job_file (the same scoping).
    result_file = models.FileField(_("file made"), upload_to="jobs/", blank=True)
    result_name = models.CharField(_("file name"), max_length=255, blank=True)
    # A stored message (reform.messages), shown in the reader's language.
    message = models.JSONField(_("message"), null=True, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last progress"), auto_now=True)

    class Meta:
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title_text

    def get_absolute_url(self) -> str:
        return reverse("job_detail", args=[self.pk])

    @property
    def title_text(self) -> str:
        return render(self.title)
