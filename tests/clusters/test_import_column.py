"""The Excel import's cluster column: members added on confirm, checked in preview, undone."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from openpyxl import load_workbook

from clusters.models import ClusterMembership
from clusters.services import cluster_members_add
from pilots.imports import plan
from pilots.imports.apply import batch_apply
from pilots.imports.batches import batch_create
from pilots.imports.columns import COLUMN_EXTENSIONS
from pilots.imports.undo import batch_undo
from pilots.models import Enterprise, ImportBatch, Pilot
from reform.creditcode import make_credit_code
from reform.messages import render
from reform.scopes import scope_for
from tests.builders import make_enterprise, next_credit_code
from tests.pilots.import_files import COLUMNS, row, use_test_settings, xlsx

CRYSTAL = "东海水晶产业集群"
MUSHROOMS = "灌南县菌菇产业集群"
WITH_CLUSTER = [*COLUMNS, "cluster"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


def workbook(rows) -> bytes:
    return xlsx(rows, columns=WITH_CLUSTER)


def upload(user, plan_year, data) -> ImportBatch:
    return batch_create(
        data=data, filename="list.xlsx", user=user, scope=scope_for(user), plan_year=plan_year
    )


def confirm(batch, user) -> ImportBatch:
    return batch_apply(batch=batch, user=user, scope=scope_for(user))


def errors(batch):
    """(row, field, header, value, message) of every error of the preview."""
    return [(*e[:4], render(e[4])) for e in plan.load_plan(batch)["errors"]]


def unchanged_row(enterprise, **values):
    """A row repeating what the enterprise already is, without a pilot."""
    return row(
        name=enterprise.name,
        credit_code=enterprise.credit_code,
        employee_count=enterprise.employee_count,
        tier="",
        status="",
        **values,
    )


def members(cluster) -> set[str]:
    return set(cluster.members.values_list("credit_code", flat=True))


def test_the_cluster_column_is_registered_by_the_clusters_app():
    assert "cluster" in COLUMN_EXTENSIONS


def test_memberships_are_added_on_confirm_not_before(users, plan_year, crystal):
    known = make_enterprise()
    new_code = next_credit_code()
    data = workbook(
        [
            row(name="新水晶公司", credit_code=new_code, cluster=CRYSTAL),
            unchanged_row(known, cluster=CRYSTAL),
        ]
    )
    batch = upload(users["county"], plan_year, data)
    assert batch.link_counts == {"cluster": 2}
    # Joining a cluster is a change of the enterprise as the user sees it: not "unchanged".
    assert (batch.enterprises_created, batch.enterprises_updated) == (1, 1)
    assert batch.enterprises_unchanged == 0
    assert batch.changes_anything
    assert not ClusterMembership.objects.exists()

    confirm(batch, users["county"])
    assert members(crystal) == {new_code, known.credit_code}
    history = ClusterMembership.history.filter(cluster=crystal)
    assert {(h.history_type, h.history_change_reason) for h in history} == {
        ("+", f"import:{batch.pk}")
    }
    assert {h.history_user for h in history} == {users["county"]}
    assert {m.added_by for m in ClusterMembership.objects.all()} == {users["county"]}
    # The unchanged enterprise itself got no history row.
    assert not known.history.filter(history_change_reason=f"import:{batch.pk}").exists()


def test_a_second_upload_of_the_same_file_changes_nothing(users, plan_year, crystal):
    known = make_enterprise()
    data = workbook(
        [
            row(name="新水晶公司", credit_code=next_credit_code(), cluster=CRYSTAL),
            unchanged_row(known, cluster=CRYSTAL),
        ]
    )
    confirm(upload(users["county"], plan_year, data), users["county"])
    history = ClusterMembership.history.count()

    second = upload(users["county"], plan_year, data)
    assert second.link_counts == {"cluster": 0}
    assert (second.enterprises_created, second.enterprises_updated) == (0, 0)
    assert second.enterprises_unchanged == 2
    assert not second.changes_anything
    assert all(not r[plan.R_LINKS] for r in plan.load_plan(second)["rows"])
    confirm(second, users["county"])
    assert ClusterMembership.objects.count() == 2
    assert ClusterMembership.history.count() == history


def test_an_unknown_cluster_is_a_row_error_with_its_row_number(users, plan_year):
    data = workbook(
        [
            row(name="甲", credit_code=next_credit_code(), cluster=CRYSTAL),
            row(name="乙", credit_code=next_credit_code(), cluster="东海石英产业集群"),
        ]
    )
    batch = upload(users["county"], plan_year, data)
    assert errors(batch) == [
        (
            3,
            "cluster",
            "产业集群",
            "东海石英产业集群",
            gettext("Unknown industry cluster; choose one from the list."),
        )
    ]
    assert batch.rows_rejected == 1
    assert batch.link_counts == {"cluster": 1}


def test_the_error_is_in_the_users_language(users, plan_year):
    data = workbook([row(name="乙", credit_code=next_credit_code(), cluster="不存在的集群")])
    with translation.override("zh-hans"):
        batch = upload(users["county"], plan_year, data)
    message = errors(batch)[0][4]
    assert message != "Unknown industry cluster; choose one from the list."
    assert "产业集群" in message


def test_another_countys_cluster_is_refused(users, plan_year):
    data = workbook([row(name="甲", credit_code=next_credit_code(), cluster=MUSHROOMS)])
    batch = upload(users["county"], plan_year, data)
    [(number, field, _header, value, message)] = errors(batch)
    assert (number, field, value) == (2, "cluster", MUSHROOMS)
    assert "灌南县" in message
    confirm(batch, users["county"])
    assert not ClusterMembership.objects.exists()
    assert not Enterprise.objects.exists()


def test_a_township_official_may_not_add_cluster_members(users, plan_year):
    data = workbook(
        [row(name="甲", credit_code=next_credit_code(), tier="乡镇级", cluster=CRYSTAL)]
    )
    batch = upload(users["township"], plan_year, data)
    assert [(e[0], e[1]) for e in errors(batch)] == [(2, "cluster")]


def test_city_staff_add_members_to_any_countys_cluster(users, plan_year, mushrooms):
    code = next_credit_code("320724")
    data = workbook(
        [row(name="菌菇公司", credit_code=code, county="灌南县", township="", cluster=MUSHROOMS)]
    )
    confirm(upload(users["city"], plan_year, data), users["city"])
    assert members(mushrooms) == {code}


def test_a_short_name_and_several_clusters_in_one_cell(users, plan_year, crystal, mushrooms):
    code = next_credit_code()
    data = workbook(
        [row(name="甲", credit_code=code, cluster=f"东海水晶、{MUSHROOMS}", tier="市级")]
    )
    confirm(upload(users["city"], plan_year, data), users["city"])
    assert members(crystal) == {code} and members(mushrooms) == {code}


def test_undo_removes_the_memberships_the_batch_added_and_keeps_earlier_ones(
    users, plan_year, crystal
):
    earlier = make_enterprise()
    joined = make_enterprise()
    cluster_members_add(cluster=crystal, enterprises=[earlier], user=users["county"])
    new_code = next_credit_code()
    data = workbook(
        [
            unchanged_row(earlier, cluster=CRYSTAL),
            unchanged_row(joined, cluster=CRYSTAL),
            row(name="新水晶公司", credit_code=new_code, cluster=CRYSTAL),
        ]
    )
    batch = confirm(upload(users["county"], plan_year, data), users["county"])
    assert members(crystal) == {earlier.credit_code, joined.credit_code, new_code}

    batch_undo(batch=batch, user=users["county"])
    assert members(crystal) == {earlier.credit_code}
    assert not Enterprise.objects.filter(credit_code=new_code).exists()
    removed = ClusterMembership.history.filter(history_type="-")
    assert {(h.enterprise_id, h.history_change_reason) for h in removed} == {
        (joined.pk, f"undo:{batch.pk}"),
        (Enterprise.history.filter(credit_code=new_code).first().id, f"undo:{batch.pk}"),
    }
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE


def test_undo_skips_a_membership_removed_since(users, plan_year, crystal):
    joined = make_enterprise()
    batch = confirm(
        upload(users["county"], plan_year, workbook([unchanged_row(joined, cluster=CRYSTAL)])),
        users["county"],
    )
    ClusterMembership.objects.get(enterprise=joined).delete()
    batch_undo(batch=batch, user=users["county"])
    assert not ClusterMembership.objects.exists()


@pytest.mark.parametrize("kind", ["new", "known"])
def test_the_number_of_queries_does_not_grow_with_the_rows(users, plan_year, kind):
    def run(count):
        codes = [make_credit_code(f"91320722{n:09d}") for n in range(count)]
        if kind == "known":
            confirm(
                upload(
                    users["county"],
                    plan_year,
                    workbook([row(name=f"旧{c}", credit_code=c) for c in codes]),
                ),
                users["county"],
            )
        data = workbook(
            [
                row(name=f"企业{c}", credit_code=c, employee_count=999, cluster=CRYSTAL)
                for c in codes
            ]
        )
        with CaptureQueriesContext(connection) as captured:
            batch = confirm(upload(users["county"], plan_year, data), users["county"])
        assert batch.link_counts == {"cluster": count}
        assert ClusterMembership.objects.count() == count
        ClusterMembership.objects.all().delete()
        Pilot.objects.all().delete()
        Enterprise.objects.all().delete()
        return len(captured)

    assert run(5) == run(40)


# -- pages and the template ----------------------------------------------------------------


def client_for(user) -> Client:
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(user)
    return client


def test_the_preview_page_names_the_cluster_each_row_joins(users, plan_year):
    known = make_enterprise(name="老水晶公司")
    client = client_for(users["county"])
    upload_file = io.BytesIO(workbook([unchanged_row(known, cluster=CRYSTAL)]))
    upload_file.name = "list.xlsx"
    response = client.post(reverse("pilots:import_upload"), {"file": upload_file})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert gettext("joins %(cluster)s") % {"cluster": CRYSTAL} in page
    assert "老水晶公司" in page
    assert 'id="count-links-1">1<' in page
    assert ngettext("Cluster membership to add", "Cluster memberships to add", 1) in page


def test_the_template_offers_the_clusters_the_user_may_change(users, plan_year):
    response = client_for(users["county"]).get(reverse("pilots:import_template"))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("产业集群") + 1
    letter = sheet.cell(row=1, column=column).column_letter
    validations = {
        str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert f"{letter}2" in validations
    list_column = validations[f"{letter}2"].split("!")[1].split(":")[0].replace("$", "")
    hidden = book["lists"]
    offered = {
        cell.value for cell in hidden[list_column.rstrip("0123456789")] if cell.value is not None
    }
    assert offered == {CRYSTAL}


def test_a_township_officials_template_has_no_cluster_dropdown(users, plan_year):
    response = client_for(users["township"]).get(reverse("pilots:import_template"))
    book = load_workbook(io.BytesIO(response.content))
    values = {cell.value for column in book["lists"].iter_cols() for cell in column}
    assert CRYSTAL not in values and MUSHROOMS not in values


def test_naming_a_cluster_the_enterprise_is_already_in_needs_no_right(users, plan_year, crystal):
    known = make_enterprise()
    cluster_members_add(cluster=crystal, enterprises=[known], user=users["county"])
    data = workbook([unchanged_row(known, cluster=CRYSTAL)])
    batch = upload(users["township"], plan_year, data)
    assert errors(batch) == []
    assert batch.link_counts == {"cluster": 0}


def test_confirming_says_how_many_members_were_added(users, plan_year):
    known = make_enterprise()
    client = client_for(users["county"])
    upload_file = io.BytesIO(workbook([unchanged_row(known, cluster=CRYSTAL)]))
    upload_file.name = "list.xlsx"
    client.post(reverse("pilots:import_upload"), {"file": upload_file})
    batch = ImportBatch.objects.latest("pk")
    page = client.post(reverse("pilots:import_confirm", args=[batch.pk]), follow=True)
    label = ngettext("Cluster membership added", "Cluster memberships added", 1)
    assert gettext("%(label)s: %(count)d.") % {"label": label, "count": 1} in page.content.decode()
    assert 'id="count-links-1">1<' in page.content.decode()
