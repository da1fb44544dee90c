"""Reads of enterprises and pilots, always narrowed to a scope."""

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Model, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext, pgettext

from pilots.models import Enterprise, ImportBatch, Pilot
from reform.models import Industry, Park, PlanYear, Region, User
from reform.scopes import Scope
from reform.text import name_key, normalise_text

ENTERPRISE_PLACE = {"county": "county", "township": "township"}
PILOT_PLACE = {"county": "enterprise__county", "township": "enterprise__township"}
# An import is listed inside the scope of the one who uploaded it.
BATCH_PLACE = {"county": "scope_county", "township": "scope_township"}

# Shorter keys ("科技", "有限公司") are in too many names to say anything.
SIMILAR_MIN_KEY = 4
SIMILAR_LIMIT = 5


def enterprise_list(*, scope: Scope) -> QuerySet[Enterprise]:
    queryset = Enterprise.objects.select_related("county", "township", "park", "industry")
    return scope.filter(queryset, **ENTERPRISE_PLACE)


def pilot_list(*, scope: Scope) -> QuerySet[Pilot]:
    queryset = Pilot.objects.select_related(
        "plan_year",
        "enterprise",
        "enterprise__county",
        "enterprise__township",
        "enterprise__park",
        "enterprise__industry",
        "registered_by",
    )
    return scope.filter(queryset, **PILOT_PLACE)


def import_batch_list(*, scope: Scope) -> QuerySet[ImportBatch]:
    queryset = ImportBatch.objects.select_related(
        "created_by", "scope_county", "scope_township", "plan_year"
    )
    return scope.filter(queryset, **BATCH_PLACE)


def enterprise_by_credit_code(code: str, *, exclude_pk: int | None = None) -> Enterprise | None:
    """The enterprise registered with this code anywhere (the caller decides what to show)."""
    queryset = Enterprise.objects.select_related("county", "township").filter(credit_code=code)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.first()


# Keys are cut to this length for the substring look-up: at most a few hundred parameters.
SUBSTRING_KEY_LIMIT = 32


def _substrings(key: str) -> list[str]:
    key = key[:SUBSTRING_KEY_LIMIT]
    return [
        key[start:end]
        for start in range(len(key))
        for end in range(start + SIMILAR_MIN_KEY, len(key) + 1)
    ]


def enterprises_with_similar_names(name: str, *, exclude_pk: int | None = None) -> list[Enterprise]:
    """Enterprises whose name key equals this one's, or contains it, or lies inside it.

    The database narrows the candidates (indexed name look-ups), Python compares the keys.
    """
    key = name_key(name)
    if len(key) < SIMILAR_MIN_KEY:
        return []
    text = normalise_text(name)
    candidates = Enterprise.objects.filter(
        Q(name__icontains=text)
        | Q(name__istartswith=text[:SIMILAR_MIN_KEY])
        | Q(name__in=_substrings(key))
    ).select_related("county")
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    similar = []
    for enterprise in candidates[:200]:
        other = name_key(enterprise.name)
        if len(other) >= SIMILAR_MIN_KEY and (other == key or other in key or key in other):
            similar.append(enterprise)
        if len(similar) == SIMILAR_LIMIT:
            break
    return similar


# History ------------------------------------------------------------------------------------

