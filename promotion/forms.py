"""Forms of cases, media reports and columns. They offer only the choices a user may make; the
services check the scope again and turn anything else into a clear message."""

from collections import defaultdict

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots.models import Pilot
from promotion import selectors
from promotion.models import Case, CaseMove, MediaReport, Programme
from promotion.validators import validate_web_link
from reform.files import PHOTO_KINDS, FileKind, MultipleAttachmentField
from reform.models import Dimension, PlanYear
from reform.scopes import Scope
from reform.selectors import plan_year_current

FILE_KINDS = (FileKind.PDF, FileKind.DOCX, FileKind.XLSX)


class PilotChoiceField(forms.ModelMultipleChoiceField):
    """Pilots grouped by plan year (newest first), each named with its county and tier."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Pilot.objects.none())
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": _(
                    "One of the chosen pilots lies outside your area or no longer exists."
                ),
                "invalid_pk_value": _("Choose pilots from the list."),
            },
        )
        super().__init__(**kwargs)

    def label_from_instance(self, pilot: Pilot) -> str:
        return (
            f"{pilot.enterprise.name} · {pilot.enterprise.county.name} · {pilot.get_tier_display()}"
        )

    def set_pilots(self, queryset) -> None:
        self.queryset = queryset
        groups = defaultdict(list)
        for pilot in queryset:
            groups[pilot.plan_year.year].append((pilot.pk, self.label_from_instance(pilot)))
        self.choices = [(str(year), options) for year, options in groups.items()]
        self.widget.attrs.update(
            {
                "size": 10,
                "data-pilot-select": "",
                "data-filter-label": _("Type part of a name to narrow the list"),
            }
        )


class CaseForm(forms.ModelForm):
    plan_year = forms.ModelChoiceField(
        label=_("Plan year"),
        queryset=PlanYear.objects.all(),
        to_field_name="year",
        empty_label=None,
    )
    pilots = PilotChoiceField(
        label=_("Pilots"),
        help_text=_("The pilot enterprises the case is about (hold Ctrl or ⌘ to choose several)."),
    )
    dimensions = forms.MultipleChoiceField(
        label=_("Dimensions it illustrates"),
        choices=Dimension.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one of the four dimensions.")},
    )
    photos = MultipleAttachmentField(kinds=PHOTO_KINDS, required=False, label=_("Add photos"))
    files = MultipleAttachmentField(kinds=FILE_KINDS, required=False, label=_("Add files"))
    remove = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Case
        fields = ["title", "plan_year", "summary", "text"]
        widgets = {
            "title": forms.TextInput(attrs={"maxlength": 200}),
            "summary": forms.Textarea(attrs={"rows": 3, "maxlength": 600}),
            "text": forms.Textarea(attrs={"rows": 16}),
        }
        help_texts = {
            "summary": _("Two or three sentences: what was done, and what came of it."),
            "text": _("Plain text; leave an empty line between paragraphs."),
        }

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilots"].set_pilots(selectors.pilots_for_writing(scope=scope))
        case = self.instance
        if case.pk and case.attachments.exists():
            self.fields["remove"].queryset = case.attachments.order_by("pk")
        else:
            del self.fields["remove"]
        if case.pk:
            self.initial.setdefault("pilots", [p.pk for p in case.pilots.all()])
            self.initial.setdefault(
                "dimensions", [link.dimension for link in case.dimension_links.all()]
            )
            self.initial.setdefault("version", case.version)
        else:
            current = plan_year_current()
            if current is not None:
                self.initial.setdefault("plan_year", current.year)


class CaseMoveForm(forms.Form):
    move = forms.ChoiceField(choices=CaseMove.choices)
    comment = forms.CharField(
        label=_("Comment for the writers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(forms.ModelForm):
    link = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=500,
        validators=[validate_web_link],
        widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://"}),
        help_text=_("The web address of the report (http:// or https://); empty for print."),
    )
    pilots = PilotChoiceField(label=_("Pilots covered"), required=False)
    cases = forms.ModelMultipleChoiceField(
        label=_("Cases covered"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Cases of your area (hold Ctrl or ⌘ to choose several)."),
        error_messages={
            "invalid_choice": _(
                "One of the chosen cases lies outside your area or no longer exists."
            )
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MediaReport
        fields = [
            "title",
            "outlet",
            "outlet_kind",
            "level",
            "form",
            "published_on",
            "link",
            "programme",
        ]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["programme"].queryset = selectors.programme_choices()
        self.fields["pilots"].set_pilots(selectors.pilots_for_writing(scope=scope))
        self.fields["cases"].queryset = selectors.cases_for_reports(scope=scope)
        self.fields["cases"].label_from_instance = lambda case: (
            f"{case.title}（{case.plan_year.year} · {case.get_status_display()}）"
        )
        report = self.instance
        if report.pk:
            self.initial.setdefault("pilots", [p.pk for p in report.pilots.all()])
            self.initial.setdefault("cases", [c.pk for c in report.cases.all()])
            self.initial.setdefault("version", report.version)


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "kind", "outlet", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
