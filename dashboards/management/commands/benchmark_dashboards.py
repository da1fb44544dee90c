"""Time the dashboards on a province-sized data set, in a separate, throw-away database.

    python manage.py benchmark_dashboards                       # SQLite in a temporary file
    python manage.py benchmark_dashboards --database-url postgres://postgres@127.0.0.1:5432/postgres

The outer run makes the database (a temporary SQLite file, or a new PostgreSQL database on the
server of --database-url, dropped afterwards) and starts this command again in a child process
with DATABASE_URL pointing at it, so that the project's own database is never touched. The child
migrates, builds the data set with bulk_create, renders each dashboard page through the test
client and prints the median and 95th-percentile time and the number of queries of each.

Then it adds the progress snapshots of two plan years kept daily (2025: the whole year; 2026: from
1 January to today), renders the pages again (the overview and the county page now draw their
trend lines from them; the overview as of a day reads one snapshot) and prints the trend
overview's time against the plain one, and what the snapshot table costs: rows and MB of one
plan year of the province and of one city (PostgreSQL: pg_total_relation_size, table and
indexes; SQLite: the dbstat pages of the table and its index).
"""

import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext, override_settings

# A real province's cities (Jiangsu), so that the names on the pages look like the real thing.
CITIES = [
    ("320100", "南京市"),
    ("320200", "无锡市"),
    ("320300", "徐州市"),
    ("320400", "常州市"),
    ("320500", "苏州市"),
    ("320600", "南通市"),
    ("320700", "连云港市"),
    ("320800", "淮安市"),
    ("320900", "盐城市"),
    ("321000", "扬州市"),
    ("321100", "镇江市"),
    ("321200", "泰州市"),
    ("321300", "宿迁市"),
]
SIZES = {"counties": 100, "townships_per_county": 13, "enterprises": 100_000, "pilots": 20_000}
STATUS_WEIGHTS = [("confirmed", 65), ("demonstration", 10), ("proposed", 20), ("withdrawn", 5)]


