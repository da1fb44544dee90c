"""The import pipeline without the web pages: preview, apply, undo, scope, errors."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from pilots.imports import plan, write
from pilots.imports.apply import StalePreview, batch_apply
from pilots.imports.batches import batch_create
from pilots.imports.check import EXAMPLE_CREDIT_CODE
from pilots.imports.undo import CannotUndo, batch_undo
from pilots.models import Enterprise, ImportBatch, Pilot
from reform.creditcode import make_credit_code
from reform.messages import render
from reform.scopes import scope_for
from tests.builders import make_enterprise, make_pilot, next_credit_code
from tests.pilots.import_files import COLUMNS, row, use_test_settings, xlsx


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


def upload(user, plan_year, data, name="list.xlsx"):
    return batch_create(
        data=data, filename=name, user=user, scope=scope_for(user), plan_year=plan_year
    )


def confirm(batch, user):
    return batch_apply(batch=batch, user=user, scope=scope_for(user))


def errors(batch):
    return [(e[0], e[1], render(e[4])) for e in plan.load_plan(batch)["errors"]]


def test_it_previews_new_rows_without_writing_anything(users, plan_year):
    rows = [row(name=f"企业{i}", credit_code=next_credit_code()) for i in range(3)]
    batch = upload(users["county"], plan_year, xlsx(rows))
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (batch.enterprises_created, batch.pilots_created, batch.rows_rejected) == (3, 3, 0)
    assert Enterprise.objects.count() == 0
    assert Pilot.objects.count() == 0


def test_it_applies_the_preview_with_history_naming_the_batch(users, plan_year):
    code = next_credit_code()
    batch = upload(users["county"], plan_year, xlsx([row(name="水晶公司", credit_code=code)]))
    confirm(batch, users["county"])
    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.name == "水晶公司"
    assert enterprise.county.name == "东海县" and enterprise.township.name == "牛山街道"
    pilot = Pilot.objects.get(enterprise=enterprise)
    assert (pilot.tier, pilot.status, pilot.registered_by) == (
        "county",
        "confirmed",
        users["county"],
    )
    history = enterprise.history.get()
    assert history.history_change_reason == f"import:{batch.pk}"
    assert history.history_type == "+"
    assert history.history_user == users["county"]
    assert pilot.history.get().history_change_reason == f"import:{batch.pk}"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED


def test_a_second_upload_of_the_same_file_changes_nothing(users, plan_year):
    data = xlsx([row(name=f"企业{i}", credit_code=next_credit_code()) for i in range(4)])
    confirm(upload(users["county"], plan_year, data), users["county"])
    history_before = Enterprise.history.count() + Pilot.history.count()
    second = upload(users["county"], plan_year, data)
    assert (second.enterprises_unchanged, second.pilots_unchanged) == (4, 4)
    assert not second.changes_anything
    confirm(second, users["county"])
    assert Enterprise.history.count() + Pilot.history.count() == history_before


def test_it_shows_each_changed_field_old_and_new(users, plan_year):
    enterprise = make_enterprise(name="旧名称", employee_count=100)
    make_pilot(plan_year, enterprise=enterprise, tier="county", status="proposed")
    data = xlsx([row(name="新名称", credit_code=enterprise.credit_code, employee_count=230)])
    batch = upload(users["county"], plan_year, data)
    assert (batch.enterprises_updated, batch.pilots_updated) == (1, 1)
    plan_row = plan.load_plan(batch)["rows"][0]
    changes = {name: (old, new) for name, old, new in plan_row[plan.R_CHANGES]}
    assert changes["name"] == ("旧名称", "新名称")
    assert changes["employee_count"] == ("100", "230")
    pilot_changes = {name: new for name, _old, new in plan_row[plan.R_PILOT_CHANGES]}
    assert "status" in pilot_changes
    confirm(batch, users["county"])
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.employee_count, enterprise.version) == ("新名称", 230, 2)
    assert enterprise.pilots.get().status == "confirmed"
    assert enterprise.history.first().history_type == "~"


def test_it_collects_every_error_of_every_row_with_excel_row_numbers(users, plan_year):
    rows = [
        row(name="好企业", credit_code=next_credit_code()),
        row(name="", credit_code="91320722ABCDEFGHIJ", county="火星县", employee_count="很多"),
        row(name="坏企业二", credit_code=next_credit_code(), tier="省级"),
    ]
    batch = upload(users["county"], plan_year, xlsx(rows, title="2026年东海县试点企业名单"))
    found = errors(batch)
    # Title on row 1, headers on row 2: the data starts on Excel row 3.
    assert {(number, field) for number, field, _message in found} == {
        (4, "name"),
        (4, "credit_code"),
        (4, "county"),
        (4, "employee_count"),
        (5, "tier"),
    }
    assert (batch.rows_rejected, batch.enterprises_created) == (2, 1)
    assert batch.header_row == 2


def test_the_same_code_twice_is_an_error_naming_both_rows(users, plan_year):
    code = next_credit_code()
    batch = upload(
        users["county"],
        plan_year,
        xlsx([row(name="甲", credit_code=code), row(name="乙", credit_code=code)]),
    )
    messages = {number: message for number, field, message in errors(batch)}
    assert "3" in messages[2] and "2" in messages[3]
    assert batch.rows_rejected == 2


def test_a_credit_code_typed_as_a_number_is_an_error(users, plan_year):
    batch = upload(users["county"], plan_year, xlsx([row(name="甲", credit_code=913207221234567)]))
    assert [(n, f) for n, f, _m in errors(batch)] == [(2, "credit_code")]
    assert "15" in errors(batch)[0][2]


def test_a_county_official_cannot_import_other_counties_or_city_tier(users, plan_year):
    rows = [
        row(name="灌南企业", credit_code=next_credit_code("320724"), county="灌南县", township=""),
        row(name="市级企业", credit_code=next_credit_code(), tier="市级"),
        row(name="乡镇级企业", credit_code=next_credit_code(), tier="乡镇级"),
    ]
    batch = upload(users["county"], plan_year, xlsx(rows))
    assert {(n, f) for n, f, _m in errors(batch)} == {(2, "county"), (3, "tier")}


def test_a_township_official_imports_township_tier_in_their_township_only(users, plan_year):
    rows = [
        row(name="本街道", credit_code=next_credit_code(), tier="乡镇级"),
        row(name="别的乡镇", credit_code=next_credit_code(), township="石榴街道", tier="乡镇级"),
        row(name="县级", credit_code=next_credit_code(), tier="县级"),
        row(name="无乡镇", credit_code=next_credit_code(), township="", tier="乡镇级"),
    ]
    batch = upload(users["township"], plan_year, xlsx(rows))
    assert {(n, f) for n, f, _m in errors(batch)} == {(3, "township"), (4, "tier"), (5, "township")}
    assert batch.enterprises_created == 1


def test_an_existing_enterprise_outside_the_scope_is_rejected(users, plan_year):
    other = make_enterprise(county="320724", township=None)
    data = xlsx([row(name="抢过来", credit_code=other.credit_code)])
    batch = upload(users["county"], plan_year, data)
    assert [(n, f) for n, f, _m in errors(batch)] == [(2, "credit_code")]


def test_confirm_revalidates_when_a_record_changed_since_the_preview(users, plan_year):
    enterprise = make_enterprise(name="原名", employee_count=100)
    batch = upload(
        users["county"],
        plan_year,
        xlsx([row(name="原名", credit_code=enterprise.credit_code, employee_count=200)]),
    )
    enterprise.employee_count = 300
    enterprise.save()
    with pytest.raises(StalePreview):
        confirm(batch, users["county"])
    batch.refresh_from_db()
    enterprise.refresh_from_db()
    assert enterprise.employee_count == 300
    assert batch.status == ImportBatch.Status.PREVIEWED
    changes = plan.load_plan(batch)["rows"][0][plan.R_CHANGES]
    assert ["employee_count", "300", "200"] in changes
    confirm(batch, users["county"])
    enterprise.refresh_from_db()
    assert enterprise.employee_count == 200


def test_confirm_writes_all_or_nothing(users, plan_year, monkeypatch):
    data = xlsx([row(name=f"企业{i}", credit_code=next_credit_code()) for i in range(3)])
    batch = upload(users["county"], plan_year, data)

    def broken(*args):
        raise RuntimeError("disk full")

    # After the enterprises, the pilots and their history rows are written (both databases).
    monkeypatch.setattr(write, "_apply_links", broken)
    with pytest.raises(RuntimeError):
        confirm(batch, users["county"])
    assert Enterprise.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_undo_puts_everything_back(users, plan_year):
    enterprise = make_enterprise(name="原名", employee_count=100)
    rows = [
        row(name="新名", credit_code=enterprise.credit_code),
        row(name="新企业", credit_code=next_credit_code()),
    ]
    batch = confirm(upload(users["county"], plan_year, xlsx(rows)), users["county"])
    assert Enterprise.objects.count() == 2
    batch_undo(batch=batch, user=users["county"])
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.employee_count) == ("原名", 100)
    assert Enterprise.objects.count() == 1
    assert not Pilot.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert enterprise.history.first().history_change_reason == f"undo:{batch.pk}"


def test_undo_is_refused_once_a_record_changed_since(users, plan_year):
    code = next_credit_code()
    batch = confirm(
        upload(users["county"], plan_year, xlsx([row(name="甲", credit_code=code)])),
        users["county"],
    )
    enterprise = Enterprise.objects.get(credit_code=code)
    enterprise.name = "改过"
    enterprise.save()
    with pytest.raises(CannotUndo):
        batch_undo(batch=batch, user=users["county"])
    assert Enterprise.objects.filter(credit_code=code).exists()


@pytest.mark.parametrize("kind", ["new", "changed"])
def test_the_number_of_queries_does_not_grow_with_the_rows(users, plan_year, kind):
    def run(count):
        codes = [make_credit_code(f"91320722{n:09d}") for n in range(count)]
        if kind == "changed":
            confirm(
                upload(
                    users["county"],
                    plan_year,
                    xlsx([row(name=f"旧{c}", credit_code=c) for c in codes]),
                ),
                users["county"],
            )
        data = xlsx([row(name=f"企业{c}", credit_code=c, employee_count=999) for c in codes])
        with CaptureQueriesContext(connection) as captured:
            confirm(upload(users["county"], plan_year, data), users["county"])
        Pilot.objects.all().delete()
        Enterprise.objects.all().delete()
        return len(captured)

    # Below one chunk of each bulk statement (SQLite: 999 variables), the count is fixed.
    assert run(5) == run(40)


@pytest.mark.parametrize("kind", ["new", "unchanged", "changed", "refused"])
def test_preview_and_confirm_each_take_as_many_queries_for_20_rows_as_for_200(
    users, plan_year, kind
):
    """Issue #10: 10,000 rows in under 2 s needs a number of queries that grows with the
    chunks of 900 rows, never with the rows; "refused" has rows refused and rows warned about
    (a bad credit code, an industry no GB/T entry matches, a phone that is no number)."""
    user = users["county"]
    columns = [*COLUMNS, "contact_phone"]

    def rows(codes, name, title=None):
        made = []
        for n, code in enumerate(codes):
            values = row(name=f"{name}{n}", credit_code=code, contact_phone=f"138{n:08d}")
            if kind == "refused" and n % 3 == 0:
                values["credit_code"] = code[:-1]
            if kind == "refused" and n % 3 == 1:
                values["industry"] = f"没有的行业{n % 5}"
            if kind == "refused" and n % 4 == 0:
                values["contact_phone"] = "打电话"
            made.append(values)
        # A title row on the measured upload: never the very bytes (and stored file name) of
        # the first, which would cost the storage a query to find another name.
        return xlsx(made, columns=columns, title=title)

    def run(count):
        codes = [make_credit_code(f"91320722{n:09d}") for n in range(count)]
        if kind in ("unchanged", "changed"):
            confirm(upload(user, plan_year, rows(codes, "企业")), user)
        data = rows(codes, "新名" if kind == "changed" else "企业", title="名单")
        with CaptureQueriesContext(connection) as previewing:
            batch = upload(user, plan_year, data)
        expected = {
            "new": (count, 0, 0, 0),
            "unchanged": (0, 0, count, 0),
            "changed": (0, count, 0, 0),
        }.get(kind)
        outcome = (
            batch.enterprises_created,
            batch.enterprises_updated,
            batch.enterprises_unchanged,
            batch.rows_rejected,
        )
        if expected is not None:
            assert outcome == expected
        else:  # every third row's code lacks its check character; every 4th has a bad phone
            refused = len({n for n in range(count) if n % 3 == 0 or n % 4 == 0})
            assert outcome == (count - refused, 0, 0, refused)
        with CaptureQueriesContext(connection) as confirming:
            confirm(batch, user)
        Pilot.objects.all().delete()
        Enterprise.objects.all().delete()
        return len(previewing), len(confirming)

    # Both sizes lie within one chunk of each bulk statement, so the counts are the same.
    small, large = run(20), run(200)
    assert small == large
    assert small[0] > 0 and small[1] > 0


def test_undo_records_each_deletion_once_with_the_reason(users, plan_year):
    code = next_credit_code()
    batch = confirm(
        upload(users["county"], plan_year, xlsx([row(name="甲", credit_code=code)])),
        users["county"],
    )
    enterprise_id = Enterprise.objects.get(credit_code=code).pk
    batch_undo(batch=batch, user=users["county"])
    deletions = Enterprise.history.filter(id=enterprise_id, history_type="-")
    assert [d.history_change_reason for d in deletions] == [f"undo:{batch.pk}"]


def test_undo_is_refused_when_a_created_enterprise_is_used_since(users, plan_year):
    from reform.services import plan_year_create

    code = next_credit_code()
    batch = confirm(
        upload(
            users["county"], plan_year, xlsx([row(name="甲", credit_code=code, tier="", status="")])
        ),
        users["county"],
    )
    # A pilot of another year, registered without touching the enterprise itself.
    Pilot.objects.create(
        enterprise=Enterprise.objects.get(credit_code=code),
        plan_year=plan_year_create(year=2027),
        tier="county",
    )
    with pytest.raises(CannotUndo):
        batch_undo(batch=batch, user=users["county"])
    assert Enterprise.objects.filter(credit_code=code).exists()


def test_a_county_official_cannot_change_a_city_tier_pilot(users, plan_year):
    enterprise = make_enterprise()
    make_pilot(plan_year, enterprise=enterprise, tier="city", status="proposed")
    data = xlsx([row(name=enterprise.name, credit_code=enterprise.credit_code, tier="县级")])
    batch = upload(users["county"], plan_year, data)
    assert [(n, f) for n, f, _m in errors(batch)] == [(2, "tier")]


def test_the_template_example_row_is_named_as_such(users, plan_year):
    data = xlsx([row(name="示例", credit_code=EXAMPLE_CREDIT_CODE)])
    batch = upload(users["county"], plan_year, data)
    assert errors(batch)[0][2] == gettext("This is the template's example row; delete it.")


def test_undo_is_refused_when_a_created_enterprise_joined_a_cluster(users, plan_year):
    from clusters.models import Cluster

    code = next_credit_code()
    batch = confirm(
        upload(users["county"], plan_year, xlsx([row(name="甲", credit_code=code)])),
        users["county"],
    )
    Cluster.objects.get(name="东海水晶产业集群").members.add(
        Enterprise.objects.get(credit_code=code)
    )
    with pytest.raises(CannotUndo):
        batch_undo(batch=batch, user=users["county"])
    assert Enterprise.objects.filter(credit_code=code).exists()


def test_full_width_brackets_in_a_stored_name_are_no_change(users, plan_year):
    enterprise = make_enterprise(name="连云港某某有限公司（东海）")
    data = xlsx([row(name="连云港某某有限公司(东海)", credit_code=enterprise.credit_code)])
    batch = upload(users["county"], plan_year, data)
    changes = plan.load_plan(batch)["rows"][0][plan.R_CHANGES] or []
    assert "name" not in [name for name, _old, _new in changes]


def test_each_changed_and_created_record_gets_one_history_row_as_written(users, plan_year):
    """PostgreSQL writes the records and their history rows in one statement a chunk
    (write._write_postgres), SQLite by an upsert and INSERT … SELECT: the same rows either way."""
    user = users["county"]
    old = [make_enterprise(name=f"旧{n}", employee_count=100 + n) for n in range(3)]
    old_pilots = [make_pilot(plan_year, enterprise=e, status="proposed") for e in old[:2]]
    new_code = next_credit_code()
    rows = [
        *(
            row(name=f"新{n}", credit_code=e.credit_code, employee_count=7)
            for n, e in enumerate(old)
        ),
        row(name="另一家", credit_code=new_code),
    ]
    batch = confirm(upload(user, plan_year, xlsx(rows)), user)
    assert (batch.enterprises_created, batch.enterprises_updated) == (1, 3)
    reason = f"import:{batch.pk}"
    for n, enterprise in enumerate(old):
        enterprise.refresh_from_db()
        assert (enterprise.name, enterprise.employee_count, enterprise.version) == (f"新{n}", 7, 2)
        written = enterprise.history.filter(history_change_reason=reason).get()
        assert (written.history_type, written.history_user, written.version) == ("~", user, 2)
        assert (written.name, written.employee_count) == (f"新{n}", 7)
        assert written.history_date == batch.applied_at
    created = Enterprise.objects.get(credit_code=new_code)
    assert created.history.get().history_type == "+"
    assert created.history.get().history_change_reason == reason
    for pilot in old_pilots:
        pilot.refresh_from_db()
        assert (pilot.status, pilot.version) == ("confirmed", 2)
        written = pilot.history.filter(history_change_reason=reason).get()
        assert (written.history_type, written.status, written.history_user) == (
            "~",
            "confirmed",
            user,
        )
    pilots_created = Pilot.objects.filter(enterprise__in=[old[2], created])
    assert sorted(
        p.history.get(history_change_reason=reason).history_type for p in pilots_created
    ) == [
        "+",
        "+",
    ]
    assert Enterprise.history.filter(history_change_reason=reason).count() == 4
    assert Pilot.history.filter(history_change_reason=reason).count() == 4
    batch_undo(batch=batch, user=user)
    for n, enterprise in enumerate(old):
        enterprise.refresh_from_db()
        assert (enterprise.name, enterprise.employee_count) == (f"旧{n}", 100 + n)
    assert not Enterprise.objects.filter(credit_code=new_code).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite writes inside one lock: no one can write between",
)
def test_a_record_changed_between_reading_and_writing_is_not_written_over(
    users, plan_year, monkeypatch
):
    """PostgreSQL: the UPDATE checks the version the apply read; a change committed in between
    (here made by the same connection after the read) makes the preview again."""
    user = users["county"]
    enterprise = make_enterprise(name="原名", employee_count=100)
    batch = upload(user, plan_year, xlsx([row(name="新名", credit_code=enterprise.credit_code)]))
    load = write.load_existing

    def load_then_someone_writes(*args):
        found = load(*args)
        Enterprise.objects.filter(pk=enterprise.pk).update(employee_count=300, version=2)
        return found

    monkeypatch.setattr(write, "load_existing", load_then_someone_writes)
    with pytest.raises(StalePreview):
        confirm(batch, user)
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.employee_count, enterprise.version) == ("原名", 100, 1)
    assert not enterprise.history.filter(history_change_reason=f"import:{batch.pk}").exists()


def test_the_records_are_read_as_values_list_reads_them(users, plan_year):
    """records.select_in reads by plain SQL with its own converters: the very values and types
    the ORM gives, which the plan and undo rely on. `updated_at` is read as a stamp that only
    the state digest compares: equal while the time stays, different once it moves, even by a
    microsecond."""
    from pilots.imports.records import ENTERPRISE_COLUMNS, PILOT_COLUMNS, load_existing

    enterprises = [make_enterprise(name=f"企业{n}") for n in range(3)]
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, 60, tzinfo=datetime.UTC)
    Enterprise.objects.filter(pk=enterprises[0].pk).update(updated_at=moment)
    make_pilot(plan_year, enterprise=enterprises[1])
    codes = [e.credit_code for e in enterprises]
    found, pilots = load_existing(codes, plan_year.pk)
    for enterprise in enterprises:
        expected = Enterprise.objects.values_list(*ENTERPRISE_COLUMNS).get(pk=enterprise.pk)
        assert found[enterprise.credit_code][:-1] == expected[:-1]
        assert [repr(v) for v in found[enterprise.credit_code][:-1]] == [
            repr(v) for v in expected[:-1]
        ]
    expected = Pilot.objects.values_list(*PILOT_COLUMNS).get()
    assert pilots[enterprises[1].pk][:-1] == expected[:-1]
    assert [repr(v) for v in pilots[enterprises[1].pk][:-1]] == [repr(v) for v in expected[:-1]]

    stamp = found[enterprises[0].credit_code][-1]
    assert load_existing(codes, plan_year.pk)[0][enterprises[0].credit_code][-1] == stamp
    Enterprise.objects.filter(pk=enterprises[0].pk).update(
        updated_at=moment + datetime.timedelta(microseconds=1)
    )
    assert load_existing(codes, plan_year.pk)[0][enterprises[0].credit_code][-1] != stamp
    Pilot.objects.update(updated_at=moment)
    pilot_stamp = load_existing(codes, plan_year.pk)[1][enterprises[1].pk][-1]
    Pilot.objects.update(updated_at=moment - datetime.timedelta(microseconds=1))
    assert load_existing(codes, plan_year.pk)[1][enterprises[1].pk][-1] != pilot_stamp
