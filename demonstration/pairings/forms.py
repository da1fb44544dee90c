"""Forms of pairings and their activities. They offer the choices a user may make; the services
check every rule again and turn anything else into a message on the field it concerns."""

from collections import defaultdict

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from demonstration.models import Pairing, PairingActivity
from demonstration.pairings.selectors import pilots_for_partnering
from pilots.models import Enterprise, Pilot
from reform.files import PHOTO_KINDS, FileKind, MultipleAttachmentField
from reform.models import PlanYear
from reform.scopes import Scope
from reform.selectors import plan_year_current

FILE_KINDS = (FileKind.PDF, FileKind.DOCX, FileKind.XLSX)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LeadChoiceField(forms.ModelChoiceField):
    """Every enterprise of the city, grouped by county-level unit: the lead may lie anywhere."""

    def label_from_instance(self, enterprise: Enterprise) -> str:
        return _("%(name)s · %(count)d employees") % {
            "name": enterprise.name,
            "count": enterprise.employee_count,
        }

    def set_grouped_choices(self) -> None:
        groups = defaultdict(list)
        for enterprise in self.queryset:
            groups[enterprise.county.name].append(
                (enterprise.pk, self.label_from_instance(enterprise))
            )
        self.choices = [("", "—"), *groups.items()]


class PartnerChoiceField(forms.ModelMultipleChoiceField):
    """Pilots grouped by plan year (newest first), each named with its county and employees."""

    def label_from_instance(self, pilot: Pilot) -> str:
        return _("%(name)s · %(county)s · %(count)d employees") % {
            "name": pilot.enterprise.name,
            "county": pilot.enterprise.county.name,
            "count": pilot.enterprise.employee_count,
        }

    def set_grouped_choices(self) -> None:
        groups = defaultdict(list)
        for pilot in self.queryset:
            groups[str(pilot.plan_year.year)].append((pilot.pk, self.label_from_instance(pilot)))
        self.choices = list(groups.items())


class PairingForm(forms.ModelForm):
    plan_year = forms.ModelChoiceField(
        label=_("Plan year"),
        queryset=PlanYear.objects.all(),
        to_field_name="year",
        empty_label=None,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Pairing.Kind.choices, widget=forms.RadioSelect
    )
    lead = LeadChoiceField(
        label=_("Lead enterprise"),
        queryset=Enterprise.objects.none(),
        help_text=_(
            "Any enterprise of the city. 大手牵小手: state-owned, a leading enterprise or at least "
            "300 employees, with more employees than each partner. 示范带试点: a demonstration "
            "unit named in the plan year."
        ),
    )
    partners = PartnerChoiceField(
        label=_("Partner pilots"),
        queryset=Pilot.objects.none(),
        help_text=_("Pilots of your area (hold Ctrl or ⌘ to choose several)."),
        error_messages={
            "invalid_choice": _(
                "One of the chosen pilots lies outside your area or has withdrawn."
            ),
            "invalid_pk_value": _("Choose pilots from the list."),
        },
    )

    class Meta:
        model = Pairing
        fields = ["plan_year", "kind", "lead", "starts_on", "goals"]
        widgets = {"starts_on": DATE, "goals": forms.Textarea(attrs={"rows": 4, "maxlength": 3000})}
        help_texts = {"goals": _("What the partners mean to do together, and by when.")}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        lead = self.fields["lead"]
        lead.queryset = (
            Enterprise.objects.select_related("county")
            .only("name", "employee_count", "county__name", "county__code")
            .order_by("county__code", "name")
        )
        lead.set_grouped_choices()
        lead.widget.attrs.update(
            {"data-filter-select": "", "data-filter-label": _("Type part of a name")}
        )
        partners = self.fields["partners"]
        partners.queryset = pilots_for_partnering(scope=scope)
        partners.set_grouped_choices()
        partners.widget.attrs.update(
            {
                "size": 10,
                "data-pilot-select": "",
                "data-filter-label": _("Type part of a name to narrow the list"),
            }
        )
        if self.instance.pk:
            self.initial.setdefault("partners", [p.pk for p in self.instance.partners.all()])
        else:
            current = plan_year_current()
            if current is not None:
                self.initial.setdefault("plan_year", current.year)
            self.initial.setdefault("starts_on", timezone.localdate())
            self.initial.setdefault("kind", Pairing.Kind.BIG_SMALL)

    def partners_as_chosen(self) -> list[Pilot]:
        """The chosen pilots in the order sent, a pilot sent twice kept twice (the services
        name it: a multiple choice field would drop the second silently)."""
        chosen = {str(pilot.pk): pilot for pilot in self.cleaned_data["partners"]}
        sent = self.data.getlist(self.add_prefix("partners"))
        return [chosen[value] for value in sent if value in chosen]

    def service_fields(self) -> dict:
        """What pairing_create and pairing_update take from the form."""
        data = self.cleaned_data
        return {
            "plan_year": data["plan_year"],
            "kind": data["kind"],
            "lead": data["lead"],
            "partners": self.partners_as_chosen(),
            "starts_on": data["starts_on"],
            "goals": data["goals"],
        }


class PairingEndForm(forms.Form):
    """Not a model form: the pairing's constraints hold only once the service has ended it."""

    ends_on = forms.DateField(label=_("end date"), widget=DATE)
    closing_summary = forms.CharField(
        label=_("closing summary"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 3000}),
        help_text=_("What the pairing achieved, and what goes on."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("ends_on", timezone.localdate())


class ActivityForm(forms.ModelForm):
    photos = MultipleAttachmentField(kinds=PHOTO_KINDS, required=False, label=_("Photos"))
    files = MultipleAttachmentField(kinds=FILE_KINDS, required=False, label=_("Files"))

    class Meta:
        model = PairingActivity
        fields = ["held_on", "kind", "participants", "summary"]
        widgets = {
            "held_on": DATE,
            "participants": forms.TextInput(attrs={"maxlength": 500}),
            "summary": forms.Textarea(attrs={"rows": 5, "maxlength": 3000}),
        }
        help_texts = {
            "participants": _("Who took part, e.g. “both unions' chairs, 30 workers”."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("held_on", timezone.localdate())
