"""Registration forms. Choices narrow to the user's scope; the scope is checked again on submit."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import selectors
from pilots.models import Enterprise, Pilot
from reform.creditcode import CreditCodeError, validate_credit_code
from reform.industries import MAX_TEXT as INDUSTRY_TEXT_MAX
from reform.industries import IndustryError, Match, Matcher
from reform.models import Industry, PlanYear, Region
from reform.scopes import Scope
from reform.selectors import plan_year_current

Ownership = Enterprise.Ownership
OUTSIDE_SCOPE = gettext_lazy("This lies outside the region you may register in.")


class VersionedForm(forms.ModelForm):
    """An edit form carries the version it was based on (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class EnterpriseForm(VersionedForm):
    # Typed, not chosen from 1,971 entries: a code or a name, matched by reform.industries.
    # A text nothing matches is saved as typed and the enterprise marked 待归类.
    industry = forms.CharField(
        label=gettext_lazy("industry"),
        max_length=INDUSTRY_TEXT_MAX,
        help_text=gettext_lazy(
            "A GB/T 4754-2017 (国民经济行业分类) code or name, e.g. 13, C13, 1311 or "
            "农副食品加工业. A name the standard does not have is kept and marked unclassified "
            "(待归类) for an administrator to class."
        ),
    )

    class Meta:
        model = Enterprise
        fields = ["credit_code", *[f for f in Enterprise.DATA_FIELDS if f != "industry_text"]]
        widgets = {
            "credit_code": forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": 30}
            ),
            # Checked and stored in one form by Enterprise.clean() (reform.phones).
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "remarks": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.existing: Enterprise | None = None
        self.similar: list[Enterprise] = []
        fields = self.fields
        fields["county"].queryset = scope.regions(Region.Level.COUNTY)
        fields["township"].queryset = scope.regions(Region.Level.TOWNSHIP)
        fields["park"].queryset = scope.parks()
        self.industry_match: Match | None = None
        if not self.is_bound and self.instance.pk:
            self.initial["industry"] = (
                str(self.instance.industry)
                if self.instance.industry_id
                else self.instance.industry_text
            )
        fields["industry"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        # A browser would cut a long paste at maxlength without a word; the server says the limit.
        fields["remarks"].widget.attrs.pop("maxlength", None)
        # Asked for mixed ownership only: the script shows it when that kind is chosen (without
        # script it is always shown and ignored for the other kinds).
        fields["state_controls"].widget.choices = [
            ("unknown", "---------"),
            ("true", _("yes")),
            ("false", _("no")),
        ]
        fields["ownership"].widget.attrs.update(
            {
                "data-reveals": "field-state_controls",
                "data-reveals-when": Enterprise.Ownership.MIXED,
            }
        )
        if scope.county_id is not None:
            fields["county"].initial = scope.county_id
            fields["county"].empty_label = None
        if scope.township_id is not None:
            fields["township"].initial = scope.township_id
            fields["township"].required = True
            fields["township"].empty_label = None
        self._narrow_to_county(self._chosen_county_id())
        # The JS narrows townships and parks to the chosen county through this endpoint.
        choices_url = reverse("pilots:region_choices")
        fields["county"].widget.attrs.update({"data-choices-url": choices_url})
        fields["township"].widget.attrs["data-narrow"] = "townships"
        fields["park"].widget.attrs["data-narrow"] = "parks"
        check_url = reverse("pilots:enterprise_check")
        for name in ("credit_code", "name", "industry"):
            fields[name].widget.attrs.update(
                {"data-check-url": check_url, "data-exclude": self.instance.pk or ""}
            )

    def _chosen_county_id(self) -> int | None:
        """The county the form starts from: submitted, the record's, or the scope's."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("county"), "")
            return int(value) if str(value).isdigit() else None
        return self.instance.county_id or self.scope.county_id

    def _narrow_to_county(self, county_id: int | None) -> None:
        """The menus offer the townships and parks of the chosen county, so that no-JS users see
        the right ones; without a county yet, none (the choice comes after the county).

        Any township or park of the scope still validates: one of another county then gets the
        place rule's message naming it and the county (Enterprise.clean, reform.places), not
        "select a valid choice".
        """
        for name, inside in (("township", "parent_id"), ("park", "county_id")):
            field = self.fields[name]
            shown = field.queryset.filter(**{inside: county_id}) if county_id else []
            blank = [("", field.empty_label)] if field.empty_label is not None else []
            field.choices = blank + [(obj.pk, field.label_from_instance(obj)) for obj in shown]

    def clean_credit_code(self) -> str:
        try:
            code = validate_credit_code(self.cleaned_data["credit_code"])
        except CreditCodeError as error:
            raise forms.ValidationError(str(error)) from None
        existing = selectors.enterprise_by_credit_code(code, exclude_pk=self.instance.pk)
        if existing is not None:
            self.existing = existing
            raise forms.ValidationError(self._existing_message(existing))
        return code

    def _existing_message(self, existing: Enterprise) -> str:
        if self.scope.allows(county_id=existing.county_id, township_id=existing.township_id):
            return format_html(
                '{} <a href="{}">{}</a> · <a href="{}">{}</a>',
                _("This credit code is already registered:"),
                existing.get_absolute_url(),
                existing.name,
                reverse("pilots:pilot_create", args=[existing.pk]),
                _("register a pilot for this enterprise"),
            )
        return _(
            "This credit code is already registered in %(county)s, outside your region. "
            "Ask the city union if it should be moved."
        ) % {"county": existing.county.name}

    def clean_industry(self) -> Industry | None:
        text = self.cleaned_data["industry"].strip()
        try:
            self.industry_match = Matcher().match(text)
        except IndustryError as problem:
            raise forms.ValidationError(str(problem)) from None
        self.instance.industry_text = text if self.industry_match.unclassified else ""
        if self.industry_match.unclassified:
            return None
        return Industry.objects.get(pk=self.industry_match.industry_id)

    def model_fields(self) -> dict:
        return {**super().model_fields(), "industry_text": self.instance.industry_text}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ownership") != Ownership.MIXED:
            # Only mixed ownership has the answer; the model refuses it on any other kind.
            cleaned["state_controls"] = None
        county, township = cleaned.get("county"), cleaned.get("township")
        if county is not None and not self.scope.allows_write(
            county_id=county.pk, township_id=township.pk if township else None
        ):
            self.add_error("township" if self.scope.township_id else "county", OUTSIDE_SCOPE)
        name = cleaned.get("name")
        if name:
            self.similar = selectors.enterprises_with_similar_names(
                name, exclude_pk=self.instance.pk
            )
        return cleaned


class PilotForm(VersionedForm):
    class Meta:
        model = Pilot
        fields = ["plan_year", "tier", "status", "own_plan"]
        widgets = {"own_plan": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, scope: Scope, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.enterprise = enterprise
        self.fields["plan_year"].queryset = PlanYear.objects.all()
        self.fields["plan_year"].empty_label = None
        if not self.instance.pk:
            self.fields["plan_year"].initial = plan_year_current()
            self.fields["status"].initial = Pilot.Status.PROPOSED
        tiers = [
            (value, label)
            for value, label in Pilot.Tier.choices
            if scope.allows_tier(value) and (value != Pilot.Tier.TOWNSHIP or enterprise.township_id)
        ]
        self.fields["tier"].choices = tiers
        if len(tiers) == 1:
            self.fields["tier"].initial = tiers[0][0]
        # A demonstration unit's status is its naming's (demonstration app): shown, not changed.
        if self.instance.pk and self.instance.status == Pilot.Status.DEMONSTRATION:
            self.fields["status"].disabled = True
            self.fields["status"].help_text = _(
                "Named in a selection round; the naming is revoked there, not here."
            )
        else:
            self.fields["status"].choices = [
                (value, label)
                for value, label in Pilot.Status.choices
                if value in Pilot.TYPED_STATUSES
            ]

    def clean_tier(self) -> str:
        tier = self.cleaned_data["tier"]
        if not self.scope.allows_tier(tier):
            raise forms.ValidationError(_("You may not register pilots of this tier."))
        return tier

    def clean(self):
        cleaned = super().clean()
        plan_year = cleaned.get("plan_year")
        if plan_year is not None:
            taken = Pilot.objects.filter(enterprise=self.enterprise, plan_year=plan_year)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "plan_year", _("This enterprise already has a pilot in this plan year.")
                )
        return cleaned

    def _post_clean(self):
        # The model's clean() needs the enterprise (township-tier rule).
        self.instance.enterprise = self.enterprise
        super()._post_clean()


class PilotStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("status"),
        choices=[
            (value, label) for value, label in Pilot.Status.choices if value in Pilot.TYPED_STATUSES
        ],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
