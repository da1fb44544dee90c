"""The cached dashboards: a write of any kind shows on the next view; no scope sees another's.

These tests commit (transaction=True): the data version changes when a write commits, as on a
real site, where every request is its own transaction.
"""

import io
import re

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilots import services
from pilots.models import ImportBatch, Pilot
from reform.figures import data_version, new_version, writes_data
from reform.models import DataVersion
from tests.builders import PASSWORD, make_enterprise, make_pilot, next_credit_code
from tests.pilots.import_files import row, use_test_settings, xlsx

DONGHAI, GUANNAN = "320722", "320724"
DONGHAI_PAGE = f"/regions/{DONGHAI}/"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def caching(settings, tmp_path):
    use_test_settings(settings, tmp_path)
    settings.FIGURES_CACHE_SECONDS = 600
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    new_version()  # as the first write of a site makes it
    yield
    cache.clear()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def county_tier_count(client, path=DONGHAI_PAGE) -> int:
    """The county-tier figure of the county page (or the city's figure of the overview)."""
    html = client.get(path).text
    kpi = "kpi-county" if path.startswith(DONGHAI_PAGE) else "kpi-city"
    found = re.search(rf'id="{kpi}".*?class="count"[^>]*>(\d+)<', html, re.DOTALL)
    assert found, html[html.find("print-stamp") :][:1500]
    return int(found.group(1))


@pytest.fixture
def three(users, plan_year):
    """Three confirmed county-tier pilots in 东海县, the county page seen (and cached) once."""
    pilots = [make_pilot(plan_year, tier="county") for _ in range(3)]
    client = client_for(users["leader"])
    assert county_tier_count(client) == 3
    return {"client": client, "pilots": pilots, "plan_year": plan_year}


def test_a_second_view_is_served_from_the_cache_without_computing(three):
    client = three["client"]
    with CaptureQueriesContext(connection) as captured:
        assert county_tier_count(client) == 3
    # session, user, the data version: the region, the plan years and the figures are cached.
    assert len(captured) == 3, [query["sql"][:100] for query in captured]
    assert not any("pilots_pilot" in query["sql"] for query in captured)


def test_a_status_form_post_shows_on_the_next_view(three, users):
    pilot = three["pilots"][0]
    response = client_for(users["county"]).post(
        reverse("pilots:pilot_status", args=[pilot.pk]), {"status": "withdrawn", "version": 1}
    )
    assert response.status_code == 302
    assert county_tier_count(three["client"]) == 2


def test_a_service_call_and_a_bulk_update_show_on_the_next_view(three, users):
    pilot = three["pilots"][0]
    services.pilot_set_status(pilot=pilot, status="proposed", version=1, user=users["city"])
    assert county_tier_count(three["client"]) == 2
    # A queryset update sends no signal; the write is seen all the same.
    Pilot.objects.filter(pk__in=[p.pk for p in three["pilots"]]).update(status="withdrawn")
    assert county_tier_count(three["client"]) == 0
    # bulk_create (no signals either), as the import and the seeding commands write.
    enterprises = [make_enterprise() for _ in range(2)]
    Pilot.objects.bulk_create(
        [
            Pilot(enterprise=e, plan_year=three["plan_year"], tier="county", status="confirmed")
            for e in enterprises
        ]
    )
    assert county_tier_count(three["client"]) == 2


def test_raw_sql_and_a_delete_show_on_the_next_view(three):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pilots_pilot SET status = 'proposed' WHERE id = %s", [three["pilots"][0].pk]
        )
    assert county_tier_count(three["client"]) == 2
    three["pilots"][1].delete()
    assert county_tier_count(three["client"]) == 1


