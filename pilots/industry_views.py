"""The administrators' page of unclassified industry texts (待归类), and mapping one text."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from pilots.industries import ClassifyError, classify_text, unclassified_count, unclassified_texts
from reform.industries import MAX_TEXT, IndustryError, Matcher
from reform.models import Industry
from reform.paging import paginate
from reform.scopes import scope_for

TEXTS_PER_PAGE = 25


class ClassifyForm(forms.Form):
    text = forms.CharField(max_length=MAX_TEXT, widget=forms.HiddenInput)
    industry = forms.CharField(
        label=gettext_lazy("GB/T 4754-2017 code or name"),
        max_length=MAX_TEXT,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, matcher: Matcher | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.matcher = matcher

    def clean_industry(self) -> Industry:
        text = self.cleaned_data["industry"]
        try:
            found = (self.matcher or Matcher()).match(text)
        except IndustryError as problem:
            raise forms.ValidationError(str(problem)) from None
        if found.unclassified:
            raise forms.ValidationError(
                _("No GB/T 4754-2017 entry has the code or name “%(text)s”.") % {"text": text}
            )
        return Industry.objects.get(pk=found.industry_id)


def _require_admin(request):
    scope = scope_for(request.user)
    if not scope.is_admin:
        raise PermissionDenied
    return scope


@login_required
@require_GET
def industry_unclassified(request):
    """Each text no entry matched, how many enterprises carry it, the closest entries."""
    _require_admin(request)
    page = paginate(request, unclassified_texts(), per_page=TEXTS_PER_PAGE)
    matcher = Matcher()  # 2 queries, whatever the page holds
    rows = [
        {
            "text": row["industry_text"],
            "count": row["count"],
            "suggestions": matcher.suggest(row["industry_text"]),
        }
        for row in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "total": unclassified_count(),
        "form": ClassifyForm(),
    }
    return render(request, "pilots/industry_unclassified.html", context)


@login_required
@require_POST
def industry_classify(request):
    """Map one text to an entry: its enterprises are classed, the text becomes a synonym."""
    _require_admin(request)
    form = ClassifyForm(request.POST)
    back = redirect("pilots:industry_unclassified")
    if not form.is_valid():
        problems = [message for errors in form.errors.values() for message in errors]
        messages.error(request, " ".join(problems))
        return back
    text, industry = form.cleaned_data["text"], form.cleaned_data["industry"]
    try:
        count = classify_text(text=text, industry=industry, user=request.user)
    except ClassifyError as problem:
        messages.error(request, str(problem))
        return back
    messages.success(
        request,
        _(
            "“%(text)s” now means %(entry)s: %(count)s enterprises classed, and later imports "
            "and forms find it by itself."
        )
        % {"text": text, "entry": industry, "count": count},
    )
    return back
