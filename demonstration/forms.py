"""Forms of the demonstration selection. They check what people typed; the services check
who may do it, when, and the quotas."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from demonstration.models import PHASES, Application, NoticeEntry, Objection, Phase, SelectionRound
from demonstration.rubric import DimensionInput, IndicatorInput, parse_points, points_text
from demonstration.services import ROUND_FIELDS, default_phase_days
from reform.files import MultipleAttachmentField
from reform.models import PlanYear, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"rows": 4}


class RoundForm(forms.ModelForm):
    """A round's figures and the first and last day of each of its phases."""

    class Meta:
        model = SelectionRound
        fields = ["plan_year", *ROUND_FIELDS]

    def __init__(self, *args, phases=None, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        if editing:
            del self.fields["plan_year"]
        else:
            free = PlanYear.objects.filter(selection_rounds__isnull=True).order_by("-year")
            self.fields["plan_year"].queryset = free
            self.fields["plan_year"].empty_label = None
        self.fields["notice_contact"].widget.attrs["placeholder"] = _(
            "e.g. the city union's organisation department, 0518-8xxxxxxx"
        )
        if phases:
            initial = {p.phase: (p.first_day, p.last_day) for p in phases}
        else:
            initial = default_phase_days(timezone.localdate())
        for phase in PHASES:
            label = Phase(phase).label
            first, last = initial[phase]
            self.fields[f"{phase}_first"] = forms.DateField(
                label=_("%(phase)s: first day") % {"phase": label}, widget=DATE, initial=first
            )
            self.fields[f"{phase}_last"] = forms.DateField(
                label=_("%(phase)s: last day") % {"phase": label}, widget=DATE, initial=last
            )

    def phase_days(self) -> dict[str, tuple[datetime.date, datetime.date]]:
        data = self.cleaned_data
        return {phase: (data[f"{phase}_first"], data[f"{phase}_last"]) for phase in PHASES}

    def round_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ROUND_FIELDS}

    def phase_rows(self):
        """(phase label, first-day field, last-day field) for the template."""
        return [(Phase(p).label, self[f"{p}_first"], self[f"{p}_last"]) for p in PHASES]


class PhaseExtendForm(forms.Form):
    last_day = forms.DateField(label=gettext_lazy("Open until (last day)"), widget=DATE)


