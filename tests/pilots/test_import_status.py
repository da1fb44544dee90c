"""The status 示范单位 is a naming's (demonstration app): an import row neither gives it nor
takes it away (issue 10)."""

import pytest
from django.utils import translation

from pilots.imports import plan
from pilots.imports.apply import batch_apply
from pilots.imports.batches import batch_create
from pilots.models import Pilot
from reform.messages import render
from reform.scopes import scope_for
from tests.builders import make_pilot, next_credit_code
from tests.pilots.import_files import row, use_test_settings, xlsx


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


def upload(user, plan_year, rows):
    return batch_create(
        data=xlsx(rows), filename="list.xlsx", user=user, scope=scope_for(user), plan_year=plan_year
    )


def errors(batch):
    with translation.override("en"):
        return [(e[0], e[1], render(e[4])) for e in plan.load_plan(batch)["errors"]]


def test_an_import_row_cannot_make_a_pilot_a_demonstration_unit(users, plan_year):
    confirmed = make_pilot(plan_year, county="320722", status="confirmed")
    rows = [
        row(name="新企业", credit_code=next_credit_code(), status="示范单位"),
        row(
            name=confirmed.enterprise.name,
            credit_code=confirmed.enterprise.credit_code,
            status="示范",
        ),
    ]
    batch = upload(users["city"], plan_year, rows)
    found = errors(batch)
    assert [(number, field) for number, field, _m in found] == [(2, "status"), (3, "status")]
    assert all("Only the naming of a demonstration-unit selection round" in m for *_n, m in found)
    assert (batch.rows_rejected, batch.enterprises_created, batch.pilots_updated) == (2, 0, 0)
    batch_apply(batch=batch, user=users["city"], scope=scope_for(users["city"]))
    confirmed.refresh_from_db()
    assert confirmed.status == Pilot.Status.CONFIRMED
    assert not Pilot.objects.filter(status=Pilot.Status.DEMONSTRATION).exists()


def test_a_demonstration_unit_stays_one(users, plan_year):
    named = make_pilot(plan_year, county="320722", status="demonstration")
    code, name = named.enterprise.credit_code, named.enterprise.name
    # Repeating its status, or leaving the cell empty: accepted, no change to the status.
    kept = upload(
        users["county"],
        plan_year,
        [row(name=name, credit_code=code, status="示范单位", employee_count=321)],
    )
    assert errors(kept) == []
    assert (kept.enterprises_updated, kept.pilots_unchanged) == (1, 1)
    batch_apply(batch=kept, user=users["county"], scope=scope_for(users["county"]))
    named.refresh_from_db()
    assert named.status == Pilot.Status.DEMONSTRATION
    assert named.enterprise.employee_count == 321
    # Taking it away: refused, the row changes nothing.
    for typed in ("已确定", "已退出", "拟推荐"):
        batch = upload(users["county"], plan_year, [row(name=name, credit_code=code, status=typed)])
        assert [(n, f) for n, f, _m in errors(batch)] == [(2, "status")]
        assert "only revoking its naming" in errors(batch)[0][2]
    named.refresh_from_db()
    assert named.status == Pilot.Status.DEMONSTRATION
