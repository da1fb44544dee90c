"""The case work list, the media reports and the columns as sortable, paginated tables."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from promotion.models import Case, MediaReport, Programme

TEMPLATE = "partials/table.html"
OPTIONAL = {"th": {"class": "col-optional"}, "td": {"class": "col-optional"}}
NOWRAP = {"td": {"class": "nowrap"}}
NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
NAMES = {"td": {"class": "names"}}  # a list of names: keeps a readable width (site.css)
# A row names at most this many pilots; the case page has them all.
PILOTS_SHOWN = 3


def pilot_names(pilots) -> str:
    names = [pilot.enterprise.name for pilot in pilots]
    shown = "、".join(names[:PILOTS_SHOWN])
    if len(names) > PILOTS_SHOWN:
        shown += str(_(" and %(count)d more") % {"count": len(names) - PILOTS_SHOWN})
    return shown or "—"


def dimension_badges(case: Case) -> str:
    return format_html_join(
        " ",
        '<span class="badge dim-{}">{}</span>',
        ((link.dimension, link.get_dimension_display()) for link in case.dimension_links.all()),
    )


class CaseTable(tables.Table):
    title = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    plan_year = tables.Column(
        verbose_name=_("year"), accessor="plan_year__year", order_by=("plan_year__year",)
    )
    status = tables.Column(attrs=NOWRAP)
    pilots = tables.Column(verbose_name=_("pilots"), empty_values=(), orderable=False, attrs=NAMES)
    place = tables.Column(
        verbose_name=_("area"),
        empty_values=(),
        order_by=("county__code", "township__code"),
        attrs={**NOWRAP, **OPTIONAL},
    )
    dimensions = tables.Column(
        verbose_name=_("dimensions"), empty_values=(), orderable=False, attrs=OPTIONAL
    )
    author = tables.Column(
        verbose_name=_("author"),
        empty_values=(),
        order_by=("author__first_name",),
        attrs=OPTIONAL,
    )
    updated_at = tables.DateTimeColumn(format="Y-m-d", verbose_name=_("updated"), attrs=NOWRAP)

    class Meta:
        model = Case
        template_name = TEMPLATE
        fields = [
            "title",
            "plan_year",
            "status",
            "pilots",
            "place",
            "dimensions",
            "author",
            "updated_at",
        ]
        empty_text = _("No cases match.")
        attrs = {"class": "table list-table", "id": "case-table"}

    def render_status(self, record: Case):
        return format_html(
            '<span class="badge case-{}">{}</span>', record.status, record.get_status_display()
        )

    def render_pilots(self, record: Case):
        return pilot_names(record.pilots.all())

    def render_place(self, record: Case):
        return record.place_name

    def render_dimensions(self, record: Case):
        return dimension_badges(record)

    def render_author(self, record: Case):
        return record.author_name or "—"


class ReportTable(tables.Table):
    published_on = tables.DateColumn(format="Y-m-d", verbose_name=_("date"), attrs=NOWRAP)
    title = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    outlet = tables.Column(attrs=NOWRAP)
    outlet_kind = tables.Column(attrs=NOWRAP)
    level = tables.Column(attrs=NOWRAP)
    form = tables.Column(attrs={**NOWRAP, **OPTIONAL})
    programme = tables.Column(
        verbose_name=_("column or programme"), order_by=("programme__name",), attrs=OPTIONAL
    )
    covers = tables.Column(
        verbose_name=_("covers"), empty_values=(), orderable=False, attrs=OPTIONAL
    )

    class Meta:
        model = MediaReport
        template_name = TEMPLATE
        fields = [
            "published_on",
            "title",
            "outlet",
            "outlet_kind",
            "level",
            "form",
            "programme",
            "covers",
        ]
        empty_text = _("No media reports match.")
        attrs = {"class": "table list-table", "id": "report-table"}

    def render_outlet_kind(self, record: MediaReport):
        return format_html(
            '<span class="badge outlet-{}">{}</span>',
            record.outlet_kind,
            record.get_outlet_kind_display(),
        )

    def render_programme(self, record: MediaReport):
        return format_html(
            '<a href="{}">{}</a>', record.programme.get_absolute_url(), record.programme.name
        )

    def render_covers(self, record: MediaReport):
        names = pilot_names(record.pilots.all())
        if record.case_count:
            cases = _("%(count)d case(s)") % {"count": record.case_count}
            return format_html('{} <span class="muted">· {}</span>', names, cases)
        return names


class ProgrammeTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    kind = tables.Column(attrs=NOWRAP)
    outlet = tables.Column(attrs=NOWRAP)
    starts_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    ends_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP, default="—")
    county = tables.Column(verbose_name=_("kept by"), default=_("the city"), attrs=OPTIONAL)
    report_count = tables.Column(verbose_name=_("reports"), attrs=NUM)

    class Meta:
        model = Programme
        template_name = TEMPLATE
        fields = ["name", "kind", "outlet", "starts_on", "ends_on", "county", "report_count"]
        empty_text = _("No columns or programmes yet.")
        attrs = {"class": "table list-table", "id": "programme-table"}

    def render_report_count(self, record: Programme, value: int):
        url = reverse("promotion:report_list") + f"?programme={record.pk}"
        return format_html('<a href="{}">{}</a>', url, value)