class Command(BaseCommand):
    help = "Build a province-sized data set in a throw-away database and time the dashboards."
    command_name = "benchmark_dashboards"

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            help="a PostgreSQL server to make the throw-away database on "
            "(default: SQLite in a temporary file)",
        )
        parser.add_argument("--runs", type=int, default=30, help="renders per page (default 30)")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="size factor of the data set (default 1)"
        )
        parser.add_argument("--inner", action="store_true", help="(internal) the child process")

    def handle(self, *args, **options):
        if options["inner"]:
            return self.inner(runs=options["runs"], scale=options["scale"])
        url = options["database_url"]
        if url and url.startswith(("postgres://", "postgresql://")):
            return self.on_postgres(url, options)
        if url:
            raise CommandError("--database-url must be a postgres:// URL (SQLite is the default).")
        with tempfile.TemporaryDirectory(prefix="reform-benchmark-") as folder:
            path = Path(folder) / "benchmark.sqlite3"
            self.child(f"sqlite:///{path}", options)

    # The outer process ----------------------------------------------------------------------------

    def on_postgres(self, url: str, options) -> None:
        import psycopg

        config = dj_database_url.parse(url)
        name = f"reform_benchmark_{secrets.token_hex(4)}"
        admin = {
            "host": config["HOST"] or None,
            "port": config["PORT"] or None,
            "user": config["USER"] or None,
            "password": config["PASSWORD"] or None,
            "dbname": config["NAME"] or "postgres",
            "autocommit": True,
        }
        with psycopg.connect(**admin) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            child_url = url.rsplit("/", 1)[0] + f"/{name}"
            if "?" in url:
                child_url += "?" + url.split("?", 1)[1]
            self.child(child_url, options)
        finally:
            with psycopg.connect(**admin) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.stdout.write(f"Dropped the throw-away database {name}.")

    def child(self, database_url: str, options) -> None:
        engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        self.stdout.write(f"Benchmark database: {engine} ({database_url.split('@')[-1]})")
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "reform.settings",
            "SECURE_SSL_REDIRECT": "False",
            "DEBUG": "False",
            "LOG_LEVEL": "WARNING",
            "WHITENOISE_USE_FINDERS": "True",
        }
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            self.command_name,
            "--inner",
            *self.inner_arguments(options),
        ]
        # The child's lines are passed on as they come, through this command's stdout.
        with subprocess.Popen(  # noqa: S603
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as child:
            for line in child.stdout:
                self.stdout.write(line.rstrip("\n"))
        if child.returncode:
            raise CommandError(f"The benchmark failed (exit status {child.returncode}).")

    def inner_arguments(self, options) -> list[str]:
        return ["--runs", str(options["runs"]), "--scale", str(options["scale"])]

    # The child process ----------------------------------------------------------------------------

    def inner(self, *, runs: int, scale: float) -> None:
        # WhiteNoise warns that collectstatic has not run; the pages are timed, not the assets.
        warnings.filterwarnings("ignore", message="No directory at")
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        self.stdout.write(f"Migrated in {time.perf_counter() - started:.1f} s.")
        started = time.perf_counter()
        sizes = build_province(scale=scale)
        settle_tables()
        self.stdout.write(
            "Built {province} province, {cities} cities, {counties} county-level units, "
            "{townships} townships, {enterprises} enterprises, {pilots} pilots, {parks} parks, "
            "{clusters} clusters, {stations} stations in {seconds:.1f} s.".format(
                seconds=time.perf_counter() - started, **sizes
            )
        )
        # Static URLs without a collectstatic manifest: the pages are timed, not their assets.
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(STORAGES=storages):
            plain = self.time_pages(runs)
            started = time.perf_counter()
            days = build_snapshots()
            settle_tables()
            self.stdout.write(
                f"\nAdded {days} days of daily snapshots (plan year 2025 all year, 2026 up to "
                f"today) in {time.perf_counter() - started:.1f} s."
            )
            self.report_table_cost()
            with_trends = self.time_pages(runs, as_of=True)
        ratio = with_trends["/"] / plain["/"]
        self.stdout.write(
            f"\nThe overview with its trend lines over {days} days of snapshots: "
            f"{with_trends['/']:.1f} ms against {plain['/']:.1f} ms without snapshots "
            f"({100 * (ratio - 1):+.0f} %; target within +20 %)."
        )
        trends = self.time_trends(runs)
        if settings.FIGURES_CACHE_SECONDS:
            # A cached overview does not compute its trend lines: no share of it to tell.
            self.stdout.write(
                f"The trend lines' own part (their query and points, timed alone): {trends:.1f} ms"
                " when the figures are computed (FIGURES_CACHE_SECONDS=0 compares it with the"
                " computed overview)."
            )
            return
        self.stdout.write(
            f"The trend lines' own part (their query and points, timed alone): {trends:.1f} ms, "
            f"{100 * trends / plain['/']:.0f} % of the plain overview's {plain['/']:.1f} ms "
            "(less sensitive to a busy machine than the difference of two page timings)."
        )

    def time_trends(self, runs: int) -> float:
        """The median time of the overview's trends alone, on today's figures (1 query)."""
        from django.utils import timezone

        from pilots.quotas import quota_progress
        from pilots.snapshots import progress_trends
        from reform.models import PlanYear, Region

        city = Region.objects.filter(level="city").order_by("code").first()
        current, previous = PlanYear.objects.get(year=2026), PlanYear.objects.get(year=2025)
        progress = quota_progress(current, within=city)
        times = []
        for _ in range(runs + 3):
            started = time.perf_counter()
            progress_trends(progress, city, day=timezone.localdate(), previous=previous)
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times[3:])

    def report_table_cost(self) -> None:
        """Rows and size of the two snapshot tables, for a province-year and a city-year."""
        from pilots.models import ProgressSnapshot, ProgressSummarySnapshot
        from reform.models import Region

        city = Region.objects.filter(level="city").order_by("code").first()
        in_city = Q(region=city) | Q(region__parent=city) | Q(region__parent__parent=city)
        for model in (ProgressSnapshot, ProgressSummarySnapshot):
            table = model._meta.db_table
            rows = model.objects.count()
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                else:
                    try:
                        cursor.execute(
                            "SELECT SUM(pgsize) FROM dbstat WHERE name = %s OR tbl_name = %s",
                            [table, table],
                        )
                    except Exception:  # noqa: BLE001 - SQLite built without dbstat
                        cursor.execute("SELECT NULL")
                size = cursor.fetchone()[0]
            year_rows = model.objects.filter(plan_year__year=2025).count()
            city_rows = model.objects.filter(in_city, plan_year__year=2025).count()
            per_row = size / rows if size and rows else None

            def mb(count: int, per_row=per_row) -> str:
                return f"{count * per_row / 2**20:.1f} MB" if per_row else "size n/a"

            self.stdout.write(
                f"{table}: {rows:,} rows, "
                + (f"{size / 2**20:.1f} MB ({per_row:.0f} bytes a row)" if per_row else "size n/a")
            )
            self.stdout.write(
                f"  one province-year (2025, 365 days): {year_rows:,} rows, {mb(year_rows)}"
            )
            self.stdout.write(
                f"  one city-year ({city.name}, 365 days): {city_rows:,} rows, {mb(city_rows)}"
            )

    def time_pages(self, runs: int, *, as_of: bool = False) -> dict[str, float]:
        """Render each page `runs` times; the median of each, by path."""
        from django.test import Client

        from reform.models import Region, User

        # No setup_test_environment(): its template instrumentation would be timed as well.
        settings.ALLOWED_HOSTS = ["testserver"]
        city = Region.objects.filter(level="city").order_by("code").first()
        county = Region.objects.filter(parent=city).order_by("code").first()
        township = Region.objects.filter(parent=county).order_by("code").first()
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username="leader"))
        pages = [
            ("city overview /", "/"),
            (f"county page ({county.name})", county.get_absolute_url()),
            (f"township page ({township.name})", township.get_absolute_url()),
            ("overview .xlsx (all tables)", "/?export=all"),
        ]
        if as_of:
            pages.append(("overview as of 2026-06-15", "/?as_of=2026-06-15"))
        vendor = connection.vendor
        medians = {}

        self.stdout.write(
            f"\n{runs} renders per page on {vendor}, after 3 warm-up renders "
            "(test client, DEBUG off, zh-hans, after VACUUM ANALYZE)"
            + (", with the snapshots" if as_of else ", no snapshots yet")
            + ":\n"
        )
        header = f"| {'page':<36} | median ms | p95 ms | queries |"
        self.stdout.write(header)
        self.stdout.write("|" + "-" * 38 + "|-----------|--------|---------|")
        for label, path in pages:
            for _ in range(3):
                assert client.get(path).status_code == 200, path  # noqa: S101
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            # Counted now: the next request empties the connection's query log.
            query_count = len(queries)
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200  # noqa: S101
            times.sort()
            median = statistics.median(times)
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            self.stdout.write(f"| {label:<36} | {median:9.1f} | {p95:6.1f} | {query_count:7d} |")
            medians[path] = median
        return medians