def test_an_admin_change_shows_on_the_next_view(three, users):
    pilot = three["pilots"][0]
    admin = client_for(users["admin"])
    response = admin.post(reverse("admin:pilots_pilot_delete", args=[pilot.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Pilot.objects.filter(pk=pilot.pk).exists()
    assert county_tier_count(three["client"]) == 2


def test_an_import_confirm_and_its_undo_show_on_the_next_view(three, users):
    county = client_for(users["county"])
    data = xlsx([row(name=f"导入企业{n}", credit_code=next_credit_code()) for n in range(4)])
    upload = io.BytesIO(data)
    upload.name = "list.xlsx"
    assert county.post(reverse("pilots:import_upload"), {"file": upload}).status_code == 302
    batch = ImportBatch.objects.latest("pk")
    # The preview writes no pilot: the figure stays (and may stay cached).
    assert county_tier_count(three["client"]) == 3
    assert county.post(reverse("pilots:import_confirm", args=[batch.pk])).status_code == 302
    assert county_tier_count(three["client"]) == 7
    assert county.post(reverse("pilots:import_undo", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert county_tier_count(three["client"]) == 3


def test_the_overview_sees_writes_too(three, plan_year):
    client = three["client"]
    assert county_tier_count(client, "/") == 0
    make_pilot(plan_year, tier="city")
    assert county_tier_count(client, "/") == 1


def test_a_rolled_back_write_leaves_the_version_and_a_committed_one_changes_it(three):
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Pilot.objects.filter(pk=three["pilots"][0].pk).update(status="proposed")
        raise RuntimeError
    assert data_version() == before
    with transaction.atomic():
        for pilot in three["pilots"]:
            Pilot.objects.filter(pk=pilot.pk).update(status="proposed")
        assert data_version() == before  # not before the commit …
    after = data_version()
    assert after != before  # … and once for the whole transaction
    assert county_tier_count(three["client"]) == 0


def test_a_sign_in_and_a_session_write_do_not_make_the_figures_obsolete(three, users):
    before = data_version()
    client = Client()
    assert client.post(
        reverse("login"), {"username": "township", "password": PASSWORD}
    ).status_code == 302  # fmt: skip
    users["township"].refresh_from_db()
    assert users["township"].last_login is not None
    assert data_version() == before
    session = client.session
    session["anything"] = 1
    session.save()
    assert data_version() == before
    assert DataVersion.objects.count() == 1


def test_two_officials_of_different_counties_never_see_each_others_links(users, plan_year):
    make_pilot(plan_year, tier="county")
    make_pilot(plan_year, tier="county", county=GUANNAN, township=None)
    donghai, guannan = client_for(users["county"]), client_for(users["other_county"])
    donghai_link = f"county={users['county'].region_id}"
    guannan_link = f"county={users['other_county'].region_id}"
    for _ in range(2):  # the second time from the cache
        for client, own, other in [
            (donghai, donghai_link, guannan_link),
            (guannan, guannan_link, donghai_link),
        ]:
            for path in ("/", DONGHAI_PAGE, f"/regions/{GUANNAN}/"):
                html = client.get(path).text
                links = re.findall(r'href="(/pilots/\?[^"]*)"', html)
                assert not any(other in link for link in links), (path, links)
            overview = client.get("/").text
            assert any(own in link for link in re.findall(r'href="(/pilots/\?[^"]*)"', overview))


def test_another_language_and_sorting_are_cached_apart(three):
    client = three["client"]
    chinese = client.get(DONGHAI_PAGE, headers={"accept-language": "zh-hans"}).text
    english = client.get(DONGHAI_PAGE, headers={"accept-language": "en"}).text
    assert "County-tier pilots" in english and "County-tier pilots" not in chinese
    ordered = client.get(DONGHAI_PAGE + "?sort=-count").text
    assert ordered != client.get(DONGHAI_PAGE).text or "sort=count" in ordered


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "pilots_pilot" ("x") VALUES (%s)', True),
        ('UPDATE "reform_regionquota" SET "exempt" = %s', True),
        ('DELETE FROM "pilots_enterprise" WHERE id = 1', True),
        ("COPY import_rows (a) FROM STDIN", True),
        ('SELECT "pilots_pilot"."id" FROM "pilots_pilot"', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('UPDATE "reform_dataversion" SET "token" = %s', False),
        ('UPDATE "reform_user" SET "last_login" = %s WHERE "reform_user"."id" = %s', False),
        (
            'UPDATE "reform_user" SET "last_login" = %s, "role" = %s WHERE "reform_user"."id" = %s',
            True,
        ),  # fmt: skip
        ('UPDATE "reform_user" SET "role" = %s WHERE "reform_user"."id" = %s', True),
        ("SAVEPOINT s1", False),
    ],
)
def test_it_tells_writes_from_reads(sql, writes):
    assert writes_data(sql) is writes


def test_data_changed_makes_a_change_made_by_hand_visible(three, users):
    from django.core.management import call_command

    # A change by hand in the database: Django's cursor not involved, so the version stays.
    raw = connection.connection.cursor()
    raw.execute("UPDATE pilots_pilot SET status = 'proposed'")
    raw.close()
    assert county_tier_count(three["client"]) == 3  # still the cached figure
    call_command("data_changed", stdout=io.StringIO())
    assert county_tier_count(three["client"]) == 0


def test_made_up_parameters_are_answered_but_not_cached(three):
    client = three["client"]
    assert county_tier_count(client, DONGHAI_PAGE + "?anything=1") == 3
    assert county_tier_count(client, DONGHAI_PAGE + "?townships-sort=-count") == 3
    keys = [key for key in cache._cache if ":figures:dashboard:" in key]
    # The plain page (fixture) and the sorted one; not the made-up parameter.
    assert len(keys) == 2, keys


def test_the_server_level_connection_is_not_watched():
    """Creating or dropping a database (the test run's own teardown on PostgreSQL) goes
    through a connection with no alias in `connections`: watching it failed with "connection
    '__no_db__' doesn't exist" at the end of every PostgreSQL run."""
    from django.db.backends.base.base import NO_DB_ALIAS

    from reform.figures import _install_watch, _watch_writes

    default = connections["default"]
    server = default.__class__({**default.settings_dict}, alias=NO_DB_ALIAS)
    _install_watch(sender=None, connection=server)
    assert _watch_writes not in server.execute_wrappers
    other = default.__class__({**default.settings_dict}, alias="default")
    _install_watch(sender=None, connection=other)
    assert _watch_writes in other.execute_wrappers
