"""The bulletin (通报): the city's progress of a plan year as of a date, for the counties.

All its figures are read through ONE function, `bulletin_figures(plan_year, as_of)`: the live
figures of pilots/quotas.py (the same call as the overview) when `as_of` is today, the figures a
bulletin issued for that date printed otherwise, else those of the last progress snapshot on or
before it (pilots/snapshots.py, what the dashboard shows with `?as_of=`). They are plain data
(JSON), so an issued bulletin keeps them and the next one says exactly what changed since. The
wording is the city's (`BulletinWording`, dashboards/models.py); the good examples of the period
come from the demonstration and promotion selectors.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dashboards.models import Bulletin, BulletinWording, fill
from demonstration.selectors import namings_between
from pilots.quotas import STATUS_LABELS, percent_of, quota_progress
from pilots.snapshots import snapshot_dates, snapshot_progress
from promotion.selectors import cases_published_between, reports_between
from reform.documents import DocumentWriter
from reform.models import PlanYear, QuotaRule, Region, User

Rule = QuotaRule.Rule
REGION_RULES = (Rule.COUNTY, Rule.COUNTY_DEV_ZONE, Rule.TOWNSHIP)


class BulletinError(ValueError):
    """A bulletin that cannot be made; str() is for the user. Nothing was changed."""


# The figures ------------------------------------------------------------------------------------


def _city() -> Region:
    city = Region.objects.filter(level=Region.Level.CITY).order_by("code").first()
    if city is None:
        raise BulletinError(_("There is no city in the region tree."))
    return city


def _live_figures(plan_year: PlanYear, as_of: datetime.date) -> dict:
    """The figures of the overview today (pilots/quotas.py, 4 queries)."""
    city = _city()
    return _figures(plan_year, as_of, city, quota_progress(plan_year, within=city))


def _figures(plan_year: PlanYear, as_of: datetime.date, city: Region, progress) -> dict:
    """The bulletin's figures from a city's progress, today's or a snapshot's."""
    if not progress.has_targets:
        raise BulletinError(
            _("The plan year %(year)s has no targets yet: there is nothing to report on.")
            % {"year": plan_year.year}
        )
    city_row = progress.get(city, Rule.CITY)
    rules = {
        Rule.CITY: {
            "count": city_row.count,
            "target": city_row.target,
            "gap": city_row.gap,
            "pipeline": city_row.pipeline,
        }
    }
    for rule in REGION_RULES:
        summary = progress.summary(rule)
        rules[rule] = {
            "count": summary.count,
            "target": summary.minimum,
            "gap": summary.gap,
            "pipeline": summary.pipeline,
            "met": summary.met_count,
            "regions": summary.region_count,
        }
    counties = []
    for county in progress.counties(city):
        percents = [
            min(100, percent_of(row.count, row.target))
            for row in (county.main, county.dev)
            if row.target
        ]
        if county.townships.region_count:
            percents.append(percent_of(county.townships.met_count, county.townships.region_count))
        counties.append(
            {
                "code": county.county.code,
                "name": county.county.name,
                "county_count": county.main.count,
                "county_target": county.main.target,
                "dev_count": county.dev.count,
                "dev_target": county.dev.target,
                "townships_met": county.townships.met_count,
                "townships": county.townships.region_count,
                "status": county.status,
                "completion": percent_of(sum(percents), 100 * len(percents)) if percents else 100,
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "city": city.name,
        # Every counted pilot of the city, exempt regions' too: city, county and township tier.
        "total": sum(
            row.count
            for rule in (Rule.CITY, Rule.COUNTY, Rule.TOWNSHIP)
            for row in progress.rules[rule].rows
        ),
        "rules": rules,
        "counties": counties,
    }


def bulletin_figures(plan_year: PlanYear, as_of: datetime.date) -> dict:
    """The bulletin's figures for a plan year as of a date: the one place they are read.

    Today: the live figures, the overview's. An earlier date: the figures of the bulletin
    issued for it. A date in the future, or an earlier one without figures: BulletinError.
    """
    today = timezone.localdate()
    if as_of > today:
        raise BulletinError(
            _("%(date)s lies in the future: a bulletin reports what has happened.")
            % {"date": as_of.isoformat()}
        )
    if as_of == today:
        return _live_figures(plan_year, as_of)
    issued = Bulletin.objects.filter(plan_year=plan_year, as_of=as_of).first()
    if issued is not None:
        return issued.figures
    # The last snapshot on or before the date (pilots/snapshots.py): the dashboard's figures
    # of `?as_of=` for the same date.
    city = _city()
    dates = snapshot_dates(plan_year, as_of, city)
    if dates.shown is None:
        raise BulletinError(
            _(
                "No figures were kept for %(date)s: a bulletin can be made as of today, as of "
                "the date of a bulletin issued before, or as of a day with a progress snapshot."
            )
            % {"date": as_of.isoformat()}
        )
    progress = snapshot_progress(plan_year, dates.shown, within=city)
    return _figures(plan_year, as_of, city, progress)


def previous_bulletin(plan_year: PlanYear, as_of: datetime.date) -> Bulletin | None:
    return Bulletin.objects.filter(plan_year=plan_year, as_of__lt=as_of).order_by("-as_of").first()


def signed(number: int | None) -> str:
    """A change as people write it: +3, -1, 0; — without a previous bulletin."""
    if number is None:
        return "—"
    return f"+{number}" if number > 0 else str(number)


def _change(now: int, before: dict | None, *path) -> int | None:
    if before is None:
        return None
    value = before
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            return None
    return now - value


@dataclass
class CountyLine:
    rank: int
    figures: dict
    change: str

    @property
    def behind(self) -> bool:
        return self.figures["status"] == "far"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.figures["status"]])


# The bulletin ----------------------------------------------------------------------------------


def default_wording() -> BulletinWording:
    """The wording of a city that has not written its own (in the user's language)."""
    return BulletinWording(
        title=_("{city} industrial-workforce reform pilots: bulletin of {year}, as of {date}"),
        opening=_(
            "As of {date}, the city counts {total} pilot enterprises of the plan year {year} "
            "(confirmed and demonstration units), {total_change} since the previous bulletin "
            "({previous_date})."
        ),
        city_rule=_(
            "{rule}: {count} of {target}, {gap} still missing, {pipeline} proposed; {change} "
            "since the previous bulletin."
        ),
        region_rule=_(
            "{rule}: {met} of {regions} regions meet it ({met_change} since the previous "
            "bulletin); {count} pilots counted, {gap} still missing, {pipeline} proposed; "
            "{change} pilots since the previous bulletin."
        ),
        ranking=_("The county-level units, ranked by the average completion of their rules:"),
        behind=_("Far behind their targets ({number}): {units}. They are asked to speed up."),
        examples=_(
            "Good examples of the period: {namings} units named demonstration units, {cases} "
            "cases published in the case library, {reports} media reports."
        ),
        closing=_(
            "Every county-level unit is asked to close its gaps, starting with the candidates "
            "the platform lists for each of them."
        ),
        issuer=_("{city} Federation of Trade Unions"),
    )


def wording() -> BulletinWording:
    return BulletinWording.objects.order_by("pk").first() or default_wording()


@dataclass
class BulletinView:
    plan_year: PlanYear
    as_of: datetime.date
    figures: dict
    previous: Bulletin | None
    texts: dict
    rule_paragraphs: list[str]
    counties: list[CountyLine]
    behind: list[CountyLine]
    namings: list
    cases: list
    reports: list


def _day(value: datetime.date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else "—"


def build_bulletin(plan_year: PlanYear, as_of: datetime.date) -> BulletinView:
    figures = bulletin_figures(plan_year, as_of)
    previous = previous_bulletin(plan_year, as_of)
    before = previous.figures if previous else None
    texts = wording()
    common = {
        "city": figures["city"],
        "year": plan_year.year,
        "date": _day(as_of),
        "previous_date": _day(previous.as_of if previous else None),
    }
    rule_paragraphs = []
    for rule, values in figures["rules"].items():
        slots = common | values | {"rule": capfirst(str(QuotaRule.Rule(rule).label))}
        slots["change"] = signed(_change(values["count"], before, "rules", rule, "count"))
        if rule == Rule.CITY:
            rule_paragraphs.append(fill(texts.city_rule, slots))
        else:
            slots["met_change"] = signed(_change(values["met"], before, "rules", rule, "met"))
            rule_paragraphs.append(fill(texts.region_rule, slots))
    earlier = {c["code"]: c for c in before["counties"]} if before else {}
    ranked = sorted(
        figures["counties"],
        key=lambda c: (-c["completion"], -c["county_count"], -c["dev_count"], c["code"]),
    )
    counties = []
    for rank, county in enumerate(ranked, start=1):
        old = earlier.get(county["code"])
        parts = [
            _change(county[key], old, key) if old else None
            for key in ("county_count", "dev_count", "townships_met")
        ]
        change = " / ".join(signed(part) for part in parts) if old else "—"
        counties.append(CountyLine(rank=rank, figures=county, change=change))
    behind = [line for line in counties if line.behind]
    after = previous.as_of if previous else None
    namings = list(namings_between(plan_year, after=after, until=as_of))
    cases = list(cases_published_between(plan_year, after=after, until=as_of))
    reports = list(reports_between(after=after, until=as_of))
    rendered = {
        "title": fill(texts.title, common),
        "opening": fill(
            texts.opening,
            common
            | {
                "total": figures["total"],
                "total_change": signed(_change(figures["total"], before, "total")),
            },
        ),
        "ranking": fill(texts.ranking, common),
        "behind": fill(
            texts.behind,
            common
            | {"units": "、".join(line.figures["name"] for line in behind), "number": len(behind)},
        )
        if behind
        else "",
        "examples": fill(
            texts.examples,
            common | {"namings": len(namings), "cases": len(cases), "reports": len(reports)},
        ),
        "closing": fill(texts.closing, common),
        "issuer": fill(texts.issuer, common),
        "date": _day(as_of),
    }
    return BulletinView(
        plan_year=plan_year,
        as_of=as_of,
        figures=figures,
        previous=previous,
        texts=rendered,
        rule_paragraphs=rule_paragraphs,
        counties=counties,
        behind=behind,
        namings=namings,
        cases=cases,
        reports=reports,
    )


def ranking_header() -> list[str]:
    return [
        _("Rank"),
        _("County-level unit"),
        _("County-tier pilots"),
        _("In development zones"),
        _("Townships meeting their rule"),
        _("Completion"),
        _("Change (county tier / zones / townships)"),
    ]


def ranking_row(line: CountyLine) -> list[str]:
    f = line.figures

    def of(count, target):
        return f"{count} / {target if target is not None else '—'}"

    return [
        str(line.rank),
        f["name"],
        of(f["county_count"], f["county_target"]),
        of(f["dev_count"], f["dev_target"]),
        of(f["townships_met"], f["townships"]),
        f"{f['completion']}%",
        line.change,
    ]


def bulletin_docx(bulletin: BulletinView) -> bytes:
    writer = DocumentWriter()
    texts = bulletin.texts
    writer.title(texts["title"], size=18)
    writer.paragraph(texts["date"], center=True)
    writer.paragraph("")
    if texts["opening"]:
        writer.paragraph(texts["opening"], indent=True)
    for paragraph in bulletin.rule_paragraphs:
        writer.paragraph(paragraph, indent=True)
    if texts["ranking"]:
        writer.paragraph(texts["ranking"], indent=True)
    rows = [ranking_header(), *[ranking_row(line) for line in bulletin.counties]]
    red = {index for index, line in enumerate(bulletin.counties, start=1) if line.behind}
    writer.table(rows, widths=[1.2, 3.2, 2.2, 2.2, 2.4, 1.8, 3.2], red_rows=red)
    if texts["behind"]:
        writer.paragraph("")
        writer.paragraph(texts["behind"], indent=True, color="C01F1F")
    writer.paragraph("")
    writer.paragraph(texts["examples"], indent=True)
    for item in example_lines(bulletin):
        writer.paragraph(item, indent=True)
    if texts["closing"]:
        writer.paragraph(texts["closing"], indent=True)
    writer.paragraph("")
    writer.paragraph(texts["issuer"], right=True)
    writer.paragraph(texts["date"], right=True)
    return writer.bytes()


def example_lines(bulletin: BulletinView) -> list[str]:
    """One line per good example: the units named, the cases published, the media reports."""
    lines = [
        _("Named demonstration unit: %(unit)s (%(county)s)")
        % {"unit": n.pilot.enterprise.name, "county": n.pilot.enterprise.county.name}
        for n in bulletin.namings
    ]
    lines += [_("Case published: %(title)s") % {"title": case.title} for case in bulletin.cases]
    lines += [
        _("Media report: %(title)s (%(outlet)s, %(day)s)")
        % {"title": report.title, "outlet": report.outlet, "day": _day(report.published_on)}
        for report in bulletin.reports
    ]
    return lines


@transaction.atomic
def bulletin_issue(*, plan_year: PlanYear, as_of: datetime.date, user: User | None) -> Bulletin:
    """Keep a bulletin's figures for its date (the next one's "since the previous bulletin")."""
    figures = bulletin_figures(plan_year, as_of)
    if Bulletin.objects.filter(plan_year=plan_year, as_of=as_of).exists():
        raise BulletinError(
            _("A bulletin of %(year)s was issued for %(date)s already.")
            % {"year": plan_year.year, "date": as_of.isoformat()}
        )
    try:
        with transaction.atomic():
            return Bulletin.objects.create(
                plan_year=plan_year, as_of=as_of, figures=figures, issued_by=user
            )
    except IntegrityError as error:  # issued at the same moment by someone else
        raise BulletinError(
            _("A bulletin of %(year)s was issued for %(date)s already.")
            % {"year": plan_year.year, "date": as_of.isoformat()}
        ) from error
