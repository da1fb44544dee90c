"""Forms of clusters and guidance stations. Scope checks live in the services; the forms only
offer the choices a user may make and turn a bad choice into a clear message."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import GuidanceStation
from pilots.models import Enterprise, Pilot
from reform.models import Park


class MemberAddForm(forms.Form):
    """Step one and two of adding members: a selection from the search, and pasted codes."""

    enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises found"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "One of the chosen enterprises lies outside your area or no longer exists."
            )
        },
    )
    codes = forms.CharField(
        label=_("Credit codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "Paste unified social credit codes, one per line (or separated by commas or spaces), "
            "for example a column copied from a spreadsheet."
        ),
    )

    def __init__(self, *args, enterprise_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprises"].queryset = enterprise_queryset

    def clean(self):
        data = super().clean()
        if not data.get("enterprises") and not (data.get("codes") or "").strip():
            raise forms.ValidationError(
                _("Choose enterprises from the search, or paste credit codes.")
            )
        return data


class MemberRemoveForm(forms.Form):
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=Enterprise.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Tick the members to remove first."),
            "invalid_choice": _("One of the chosen enterprises is not a member of this cluster."),
        },
    )

    def __init__(self, *args, enterprise_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprises"].queryset = enterprise_queryset


class StationForm(forms.ModelForm):
    class Meta:
        model = GuidanceStation
        fields = ["name", "park", "founded_on", "contact_name", "contact_phone"]
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, park_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        park = self.fields["park"]
        # Every park validates, so that a park of another county gets the service's clear
        # message instead of "not one of the available choices"; the menu offers only the
        # parks the user may choose.
        park.queryset = Park.objects.select_related("county")
        park.choices = [("", "---------")] + [
            (p.pk, f"{p.name}（{p.county.name}）") for p in park_queryset
        ]


class StationPilotsForm(forms.Form):
    pilots = forms.ModelMultipleChoiceField(
        label=_("Pilots looked after"),
        queryset=Pilot.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "Only pilots of this plan year in the station park's county-level unit can be "
                "assigned."
            )
        },
    )

    def __init__(self, *args, pilot_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["pilots"]
        field.queryset = pilot_queryset
        field.label_from_instance = lambda p: (
            f"{p.enterprise.name} · {p.get_tier_display()} · {p.get_status_display()}"
            + (f" · {p.enterprise.park.name}" if p.enterprise.park_id else "")
        )
