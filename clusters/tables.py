"""Tables of clusters, members, stations, station pilots and parks.

The same table serves the page and the .xlsx export (`value_*` give the plain cell values);
columns named in EXPORT_EXCLUDE are page-only (tick boxes, action links).
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, ClusterMembership, GuidanceStation
from pilots.models import Enterprise, Pilot
from reform.models import Park

NUM = {"th": {"class": "num"}, "td": {"class": "num"}}
FLAG = {"th": {"class": "flag"}, "td": {"class": "flag"}}
WRAP = {"th": {"class": "wrap"}, "td": {"class": "wrap"}}
DASH = "—"
# Names may wrap on a phone (site.css); the other columns keep to one line.
NAME = {"td": {"class": "name"}}


def _yes(value: bool) -> str:
    return str(_("yes")) if value else ""


class ClusterTable(tables.Table):
    name = tables.Column(verbose_name=_("Cluster"), linkify=True, attrs=NAME)
    county = tables.Column(verbose_name=_("County-level unit"), order_by="county__code")
    industry = tables.Column(verbose_name=_("Theme industry"), order_by="industry__order")
    member_count = tables.Column(verbose_name=_("Members"), attrs=NUM)
    city_pilots = tables.Column(verbose_name=_("City-tier pilots"), attrs=NUM)
    county_pilots = tables.Column(verbose_name=_("County-tier pilots"), attrs=NUM)
    township_pilots = tables.Column(verbose_name=_("Township-tier pilots"), attrs=NUM)
    industry_education_count = tables.Column(
        verbose_name=_("Industry-education integration"), attrs=NUM
    )

    class Meta:
        model = Cluster
        fields = []
        sequence = [
            "name",
            "county",
            "industry",
            "member_count",
            "city_pilots",
            "county_pilots",
            "township_pilots",
            "industry_education_count",
        ]
        empty_text = _("No industry clusters in your area.")


class MemberTable(tables.Table):
    """A cluster's members; `scope` decides which names link to the enterprise page."""

    select = tables.CheckBoxColumn(
        accessor="enterprise_id",
        attrs={
            "input": {"name": "enterprises", "form": "remove-form"},
            "th__input": {"aria-label": _("Tick all")},
        },
        orderable=False,
        verbose_name="",
    )
    name = tables.Column(
        verbose_name=_("Enterprise"),
        accessor="enterprise__name",
        order_by="enterprise__name",
        attrs=NAME,
    )
    credit_code = tables.Column(
        verbose_name=_("Credit code"),
        accessor="enterprise__credit_code",
        attrs={"td": {"class": "code"}},
    )
    township = tables.Column(
        verbose_name=_("Township or street"),
        accessor="enterprise__township__name",
        default=DASH,
        attrs=WRAP,
    )
    pilot_tier = tables.Column(verbose_name=_("Pilot tier"), default=DASH)
    pilot_status = tables.Column(verbose_name=_("Pilot status"), default=DASH)
    employees = tables.Column(
        verbose_name=_("Employees"), accessor="enterprise__employee_count", attrs=NUM
    )
    industry = tables.Column(
        verbose_name=_("Industry"),
        accessor="enterprise__industry",
        order_by="enterprise__industry__order",
        attrs={"td": {"class": "industry"}},
    )
    core = tables.Column(
        verbose_name=_("Core industry"),
        accessor="enterprise__core_industry",
        default=DASH,
        attrs=FLAG,
    )
    leading = tables.BooleanColumn(
        verbose_name=_("Leading enterprise"),
        accessor="enterprise__is_leading",
        yesno=("✓", ""),
        attrs=FLAG,
    )
    chain_position = tables.Column(
        verbose_name=_("Chain position"), accessor="enterprise__chain_position", default=DASH
    )
    industry_education = tables.BooleanColumn(
        verbose_name=_("Industry-education integration"),
        accessor="enterprise__is_industry_education",
        yesno=("✓", ""),
        attrs=FLAG,
    )

    class Meta:
        model = ClusterMembership
        fields = []
        sequence = [
            "select",
            "name",
            "pilot_tier",
            "pilot_status",
            "credit_code",
            "township",
            "employees",
            "industry",
            "core",
            "leading",
            "chain_position",
            "industry_education",
        ]
        empty_text = _("No members match.")
        attrs = {"class": "table", "id": "member-table"}

    EXPORT_EXCLUDE = ("select",)

    def __init__(self, *args, scope, can_edit: bool, **kwargs):
        self.scope = scope
        super().__init__(*args, **kwargs)
        if not can_edit:
            self.columns.hide("select")

    def render_name(self, record):
        enterprise = record.enterprise
        if self.scope.allows(county_id=enterprise.county_id, township_id=enterprise.township_id):
            return format_html(
                '<a href="{}">{}</a>', enterprise.get_absolute_url(), enterprise.name
            )
        return enterprise.name

    def value_name(self, record):
        return record.enterprise.name

    def render_pilot_tier(self, record, value):
        if not value:
            return DASH
        enterprise = record.enterprise
        if record.pilot_id and self.scope.allows(
            county_id=enterprise.county_id, township_id=enterprise.township_id
        ):
            url = reverse("pilots:pilot_detail", args=[record.pilot_id])
            return format_html('<a href="{}">{}</a>', url, Pilot.Tier(value).label)
        return Pilot.Tier(value).label

    def value_pilot_tier(self, value):
        return str(Pilot.Tier(value).label) if value else ""

    def render_pilot_status(self, value):
        if not value:
            return DASH
        return format_html(
            '<span class="badge pilot-{}">{}</span>', value, Pilot.Status(value).label
        )

    def value_pilot_status(self, value):
        return str(Pilot.Status(value).label) if value else ""

    # chain_position: django-tables2 already shows the choice's label.

    def render_core(self, record):
        return record.enterprise.get_core_industry_display() or DASH

    def value_core(self, record):
        return record.enterprise.get_core_industry_display()

    def value_leading(self, value):
        return _yes(value)

    def value_industry_education(self, value):
        return _yes(value)

    def value_township(self, value):
        return value or ""


