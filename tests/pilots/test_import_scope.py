"""A batch is checked and applied inside its uploader's scope, whoever confirms it (issue 10)."""

import pytest

from pilots.imports import batches, plan
from pilots.imports.apply import StalePreview, batch_apply
from pilots.imports.batches import batch_create, read_upload
from pilots.imports.plan import build_preview
from pilots.imports.scope import batch_scope, both, uploader_scope
from pilots.models import Enterprise, ImportBatch, Pilot
from reform.scopes import NOWHERE, scope_for
from tests.builders import make_enterprise, make_pilot
from tests.pilots.import_files import row, use_test_settings, xlsx


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


def upload(user, plan_year, data):
    return batch_create(
        data=data, filename="list.xlsx", user=user, scope=scope_for(user), plan_year=plan_year
    )


def confirm(batch, user):
    return batch_apply(batch=batch, user=user, scope=scope_for(user))


def widen(batch, data, user):
    """Store a plan made with `user`'s rights, as the old re-check did."""
    wide = build_preview(read_upload(data), scope=scope_for(user), plan_year=batch.plan_year)
    batches._store_preview(batch, wide)
    batch.save()


def test_a_stale_preview_rechecked_by_city_staff_still_writes_only_in_the_county(users, plan_year):
    own = make_enterprise(name="本县企业", county="320722", employee_count=100)
    other = make_enterprise(name="灌南企业", county="320724", township=None, employee_count=10)
    data = xlsx(
        [
            row(name="本县企业", credit_code=own.credit_code, employee_count=200),
            row(
                name="抢过来",
                credit_code=other.credit_code,
                county="灌南县",
                township="",
                employee_count=999,
            ),
        ]
    )
    batch = upload(users["county"], plan_year, data)
    assert (batch.rows_rejected, batch.enterprises_updated) == (1, 1)
    # The preview goes stale: someone changes the county's enterprise.
    own.employee_count = 150
    own.save()
    # City staff open the confirmation: the preview is checked again, but in the county.
    with pytest.raises(StalePreview):
        confirm(batch, users["city"])
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert batch.rows_rejected == 1
    assert [e[1] for e in plan.load_plan(batch)["errors"]] == ["credit_code"]
    # The county official confirms what city staff re-checked.
    confirm(batch, users["county"])
    other.refresh_from_db()
    own.refresh_from_db()
    assert (other.name, other.employee_count) == ("灌南企业", 10)
    assert not other.history.filter(history_change_reason=batch.change_reason).exists()
    assert own.employee_count == 200
    assert Pilot.objects.filter(enterprise=other).count() == 0


def test_the_apply_step_refuses_a_plan_reaching_outside_the_uploaders_scope(users, plan_year):
    """Even a plan made with wider rights (however it came about) writes nothing outside."""
    other = make_enterprise(name="灌南企业", county="320724", township=None, employee_count=10)
    data = xlsx([row(name="抢过来", credit_code=other.credit_code, county="灌南县", township="")])
    batch = upload(users["county"], plan_year, data)
    assert batch.rows_rejected == 1
    for confirmer in ("county", "city"):
        widen(batch, data, users["city"])
        assert batch.rows_rejected == 0  # the plan now reaches 灌南县
        with pytest.raises(StalePreview):
            confirm(batch, users[confirmer])
        batch.refresh_from_db()
        assert batch.rows_rejected == 1  # checked again, in the county
    other.refresh_from_db()
    assert (other.name, other.employee_count) == ("灌南企业", 10)
    assert Enterprise.history.filter(history_change_reason=batch.change_reason).count() == 0


def test_the_apply_step_refuses_a_tier_the_uploader_may_not_register(users, plan_year):
    enterprise = make_enterprise(name="本县企业", county="320722")
    make_pilot(plan_year, enterprise=enterprise, tier="city")
    data = xlsx([row(name="本县企业", credit_code=enterprise.credit_code, status="拟推荐")])
    batch = upload(users["county"], plan_year, data)
    widen(batch, data, users["city"])
    assert batch.pilots_updated == 1
    with pytest.raises(StalePreview):
        confirm(batch, users["city"])
    pilot = Pilot.objects.get(enterprise=enterprise)
    assert (pilot.tier, pilot.status) == ("city", "confirmed")


def test_a_city_upload_confirmed_by_a_county_official_writes_only_in_the_county(users, plan_year):
    city_batch = ImportBatch(scope_county=None, scope_township=None)
    county = scope_for(users["county"])
    assert batch_scope(city_batch, county) == county
    township = scope_for(users["township"])
    county_batch = ImportBatch(scope_county_id=county.county_id)
    narrowed = batch_scope(county_batch, township)
    assert (narrowed.county_id, narrowed.township_id, narrowed.role) == (
        township.county_id,
        township.township_id,
        "township",
    )
    # Two different counties share nothing.
    elsewhere = both(uploader_scope(county_batch), scope_for(users["other_county"]))
    assert elsewhere.county_id == NOWHERE
    assert not elsewhere.allows(county_id=county.county_id)
    # The city's upload checked by the city: every county, every tier.
    city = batch_scope(city_batch, scope_for(users["city"]))
    assert city.is_everywhere and city.role == "city_staff"
