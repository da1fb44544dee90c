"""Checks of the stored data against the rules of the models, for `manage.py check_data`.

Every write path of the site validates (forms, import, admin, services), but data fixed by hand
in the database, restored from an old backup or written by a script does not pass through them.
`check_data` finds such records: each app contributes its checks through a `data_checks()`
method on its AppConfig (like `load_reference()`), returning `DataCheck`s; the command runs them
all, lowest layer first. The core does not import the apps above it.

A check is a query, not a loop of full_clean() over every row: the 100,000 enterprises of a
province are checked in a few seconds. `field_checks()` covers what clean_fields() would refuse
(empty required text, text longer than its column, a value outside the choices) in one query
per model, and runs Django's own field validation only on the few rows that query found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length


@dataclass(frozen=True)
class Problem:
    """One record that breaks a rule, and what is wrong with it (in the user's language)."""

    model: type[models.Model]
    pk: object
    message: str

    def line(self) -> str:
        return f"{self.model._meta.verbose_name} #{self.pk}: {self.message}"


@dataclass(frozen=True)
class DataCheck:
    """A rule as a query: `find()` yields (pk, message) for every record of `model` breaking it."""

    model: type[models.Model]
    find: Callable[[], Iterable[tuple[object, str]]]

    def problems(self) -> Iterator[Problem]:
        for pk, message in self.find():
            yield Problem(self.model, pk, str(message))


def each(queryset: models.QuerySet, message: Callable[..., str], *fields: str) -> Iterator:
    """(pk, message(**row)) for every row of the queryset; `fields` are the values it needs."""
    for row in queryset.values("pk", *fields).order_by("pk"):
        yield row["pk"], message(**{name: row[name] for name in fields})


def _text_fields(model: type[models.Model], names: Sequence[str] | None) -> list:
    fields = [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.primary_key
        and (names is None or field.name in names)
    ]
    return fields


def field_checks(model: type[models.Model], *, fields: Sequence[str] | None = None) -> DataCheck:
    """What clean_fields() refuses in the model's text and choice fields, as one query.

    `fields` limits the check to some fields (e.g. the user model's own); default: all.
    """
    checked = _text_fields(model, fields)

    def find() -> Iterator[tuple[object, str]]:
        lengths = {}
        broken = Q()
        for field in checked:
            if not field.blank:
                broken |= Q(**{field.name: ""})
            if isinstance(field, models.CharField) and field.max_length:
                lengths[f"_len_{field.name}"] = Length(field.name)
                broken |= Q(**{f"_len_{field.name}__gt": field.max_length})
            if field.choices:
                allowed = [value for value, _label in field.flatchoices]
                outside = ~Q(**{f"{field.name}__in": allowed})
                if field.blank:
                    outside &= ~Q(**{field.name: ""})
                broken |= outside
        if not broken:
            return
        queryset = model._default_manager.annotate(**lengths).filter(broken).order_by("pk")
        for record in queryset.only("pk", *[field.name for field in checked]):
            messages = []
            for field in checked:
                try:
                    field.clean(getattr(record, field.attname), record)
                except ValidationError as error:
                    messages.append(f"{field.verbose_name}: {' '.join(error.messages)}")
            if messages:
                yield record.pk, "; ".join(messages)

    return DataCheck(model, find)


def all_data_checks() -> list[DataCheck]:
    """Every app's checks, lowest layer first (the order of INSTALLED_APPS)."""
    from django.apps import apps

    checks: list[DataCheck] = []
    for app_config in apps.get_app_configs():
        contribute = getattr(app_config, "data_checks", None)
        if contribute is not None:
            checks.extend(contribute())
    return checks


@dataclass
class Report:
    problems: list[Problem]
    records: int  # how many records of the checked models there are


def run_data_checks(checks: Iterable[DataCheck] | None = None) -> Report:
    checks = list(all_data_checks() if checks is None else checks)
    problems = [problem for check in checks for problem in check.problems()]
    models_checked = {check.model for check in checks}
    records = sum(model._default_manager.count() for model in models_checked)
    return Report(problems=problems, records=records)


# The core's own checks (ReformConfig.data_checks) ------------------------------------------------


def core_data_checks() -> list[DataCheck]:
    from django.db.models.functions import Substr
    from django.utils.translation import gettext as _

    from reform.models import Industry, Park, PlanYear, QuotaRule, Region, RegionQuota, User

    level_label = dict(Region.Level.choices)

    def region_parents() -> Iterator[tuple[object, str]]:
        for level, allowed in Region.PARENT_LEVEL.items():
            levels = [value for value in allowed if value is not None]
            wrong = Q(parent__isnull=False) & ~Q(parent__level__in=levels)
            if None not in allowed:
                wrong |= Q(parent__isnull=True)
            for row in (
                Region.objects.filter(Q(level=level) & wrong)
                .values("pk", "name", "parent__name", "parent__level")
                .order_by("pk")
            ):
                if row["parent__name"] is None:
                    message = _("%(region)s (a %(level)s) has no parent region.")
                else:
                    message = _(
                        "%(region)s (a %(level)s) lies in %(parent)s, a %(parent_level)s; "
                        "a region of this level cannot lie in a region of that level."
                    )
                yield (
                    row["pk"],
                    message
                    % {
                        "region": row["name"],
                        "level": level_label[level],
                        "parent": row["parent__name"],
                        "parent_level": level_label.get(row["parent__level"], ""),
                    },
                )

    def region_codes() -> Iterator[tuple[object, str]]:
        yield from each(
            Region.objects.exclude(code__regex=r"^[0-9]+$"),
            lambda code: (
                _("The statistical code %(code)s has characters other than digits.")
                % {"code": code}
            ),
            "code",
        )
        for parent_level, digits in Region.CODE_PREFIX.items():
            yield from each(
                Region.objects.filter(parent__level=parent_level)
                .annotate(own=Substr("code", 1, digits), parents=Substr("parent__code", 1, digits))
                .exclude(own=F("parents")),
                lambda code, parent__name, parent__code: (
                    _(
                        "The code %(code)s does not lie inside the code %(parent_code)s of its "
                        "parent %(parent)s."
                    )
                    % {"code": code, "parent": parent__name, "parent_code": parent__code}
                ),
                "code",
                "parent__name",
                "parent__code",
            )

    def park_counties() -> Iterator[tuple[object, str]]:
        yield from each(
            Park.objects.exclude(county__level=Region.Level.COUNTY),
            lambda name, county__name: (
                _("The park %(park)s lies in %(region)s, which is not a county-level unit.")
                % {"park": name, "region": county__name}
            ),
            "name",
            "county__name",
        )

    def user_regions() -> Iterator[tuple[object, str]]:
        scoped = Q()
        for role, level in User.ROLE_REGION_LEVEL.items():
            scoped |= Q(role=role)
            wrong = Q(role=role) & (Q(region__isnull=True) | ~Q(region__level=level))
            message = (
                _("%(user)s is a county official but has no county-level unit as region.")
                if level == Region.Level.COUNTY
                else _("%(user)s is a township official but has no township as region.")
            )
            yield from each(
                User.objects.filter(wrong),
                lambda username, message=message: message % {"user": username},
                "username",
            )
        # Reviewers may name their own county-level unit (the conflict rule keeps them off it).
        optional = Q()
        for role, level in User.ROLE_OPTIONAL_REGION_LEVEL.items():
            optional |= Q(role=role, region__level=level)
        yield from each(
            User.objects.filter(region__isnull=False).exclude(scoped).exclude(optional),
            lambda username, region__name: (
                _(
                    "%(user)s has the region %(region)s, but only county and township officials "
                    "(and reviewers, a county-level unit) have a region."
                )
                % {"user": username, "region": region__name}
            ),
            "username",
            "region__name",
        )

    def quota_regions() -> Iterator[tuple[object, str]]:
        rules = dict(QuotaRule.Rule.choices)
        for rule, level in QuotaRule.RULE_LEVEL.items():
            yield from each(
                RegionQuota.objects.filter(rule=rule).exclude(region__level=level),
                lambda region__name, region__level, rule=rule, level=level: (
                    _(
                        "The exception for %(region)s (a %(region_level)s) is on the rule "
                        "“%(rule)s”, which is counted for each %(level)s."
                    )
                    % {
                        "region": region__name,
                        "region_level": level_label.get(region__level, region__level),
                        "rule": rules[rule],
                        "level": level_label[level],
                    }
                ),
                "region__name",
                "region__level",
            )

    return [
        DataCheck(Region, region_parents),
        DataCheck(Region, region_codes),
        field_checks(Region),
        DataCheck(Park, park_counties),
        field_checks(Park),
        field_checks(Industry),
        field_checks(PlanYear),
        field_checks(QuotaRule),
        DataCheck(RegionQuota, quota_regions),
        field_checks(RegionQuota),
        DataCheck(User, user_regions),
        field_checks(User, fields=["username", "role"]),
    ]
