"""The pilot's own plan (一企一策): its form and its write.

Kept apart from the pilot's own forms and services so that the plan can be edited from the
guidance-station pages without touching the pilot registration workflow.
"""

import datetime

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pilots.models import Pilot, PilotPlan


class PilotPlanForm(forms.ModelForm):
    class Meta:
        model = PilotPlan
        fields = ["goals", "measures", "target_date"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "measures": forms.Textarea(attrs={"rows": 6}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "goals": _("What the enterprise means to reach in this pilot."),
            "measures": _("How: the steps, who is responsible, what support is needed."),
        }


@transaction.atomic
def pilot_plan_save(
    *,
    pilot: Pilot,
    user,
    goals: str,
    measures: str = "",
    target_date: datetime.date | None = None,
) -> PilotPlan:
    """Create or update the pilot's plan; the history keeps every earlier version."""
    plan = PilotPlan.objects.select_for_update().filter(pilot=pilot).first() or PilotPlan(
        pilot=pilot
    )
    plan.goals = goals
    plan.measures = measures
    plan.target_date = target_date
    plan.updated_by = user
    plan._history_user = user
    plan.full_clean()
    plan.save()
    return plan