# The province-sized data set ---------------------------------------------------------------------


def settle_tables() -> None:
    """The tables as a running site has them after a bulk load: planner statistics, and on
    PostgreSQL the visibility map too (VACUUM ANALYZE, what autovacuum does after inserts; without
    it, every index-only count reads the table's pages as well). SQLite: ANALYZE (a cron job)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def build_snapshots(years: tuple[int, int] = (2025, 2026)) -> int:
    """Daily snapshots of plan year 2025 (all year) and 2026 (1 January to today), as the daily
    cron run would have kept them: today's figures taken through pilots/snapshots.py, and for the
    days before, the same regions and targets with the counts growing through the year (the
    benchmark has no history of its pilots). Returns the number of days kept."""
    from django.utils import timezone

    from pilots.snapshots import grow_snapshots, snapshot_rows, take_snapshot
    from reform.models import PlanYear

    today = timezone.localdate()
    previous = PlanYear.objects.get(year=years[0])
    current = PlanYear.objects.get(year=years[1])
    take_snapshot(current, today)
    like = snapshot_rows(current, today)
    days = 1
    days += grow_snapshots(previous, date(years[0], 1, 1), date(years[0], 12, 31), like=like)
    days += grow_snapshots(current, date(years[1], 1, 1), today - timedelta(days=1), like=like)
    return days


@transaction.atomic
def build_province(*, scale: float = 1.0, seed: int = 2026) -> dict[str, int]:
    from clusters.models import Cluster, GuidanceStation
    from dashboards.demo import DEMO_INDUSTRIES, DemoBuilder, ownership_of
    from pilots.models import Enterprise, Pilot
    from reform.creditcode import make_credit_code
    from reform.models import Industry, Park, QuotaRule, Region, RegionQuota, User
    from reform.reference import load_industries
    from reform.services import plan_year_create

    rng = random.Random(seed)
    names = DemoBuilder(seed=seed)
    load_industries()
    by_code = Industry.objects.in_bulk(
        [code for code, _t, _w in DEMO_INDUSTRIES], field_name="code"
    )
    industries = [by_code[code] for code, _tag, _words in DEMO_INDUSTRIES]
    core = [by_code[code] for code, tag, _words in DEMO_INDUSTRIES if tag]
    tags = {code: tag for code, tag, _words in DEMO_INDUSTRIES}
    plan_year = plan_year_create(year=2026, title="2026年度产改试点", make_current=True)
    plan_year_create(year=2025, title="2025年度产改试点")
    User.objects.create_user("leader", password=secrets.token_urlsafe(), role="leader")

    province = Region.objects.create(
        code="320000", name="江苏省", level="province", kind="province"
    )
    cities = Region.objects.bulk_create(
        [
            Region(code=code, name=name, level="city", kind="city", parent=province)
            for code, name in CITIES
        ]
    )
    county_count = max(len(cities), round(SIZES["counties"] * scale))
    counties = Region.objects.bulk_create(
        [
            Region(
                code=f"{city.code[:4]}{index // len(cities) + 1:02d}",
                name=f"{city.name.removesuffix('市')}{index // len(cities) + 1}区",
                level="county",
                kind="district",
                parent=city,
            )
            for index in range(county_count)
            for city in [cities[index % len(cities)]]
        ]
    )
    per_county = SIZES["townships_per_county"]
    townships = Region.objects.bulk_create(
        [
            Region(
                code=f"{county.code}{number:03d}",
                name=f"{county.name}{n + 1}{'街道' if n < 4 else '镇'}",
                level="township",
                kind="street" if n < 4 else "town",
                parent=county,
            )
            for county in counties
            for n in range(per_county)
            for number in [n + 1 if n < 4 else 100 + n]
        ],
        batch_size=2000,
    )
    by_county = {}
    for township in townships:
        by_county.setdefault(township.parent_id, []).append(township)
    # Two township-level units per city are exempt, as an administrator would set them.
    RegionQuota.objects.bulk_create(
        [
            RegionQuota(
                plan_year=plan_year, region=township, rule=QuotaRule.Rule.TOWNSHIP, exempt=True
            )
            for township in townships[:: max(1, len(townships) // (2 * len(cities)))]
        ],
        ignore_conflicts=True,
    )
    parks = Park.objects.bulk_create(
        [
            Park(
                name=f"{county.name}{label}",
                kind=kind,
                level=level,
                county=county,
                is_demo=True,
                source="benchmark",
            )
            for county in counties
            for label, kind, level in [
                ("经济开发区", "development_zone", "provincial"),
                ("工业园", "industrial_park", "municipal"),
            ]
        ]
    )
    parks_by_county = {}
    for park in parks:
        parks_by_county.setdefault(park.county_id, []).append(park)

    enterprise_count = round(SIZES["enterprises"] * scale)
    enterprises = []
    for index in range(enterprise_count):
        county = counties[index % len(counties)]
        township = by_county[county.pk][(index // len(counties)) % per_county]
        industry = rng.choice(core) if rng.random() < 0.5 else rng.choice(industries)
        employees = max(3, int(rng.lognormvariate(4.3, 1.1)))
        enterprises.append(
            Enterprise(
                name=names.enterprise_name(county, industry),
                credit_code=make_credit_code(f"91{county.code}{index:09d}"),
                county=county,
                township=township,
                park=rng.choice(parks_by_county[county.pk]) if rng.random() < 0.35 else None,
                industry=industry,
                core_industry=tags[industry.code],
                **ownership_of(rng, names.control_rng),
                employee_count=employees,
                is_leading=employees > 400 and rng.random() < 0.5,
                is_industry_education=rng.random() < 0.05,
                contact_name="联系人",
                contact_phone="13800000000",
            )
        )
    enterprises = Enterprise.objects.bulk_create(enterprises, batch_size=2000)

    # Pilots: 40 city-tier per city, 50 county-tier per county, the rest township-tier.
    pilot_count = round(SIZES["pilots"] * scale)
    chosen = rng.sample(enterprises, min(pilot_count, len(enterprises)))
    city_tier = round(40 * len(cities) * scale)
    county_tier = round(50 * len(counties) * scale)
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    pilots = [
        Pilot(
            enterprise=enterprise,
            plan_year=plan_year,
            tier="city"
            if n < city_tier
            else "county"
            if n < city_tier + county_tier
            else "township",
            status=rng.choices(statuses, weights=weights)[0],
        )
        for n, enterprise in enumerate(chosen)
    ]
    pilots = Pilot.objects.bulk_create(pilots, batch_size=2000)

    clusters = []
    for city in cities:
        city_counties = [county for county in counties if county.parent_id == city.pk]
        for n, industry in enumerate(core[:3]):
            clusters.append(
                Cluster(
                    name=f"{city.name}{industry.name}产业集群",
                    county=city_counties[n % len(city_counties)],
                    industry=industry,
                )
            )
    clusters = Cluster.objects.bulk_create(clusters)
    members = []
    by_county_enterprises = {}
    for enterprise in enterprises:
        by_county_enterprises.setdefault(enterprise.county_id, []).append(enterprise)
    for cluster in clusters:
        pool = by_county_enterprises[cluster.county_id]
        for enterprise in pool[:40]:
            members.append(Cluster.members.through(cluster=cluster, enterprise=enterprise))
    Cluster.members.through.objects.bulk_create(members, batch_size=2000)

    zones = [park for park in parks if park.counts_as_development_zone]
    stations = GuidanceStation.objects.bulk_create(
        [GuidanceStation(name=f"{park.name}产改指导站", park=park) for park in zones]
    )
    station_of_park = {station.park_id: station for station in stations}
    looked_after = [
        GuidanceStation.pilots.through(
            guidancestation=station_of_park[pilot.enterprise.park_id], pilot=pilot
        )
        for pilot in pilots
        if pilot.enterprise.park_id in station_of_park
    ]
    GuidanceStation.pilots.through.objects.bulk_create(looked_after, batch_size=2000)
    return {
        "province": 1,
        "cities": len(cities),
        "counties": len(counties),
        "townships": len(townships),
        "enterprises": len(enterprises),
        "pilots": len(pilots),
        "parks": len(parks),
        "clusters": len(clusters),
        "stations": len(stations),
    }