class QuotaForm(forms.Form):
    """One number per county-level unit; empty means the round's default."""

    def __init__(self, *args, rows, default: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            county = row["county"]
            self.fields[f"county_{county.pk}"] = forms.IntegerField(
                label=county.name,
                min_value=0,
                max_value=999,
                required=False,
                initial=row["quota"] if row["own"] else None,
                widget=forms.NumberInput(attrs={"placeholder": str(default), "min": 0}),
            )

    def quotas(self) -> dict[int, int | None]:
        return {
            row["county"].pk: self.cleaned_data[f"county_{row['county'].pk}"] for row in self.rows
        }

    def field_rows(self):
        return [(row, self[f"county_{row['county'].pk}"]) for row in self.rows]


# The rubric editor ---------------------------------------------------------------------------

# Empty rows offered for new indicators and one new dimension (an empty name deletes a row).
NEW_INDICATOR_ROWS = 2


class RubricEditor:
    """The rubric as editable rows: read from the round or from what was posted.

    Field names: d<n>-pk, -key, -name, -max and d<n>-i<m>-pk, -name, -max; `dimensions` and
    d<n>-rows say how many rows were offered.
    """

    def __init__(self, *, rubric=None, data=None):
        self.data = data
        self.errors: list[str] = []
        if data is None:
            self.rows = [self._row_from_dimension(d) for d in rubric] + [self._empty_row()]
        else:
            self.rows = self._rows_from_data(data)

    @staticmethod
    def _row_from_dimension(dimension) -> dict:
        indicators = [
            {"pk": i.pk, "name": i.name, "max": points_text(i.max_points)}
            for i in dimension.indicators.all()
        ]
        return {
            "pk": dimension.pk,
            "key": dimension.key,
            "name": dimension.name,
            "max": points_text(dimension.max_points),
            "indicators": indicators + [{"pk": "", "name": "", "max": ""}] * NEW_INDICATOR_ROWS,
        }

    @staticmethod
    def _empty_row() -> dict:
        return {
            "pk": "",
            "key": "",
            "name": "",
            "max": "",
            "indicators": [{"pk": "", "name": "", "max": ""}] * 3,
        }

    def _rows_from_data(self, data) -> list[dict]:
        def number(name: str, limit: int = 50) -> int:
            value = data.get(name, "")
            return min(int(value), limit) if value.isdigit() else 0

        rows = []
        for n in range(number("dimensions")):
            prefix = f"d{n}"
            indicators = [
                {
                    "pk": data.get(f"{prefix}-i{m}-pk", ""),
                    "name": data.get(f"{prefix}-i{m}-name", "").strip(),
                    "max": data.get(f"{prefix}-i{m}-max", "").strip(),
                }
                for m in range(number(f"{prefix}-rows", 100))
            ]
            rows.append(
                {
                    "pk": data.get(f"{prefix}-pk", ""),
                    "key": data.get(f"{prefix}-key", ""),
                    "name": data.get(f"{prefix}-name", "").strip(),
                    "max": data.get(f"{prefix}-max", "").strip(),
                    "indicators": indicators,
                }
            )
        return rows

    def dimensions(self, known: dict[int, set[int]]) -> list[DimensionInput] | None:
        """The posted rubric, or None with `errors` filled. `known`: dimension pk → its
        indicator pks, so that a posted id can only name a row of this round."""
        result = []
        for row in self.rows:
            indicators = [i for i in row["indicators"] if i["name"] or i["max"]]
            if not row["name"] and not row["max"] and not indicators:
                continue  # an empty or emptied dimension: not part of the rubric
            pk = int(row["pk"]) if str(row["pk"]).isdigit() and int(row["pk"]) in known else None
            items = []
            for item in indicators:
                if not item["name"]:
                    self.errors.append(
                        _("%(dimension)s: every indicator with points needs a name.")
                        % {"dimension": row["name"] or _("(unnamed dimension)")}
                    )
                    continue
                points = parse_points(item["max"])
                item_pk = str(item["pk"])
                items.append(
                    IndicatorInput(
                        pk=int(item_pk)
                        if pk and item_pk.isdigit() and int(item_pk) in known[pk]
                        else None,
                        name=item["name"][:100],
                        max_points=points if points is not None else Decimal(-1),
                    )
                )
            points = parse_points(row["max"])
            result.append(
                DimensionInput(
                    pk=pk,
                    key=row["key"] if pk else "",
                    name=row["name"][:50],
                    max_points=points if points is not None else Decimal(-1),
                    indicators=items,
                )
            )
        return None if self.errors else result

    @property
    def totals(self) -> list[dict]:
        """Per row: the sum of its indicators as typed (for the page)."""
        sums = []
        for row in self.rows:
            total = Decimal(0)
            for item in row["indicators"]:
                total += parse_points(item["max"]) or 0
            wanted = parse_points(row["max"])
            sums.append({"total": points_text(total), "ok": wanted is not None and total == wanted})
        return sums

    def grand_total(self) -> str:
        return points_text(
            sum((parse_points(r["max"]) or Decimal(0) for r in self.rows), Decimal(0))
        )


# Applications ----------------------------------------------------------------------------------


class ApplicationOpenForm(forms.Form):
    """The pilot to apply for. The list offers the eligible ones; any pilot of the user's area
    is accepted here, so that the service can say why one cannot apply (already applied, not
    confirmed) instead of a bare "invalid choice"."""

    pilot = forms.ModelChoiceField(
        label=gettext_lazy("Pilot"),
        queryset=None,
        error_messages={"invalid_choice": gettext_lazy("Choose a pilot of your area.")},
    )

    def __init__(self, *args, pilots, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["pilot"]
        field.queryset = pilots
        field.widget.choices = [("", "---------")] + [
            (p.pk, f"{p.enterprise.name}（{p.enterprise.county.name} · {p.get_tier_display()}）")
            for p in eligible
        ]


class ApplicationForm(forms.Form):
    """Per dimension: the self-assessment and new evidence files; ticks remove files."""

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            key = section.dimension.pk
            self.fields[f"text_{key}"] = forms.CharField(
                label=section.dimension.name,
                required=False,
                initial=section.text,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
            self.fields[f"files_{key}"] = MultipleAttachmentField(
                label=_("Evidence files"), required=False
            )
            if section.evidence:
                self.fields[f"remove_{key}"] = forms.MultipleChoiceField(
                    label=_("Remove"),
                    required=False,
                    choices=[(e.pk, e.original_name) for e in section.evidence],
                    widget=forms.CheckboxSelectMultiple,
                )

    def blocks(self):
        return [
            {
                "section": s,
                "text": self[f"text_{s.dimension.pk}"],
                "files": self[f"files_{s.dimension.pk}"],
                "remove": self[f"remove_{s.dimension.pk}"] if s.evidence else None,
            }
            for s in self.sections
        ]

    def texts(self) -> dict[int, str]:
        return {s.dimension.pk: self.cleaned_data[f"text_{s.dimension.pk}"] for s in self.sections}

    def new_files(self) -> dict[int, list]:
        return {s.dimension.pk: self.cleaned_data[f"files_{s.dimension.pk}"] for s in self.sections}

    def removed_files(self) -> set[int]:
        removed = set()
        for s in self.sections:
            removed |= {int(pk) for pk in self.cleaned_data.get(f"remove_{s.dimension.pk}", [])}
        return removed


class RecommendationForm(forms.Form):
    """Per application of the unit: recommend or not, its place, the opinion."""

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = applications
        for a in applications:
            recommended = a.status == Application.Status.RECOMMENDED
            self.fields[f"recommend_{a.pk}"] = forms.BooleanField(
                label=_("Recommend"), required=False, initial=recommended
            )
            self.fields[f"order_{a.pk}"] = forms.IntegerField(
                label=_("Order"),
                required=False,
                min_value=1,
                max_value=999,
                initial=a.recommendation_order,
                widget=forms.NumberInput(attrs={"min": 1, "class": "order-input"}),
            )
            self.fields[f"opinion_{a.pk}"] = forms.CharField(
                label=_("Opinion"),
                required=False,
                initial=a.recommendation_opinion,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        return [
            {
                "application": a,
                "recommend": self[f"recommend_{a.pk}"],
                "order": self[f"order_{a.pk}"],
                "opinion": self[f"opinion_{a.pk}"],
            }
            for a in self.applications
        ]

    def decisions(self):
        from demonstration.services import Decision

        data = self.cleaned_data
        return [
            Decision(
                application_id=a.pk,
                recommend=data[f"recommend_{a.pk}"],
                order=data[f"order_{a.pk}"],
                opinion=data[f"opinion_{a.pk}"],
            )
            for a in self.applications
        ]


# Review ---------------------------------------------------------------------------------------


class ReviewersForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Reviewers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = (
            User.objects.filter(role=User.Role.REVIEWER, is_active=True)
            .select_related("region")
            .order_by("region__code", "username")
        )
        no_unit = _("no unit")
        self.fields["reviewers"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username}（{u.region.name if u.region else no_unit}）"
        )


class AssignmentAddForm(forms.Form):
    application = forms.ModelChoiceField(label=gettext_lazy("Application"), queryset=None)
    reviewer = forms.ModelChoiceField(label=gettext_lazy("Reviewer"), queryset=None)

    def __init__(self, *args, applications, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: (
            f"{a.pilot.enterprise.name}（{a.pilot.enterprise.county.name}）"
        )
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda u: u.get_full_name() or u.username


class ScoreForm(forms.Form):
    """One entry per indicator (0 to its maximum, whole or half points) and a comment.

    Numbers are read here; whether they lie in range is checked by the service, so that the
    page and every other path give the same messages.
    """

    comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, indicators, scores: dict, disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"points_{indicator.pk}"] = forms.CharField(
                label=indicator.name,
                required=False,
                initial=points_text(scores.get(indicator.pk)),
                disabled=disabled,
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": points_text(indicator.max_points),
                        "step": "0.5",
                        "inputmode": "decimal",
                        "class": "points-input",
                        "data-max": points_text(indicator.max_points),
                    }
                ),
            )
        if disabled:
            self.fields["comment"].disabled = True

    def clean(self):
        data = super().clean()
        for indicator in self.indicators:
            name = f"points_{indicator.pk}"
            raw = (data.get(name) or "").strip()
            if raw and parse_points(raw) is None:
                self.add_error(
                    name,
                    _("%(indicator)s: enter a number of points.") % {"indicator": indicator.name},
                )
        return data

    def points(self) -> dict[int, Decimal | None]:
        return {
            i.pk: parse_points(self.cleaned_data.get(f"points_{i.pk}") or "")
            for i in self.indicators
        }

    def field_for(self, indicator):
        return self[f"points_{indicator.pk}"]


# Notice, objections, naming -------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class NoticeAddForm(forms.Form):
    application = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=None)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: (
            f"{a.pilot.enterprise.name}（{a.pilot.enterprise.county.name}）"
        )


class ObjectionForm(forms.ModelForm):
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    class Meta:
        model = Objection
        fields = ["entry", "objector", "content", "received_at"]
        widgets = {"content": forms.Textarea(attrs=TEXT)}

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = NoticeEntry.objects.filter(round=round).select_related(
            "application__pilot__enterprise"
        )
        self.fields["entry"].label_from_instance = lambda e: e.application.pilot.enterprise.name
        self.fields["entry"].empty_label = _("The list as a whole")
        if not self.is_bound:
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )


class ObjectionHandleForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["handling", "outcome"]
        widgets = {"handling": forms.Textarea(attrs=TEXT)}