# Foreign keys shown by name rather than by id in a change list.
_HISTORY_FK_MODELS = {
    "county": Region,
    "township": Region,
    "park": Park,
    "industry": Industry,
    "plan_year": PlanYear,
    "enterprise": Enterprise,
    "registered_by": User,
}
_HISTORY_SKIPPED = {"version", "created_at", "registered_at"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str  # +, ~, -
    changes: list[Change] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        labels = {
            "+": pgettext("history entry", "created"),
            "~": pgettext("history entry", "changed"),
            "-": pgettext("history entry", "deleted"),
        }
        return labels.get(self.kind, self.kind)


def _display(model: type[Model], field_name: str, value, names: dict) -> str:
    if value in (None, ""):
        return "—"
    model_field = model._meta.get_field(field_name)
    if field_name in _HISTORY_FK_MODELS:
        return names.get((field_name, value), str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def _label(obj: Model) -> str:
    if isinstance(obj, User):
        return obj.get_full_name() or obj.username
    return str(obj)


def _fk_names(records: list, field_names: list[str]) -> dict:
    """(field, id) → display name, one query per related model that occurs."""
    wanted: dict[type[Model], set] = {}
    for record in records:
        for name in field_names:
            value = getattr(record, f"{name}_id", None)
            if value is not None and name in _HISTORY_FK_MODELS:
                wanted.setdefault(_HISTORY_FK_MODELS[name], set()).add(value)
    by_model = {
        model: {obj.pk: _label(obj) for obj in model.objects.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }
    names = {}
    for name, model in _HISTORY_FK_MODELS.items():
        for pk, label in by_model.get(model, {}).items():
            names[(name, pk)] = label
    return names


def record_history(record: Model, *, limit: int | None = None) -> list[HistoryEntry]:
    """Who changed what and when, newest first, each change as field: old → new."""
    model = type(record)
    history = record.history.select_related("history_user").order_by("-history_date")
    # One more than shown, so that the oldest shown entry can still be compared.
    records = list(history[: limit + 1] if limit else history)
    tracked = [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in _HISTORY_SKIPPED
        and f.name in {h.name for h in model.history.model._meta.fields}
        and f.name != "id"
    ]
    names = _fk_names(records, tracked)
    entries = []
    for index, current in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        for name in tracked:
            attname = model._meta.get_field(name).attname
            new = getattr(current, attname)
            old = getattr(previous, attname) if previous else None
            if previous is None and new in (None, "", False, 0):
                continue
            if previous is not None and old == new:
                continue
            changes.append(
                Change(
                    field=str(model._meta.get_field(name).verbose_name),
                    old=_display(model, name, old, names) if previous else "",
                    new=_display(model, name, new, names),
                )
            )
        user = current.history_user
        entries.append(
            HistoryEntry(
                when=current.history_date,
                who=(user.get_full_name() or user.username) if user else "—",
                kind=current.history_type,
                changes=changes,
            )
        )
    return entries[:limit] if limit else entries


def pilot_names_in_region(*, plan_year, region, tiers=None) -> QuerySet[Pilot]:
    """A township's (or county's) pilots of a plan year for the dashboards, which every signed-in
    user may see: names, tier, status, place, industry and park — no contact fields are loaded;
    the remarks are, for the download to show them where the user may open the enterprise
    (dashboards.records). `tiers` narrows to some tiers (a county page: its county- and
    city-tier pilots)."""
    lookup = "enterprise__township" if region.level == "township" else "enterprise__county"
    pilots = Pilot.objects.filter(plan_year=plan_year, **{lookup: region})
    if tiers is not None:
        pilots = pilots.filter(tier__in=tiers)
    return (
        pilots.select_related(
            "enterprise", "enterprise__industry", "enterprise__park", "enterprise__township"
        )
        .only(
            "tier",
            "status",
            "plan_year_id",
            "enterprise__name",
            "enterprise__county_id",
            "enterprise__township__name",
            "enterprise__township__code",
            "enterprise__employee_count",
            "enterprise__industry__code",
            "enterprise__industry__name",
            "enterprise__industry_text",
            "enterprise__park__name",
            "enterprise__park__kind",
            "enterprise__park__level",
            "enterprise__remarks",
        )
        .order_by("tier", "enterprise__name")
    )


# The search of the header and of the lists ---------------------------------------------------

SEARCH_LIMIT = 50


def search_q(value: object, *, prefix: str = "") -> Q | None:
    """Enterprises whose name contains the text or whose credit code contains it; None for no text.

    The text is normalised as people paste it (full-width → half-width, invisible characters
    and extra spaces gone); a credit code is compared without spaces and in upper case.
    `prefix` leads from the row to the enterprise ("enterprise__" for pilots).
    """
    text = normalise_text(value)
    if not text:
        return None
    code = text.replace(" ", "").upper()
    return Q(**{f"{prefix}name__icontains": text}) | Q(**{f"{prefix}credit_code__icontains": code})


def search_enterprises(
    *, scope: Scope, query: str, plan_year: PlanYear | None, limit: int = SEARCH_LIMIT
) -> tuple[list[Enterprise], int]:
    """The enterprises in scope that match (at most `limit`, exact matches first) and how many
    match in all. Each carries `year_pilots`: its pilot of the plan year, if any (3 queries).
    """
    condition = search_q(query)
    if condition is None:
        return [], 0
    text = normalise_text(query)
    matches = enterprise_list(scope=scope).filter(condition)
    closeness = Case(
        When(Q(name=text) | Q(credit_code=text.replace(" ", "").upper()), then=Value(0)),
        When(name__istartswith=text, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    year_pilots = Pilot.objects.filter(plan_year=plan_year) if plan_year else Pilot.objects.none()
    found = list(
        matches.annotate(closeness=closeness)
        .order_by("closeness", "name", "pk")
        .prefetch_related(Prefetch("pilots", queryset=year_pilots, to_attr="year_pilots"))[:limit]
    )
    return found, matches.count()
