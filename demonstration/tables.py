"""Tables of rounds, applications and the ranking (django-tables2)."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from demonstration.models import Application, SelectionRound
from demonstration.rubric import points_text

TEMPLATE = "partials/table.html"
NUM = {"th": {"class": "num"}, "td": {"class": "num"}}
NAME = {"td": {"class": "name"}}
NOWRAP = {"td": {"class": "nowrap"}}
OPTIONAL = {"th": {"class": "col-optional"}, "td": {"class": "col-optional"}}
DASH = "—"


def score_text(value) -> str:
    return DASH if value is None else f"{value:.2f}"


class RoundTable(tables.Table):
    name = tables.Column(verbose_name=_("Round"), linkify=True, attrs=NAME)
    plan_year = tables.Column(verbose_name=_("Plan year"), accessor="plan_year__year")
    units_to_name = tables.Column(verbose_name=_("To name"), attrs=NUM)
    n_applied = tables.Column(
        verbose_name=pgettext_lazy("selection progress", "Applied"), attrs=NUM
    )
    n_recommended = tables.Column(
        verbose_name=pgettext_lazy("selection progress", "Recommended"), attrs=NUM
    )
    n_reviewed = tables.Column(
        verbose_name=pgettext_lazy("selection progress", "Reviewed"), attrs=NUM
    )
    n_named = tables.Column(verbose_name=pgettext_lazy("selection progress", "Named"), attrs=NUM)

    class Meta:
        model = SelectionRound
        template_name = TEMPLATE
        fields = []
        sequence = [
            "name",
            "plan_year",
            "units_to_name",
            "n_applied",
            "n_recommended",
            "n_reviewed",
            "n_named",
        ]
        attrs = {"class": "table list-table"}
        empty_text = _("No selection round yet.")
        orderable = False


class ApplicationTable(tables.Table):
    enterprise = tables.Column(
        verbose_name=_("Enterprise"),
        accessor="pilot__enterprise__name",
        order_by="pilot__enterprise__name",
        linkify=lambda record: record.get_absolute_url(),
        attrs=NAME,
    )
    county = tables.Column(
        verbose_name=_("County-level unit"),
        accessor="pilot__enterprise__county__name",
        order_by="pilot__enterprise__county__code",
        attrs=NOWRAP,
    )
    township = tables.Column(
        verbose_name=_("Township or street"),
        accessor="pilot__enterprise__township__name",
        order_by="pilot__enterprise__township__code",
        default=DASH,
        attrs=OPTIONAL,
    )
    tier = tables.Column(verbose_name=_("Tier"), accessor="pilot__tier", attrs=NOWRAP)
    status = tables.Column(verbose_name=_("Status"), attrs=NOWRAP)
    evidence_count = tables.Column(verbose_name=_("Evidence files"), attrs=NUM)
    submitted_at = tables.DateColumn(
        verbose_name=_("Submitted"), format="Y-m-d", default=DASH, attrs=OPTIONAL
    )
    recommendation_order = tables.Column(verbose_name=_("Order"), default=DASH, attrs=NUM)

    class Meta:
        model = Application
        template_name = TEMPLATE
        fields = []
        sequence = [
            "enterprise",
            "county",
            "township",
            "tier",
            "status",
            "evidence_count",
            "submitted_at",
            "recommendation_order",
        ]
        attrs = {"class": "table list-table"}
        empty_text = _("No applications match.")

    def render_tier(self, record):
        return record.pilot.get_tier_display()

    def render_status(self, record):
        if getattr(record, "is_named", False):
            return format_html('<span class="badge pilot-demonstration">{}</span>', _("named"))
        return format_html(
            '<span class="badge app-{}">{}</span>', record.status, record.get_status_display()
        )


def _reviewer_totals(record) -> str:
    """Each reviewer's total; the dropped ones struck through, those still scoring marked."""
    parts = []
    for item in record.reviewers:
        if item.total is None:
            parts.append(
                format_html('<li class="pending">{} <span>{}</span></li>', item.label, _("scoring"))
            )
        elif item.dropped:
            parts.append(
                format_html(
                    '<li class="dropped" title="{}">{} <del>{}</del></li>',
                    _("dropped as the highest or lowest total"),
                    item.label,
                    points_text(item.total),
                )
            )
        else:
            parts.append(format_html("<li>{} <b>{}</b></li>", item.label, points_text(item.total)))
    if not parts:
        return DASH
    return format_html(
        '<ul class="totals">{}</ul>', format_html_join("", "{}", ((p,) for p in parts))
    )


class RankingTable(tables.Table):
    """The ranking of a round's recommended applications; dimension means are extra columns."""

    rank = tables.Column(verbose_name=_("Rank"), attrs=NUM, order_by=("rank_sort",))
    enterprise = tables.Column(
        verbose_name=_("Enterprise"),
        accessor="application__pilot__enterprise__name",
        attrs=NAME,
        linkify=lambda record: record.application.get_absolute_url(),
    )
    county = tables.Column(
        verbose_name=_("County-level unit"),
        accessor="county__name",
        order_by="county__code",
        attrs=NOWRAP,
    )
    tier = tables.Column(verbose_name=_("Tier"), accessor="application__pilot__tier", attrs=NOWRAP)
    reviewers = tables.Column(verbose_name=_("Reviewers' totals"), orderable=False, empty_values=())
    final = tables.Column(
        verbose_name=_("Final score"),
        order_by=("final_sort",),
        attrs={"th": {"class": "num"}, "td": {"class": "num final"}},
    )

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": "table list-table ranking-table"}
        empty_text = _("No application has been recommended in this round.")
        order_by = ("rank",)

    def __init__(self, data, *, dimensions, **kwargs):
        extra = [
            (
                f"mean_{d.pk}",
                tables.Column(
                    verbose_name=d.name,
                    accessor=f"dimension_means__{d.pk}",
                    attrs={
                        **NUM,
                        "th": {"class": "num col-optional"},
                        "td": {"class": "num col-optional"},
                    },
                    default=DASH,
                ),
            )
            for d in dimensions
        ]
        super().__init__(data, extra_columns=extra, **kwargs)
        self.sequence = [
            "rank",
            "enterprise",
            "county",
            "tier",
            "reviewers",
            *[n for n, _c in extra],
            "final",
        ]

    def render_rank(self, value):
        return value if value is not None else DASH

    def render_tier(self, record):
        return record.application.pilot.get_tier_display()

    def render_reviewers(self, record):
        return _reviewer_totals(record)

    def render_final(self, value):
        return score_text(value)