class StationTable(tables.Table):
    name = tables.Column(verbose_name=_("Guidance station"), linkify=True, attrs=NAME)
    park = tables.Column(verbose_name=_("Park"), order_by="park__name")
    county = tables.Column(
        verbose_name=_("County-level unit"),
        accessor="park__county",
        order_by="park__county__code",
        default=DASH,
    )
    founded_on = tables.DateColumn(verbose_name=_("Founded on"), format="Y-m-d", default=DASH)
    contact_name = tables.Column(verbose_name=_("Contact"), default=DASH)
    contact_phone = tables.Column(verbose_name=_("Phone"), default=DASH)
    pilot_total = tables.Column(verbose_name=_("Pilots looked after"), attrs=NUM)
    counted_pilots = tables.Column(verbose_name=_("Confirmed"), attrs=NUM)
    without_plan = tables.Column(verbose_name=_("Without an own plan"), attrs=NUM)

    class Meta:
        model = GuidanceStation
        fields = []
        sequence = [
            "name",
            "pilot_total",
            "counted_pilots",
            "without_plan",
            "park",
            "county",
            "founded_on",
            "contact_name",
            "contact_phone",
        ]
        empty_text = _("No guidance stations in your area yet.")

    def render_park(self, record):
        # A station's park lies in the station's county: whoever sees the station sees the park.
        return format_html('<a href="{}">{}</a>', record.park.get_absolute_url(), record.park.name)

    def value_park(self, record):
        return record.park.name


class StationPilotTable(tables.Table):
    enterprise = tables.Column(
        verbose_name=_("Enterprise"), order_by="enterprise__name", attrs=NAME
    )
    tier = tables.Column(verbose_name=_("Tier"))
    status = tables.Column(verbose_name=_("Status"))
    goals = tables.Column(
        verbose_name=_("Goals (one enterprise, one policy)"),
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "plan-cell"}},
    )
    measures = tables.Column(
        verbose_name=_("Measures"),
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "plan-cell"}},
    )
    target_date = tables.DateColumn(
        verbose_name=_("Target date"),
        format="Y-m-d",
        accessor="plan__target_date",
        default=DASH,
        order_by="plan__target_date",
    )
    edit = tables.Column(verbose_name="", accessor="pk", orderable=False, empty_values=())

    class Meta:
        model = Pilot
        fields = []
        sequence = [
            "enterprise",
            "tier",
            "status",
            "goals",
            "measures",
            "target_date",
            "edit",
        ]
        empty_text = _("No pilots match.")
        attrs = {"class": "table", "id": "station-pilot-table"}

    EXPORT_EXCLUDE = ("edit",)

    def __init__(self, *args, scope, show_edit: bool, next_url: str = "", **kwargs):
        self.scope = scope
        self.next_url = next_url
        super().__init__(*args, **kwargs)
        if not (show_edit and scope.can_write):
            self.columns.hide("edit")

    def render_enterprise(self, record):
        enterprise = record.enterprise
        if self.scope.allows(county_id=enterprise.county_id, township_id=enterprise.township_id):
            return format_html('<a href="{}">{}</a>', record.get_absolute_url(), enterprise.name)
        return enterprise.name

    def value_enterprise(self, record):
        return record.enterprise.name

    def render_tier(self, record):
        return record.get_tier_display()

    def value_tier(self, record):
        return str(record.get_tier_display())

    def render_status(self, record):
        return format_html(
            '<span class="badge pilot-{}">{}</span>', record.status, record.get_status_display()
        )

    def value_status(self, record):
        return str(record.get_status_display())

    def render_goals(self, record):
        plan = _plan_of(record)
        if plan is None:
            legacy = record.own_plan.strip()
            if legacy:
                return format_html(
                    '<span class="legacy-plan" title="{}">{}</span>',
                    _("Free text entered before plans were records"),
                    legacy,
                )
            return format_html('<span class="badge no-plan">{}</span>', _("No plan yet"))
        return plan.goals

    def value_goals(self, record):
        plan = _plan_of(record)
        return plan.goals if plan else record.own_plan.strip()

    def render_measures(self, record):
        plan = _plan_of(record)
        return plan.measures if plan and plan.measures else DASH

    def value_measures(self, record):
        plan = _plan_of(record)
        return plan.measures if plan else ""

    def render_edit(self, record):
        enterprise = record.enterprise
        if not self.scope.allows_pilot_write(
            county_id=enterprise.county_id, township_id=enterprise.township_id, tier=record.tier
        ):
            return ""
        url = reverse("pilots:pilot_plan_edit", args=[record.pk])
        if self.next_url:
            url += "?next=" + self.next_url
        label = _("Edit plan") if _plan_of(record) else _("Write plan")
        return format_html('<a class="button small" href="{}">{}</a>', url, label)


