"""The selection in the admin: administrators look things up; changes go through the pages."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.demonstration.builders import submitted_application

pytestmark = pytest.mark.django_db


def test_the_selection_is_read_only_in_the_admin(client, users, selection):
    submitted_application(selection, user=users["county"])
    client.force_login(users["admin"])
    models = [m for m in admin.site._registry if m._meta.app_label == "demonstration"]
    assert {m.__name__ for m in models} == {
        "SelectionRound",
        "Application",
        "Assignment",
        "Objection",
        "Naming",
    }
    for model in models:
        opts = model._meta
        changelist = reverse(f"admin:demonstration_{opts.model_name}_changelist")
        for language in ("zh-hans", "en"):
            assert client.get(changelist, HTTP_ACCEPT_LANGUAGE=language).status_code == 200
        assert client.get(reverse(f"admin:demonstration_{opts.model_name}_add")).status_code == 403