def _plan_of(pilot):
    try:
        return pilot.plan
    except Pilot.plan.RelatedObjectDoesNotExist:
        return None


class ParkTable(tables.Table):
    name = tables.Column(verbose_name=_("Park"), attrs=NAME)
    county = tables.Column(
        verbose_name=_("County-level unit"), order_by="county__code", default=DASH
    )
    kind = tables.Column(verbose_name=_("Kind"))
    level = tables.Column(verbose_name=_("Level"))
    stations = tables.Column(
        verbose_name=_("Guidance station"), accessor="pk", order_by="station_count", empty_values=()
    )
    pilot_total = tables.Column(verbose_name=_("Pilots in the park"), attrs=NUM)
    pilot_counted = tables.Column(verbose_name=_("Confirmed"), attrs=NUM)
    found = tables.Column(verbose_name="", accessor="pk", orderable=False, empty_values=())

    class Meta:
        model = Park
        fields = []
        sequence = [
            "name",
            "stations",
            "pilot_total",
            "pilot_counted",
            "county",
            "kind",
            "level",
            "found",
        ]
        empty_text = _("No parks in your area.")
        attrs = {"class": "table", "id": "park-table"}

    def __init__(self, *args, scope, **kwargs):
        self.scope = scope
        super().__init__(*args, **kwargs)
        if not scope.can_write or scope.township_id is not None:
            self.columns.hide("found")

    def render_name(self, record):
        link = format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.name)
        if record.is_demo:
            return format_html(
                '{} <span class="badge" title="{}">{}</span>',
                link,
                record._meta.get_field("is_demo").help_text,
                _("demo"),
            )
        return link

    def value_name(self, record):
        return record.name

    def render_stations(self, record):
        stations = list(record.stations.all())
        if not stations:
            return format_html('<span class="badge status-far">{}</span>', _("No station yet"))
        return format_html_join(
            " ",
            '<a class="badge status-met" href="{}">{}</a>',
            ((s.get_absolute_url(), s.name) for s in stations),
        )

    def render_found(self, record):
        if record.county_id is None or record.station_count:
            return ""
        if not self.scope.allows_county_write(county_id=record.county_id):
            return ""
        url = reverse("clusters:station_create") + f"?park={record.pk}"
        return format_html('<a class="button small" href="{}">{}</a>', url, _("Found a station"))


class ParkEnterpriseTable(tables.Table):
    """A park's enterprises in the user's scope (every name links) with their pilot of the year."""

    name = tables.Column(verbose_name=_("Enterprise"), linkify=True, attrs=NAME)
    pilot_tier = tables.Column(verbose_name=_("Pilot tier"), default=DASH)
    pilot_status = tables.Column(verbose_name=_("Pilot status"), default=DASH)
    township = tables.Column(
        verbose_name=_("Township or street"), order_by="township__code", default=DASH, attrs=WRAP
    )
    industry = tables.Column(
        verbose_name=_("Industry"), order_by="industry__order", attrs={"td": {"class": "industry"}}
    )
    employee_count = tables.Column(verbose_name=_("Employees"), attrs=NUM)

    class Meta:
        model = Enterprise
        fields = []
        sequence = ["name", "pilot_tier", "pilot_status", "township", "industry", "employee_count"]
        empty_text = _("No enterprises of your area in this park.")
        attrs = {"class": "table", "id": "park-enterprise-table"}

    def render_pilot_tier(self, record, value):
        if not value:
            return DASH
        return format_html(
            '<a href="{}">{}</a>',
            reverse("pilots:pilot_detail", args=[record.pilot_id]),
            Pilot.Tier(value).label,
        )

    def render_pilot_status(self, value):
        if not value:
            return DASH
        return format_html(
            '<span class="badge pilot-{}">{}</span>', value, Pilot.Status(value).label
        )
