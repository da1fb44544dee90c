"""Time and memory of the Excel import: preview and confirm of 1,000 / 10,000 / 100,000 rows.

For each size three uploads run against a fresh database: all rows new, the same file again
(all unchanged), and a file with every row changed. Each upload runs in its own process so
its peak memory (ru_maxrss) is its own. Then, each in its own process too: reading each size's
file alone (open the table and stream its rows twice, as the preview does), and the error
workbook of a --error-rows upload in which every tenth row is refused.

SQLite by default (a throw-away file); with --database-url postgres://… that database is
DROPPED and created again, so give it a throw-away name.

    python manage.py benchmark_import
    python manage.py benchmark_import --sizes 10000 --database-url postgres://postgres@127.0.0.1/bench
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

CASES = ("new", "unchanged", "changed")


class Command(BaseCommand):
    help = "Benchmark the Excel import (preview + confirm) on generated workbooks."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="1000,10000,100000")
        parser.add_argument(
            "--error-rows", type=int, default=50_000, help="Rows of the error-workbook upload."
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="A throw-away PostgreSQL database (it is dropped and created again).",
        )
        parser.add_argument("--worker", nargs=2, metavar=("STEP", "FILE"), help=argparse_hide())

    def handle(self, *args, **options):
        if options["worker"]:
            step, path = options["worker"]
            if step == "setup":
                return self.setup()
            if step == "read":
                return self.run_read(Path(path))
            if step == "preview":
                return self.run_preview(Path(path))
            if step == "errors":
                return self.run_error_workbook(int(path))
            return self.run_case(Path(path))
        sizes = [int(size) for size in options["sizes"].split(",") if size]
        self.orchestrate(sizes, options["database_url"])
        if options["error_rows"]:
            self.error_workbook_figures(options["error_rows"], options["database_url"])

    # -- the parent: files, databases, one child process per upload --------------------------

    def orchestrate(self, sizes: list[int], database_url: str) -> None:
        work = Path(tempfile.mkdtemp(prefix="benchmark-import-"))
        label = "postgresql" if database_url else "sqlite"
        self.stdout.write(
            f"{label}:   rows  case        preview s  confirm s  total s"
            "  (CPU s: preview confirm total)  peak MB"
        )
        for size in sizes:
            files = {}
            for case in ("new", "changed"):
                files[case] = work / f"{size}-{case}.xlsx"
                write_workbook(files[case], size, changed=case == "changed")
            files["unchanged"] = files["new"]
            env = self.fresh_database(work, size, database_url)
            for case in CASES:
                result = self.child(["--worker", "run", str(files[case])], env)
                figures = json.loads(result.strip().splitlines()[-1])
                cpu = figures["preview_cpu"] + figures["apply_cpu"]
                self.stdout.write(
                    f"{label}: {size:>6}  {case:<10}  {figures['preview']:>9.2f}  "
                    f"{figures['apply']:>9.2f}  {figures['preview'] + figures['apply']:>7.2f}"
                    f"  ({figures['preview_cpu']:>12.2f} {figures['apply_cpu']:>7.2f} "
                    f"{cpu:>5.2f})  {figures['peak_mb']:>7.0f}"
                )
                expected = {"new": "created", "unchanged": "unchanged", "changed": "updated"}
                if figures["enterprises_" + expected[case]] != size:
                    raise CommandError(f"unexpected outcome: {figures}")
        for size in sizes:
            figures = self.figures(["--worker", "read", str(work / f"{size}-new.xlsx")], env)
            self.stdout.write(
                f"{label}: reading {size:>6} rows (two passes): {figures['seconds']:.2f} s"
                f" (CPU {figures['cpu']:.2f} s), peak {figures['peak_mb']:.0f} MB"
            )

    def figures(self, arguments: list[str], env: dict) -> dict:
        return json.loads(self.child(arguments, env).strip().splitlines()[-1])

    def error_workbook_figures(self, rows: int, database_url: str) -> None:
        label = "postgresql" if database_url else "sqlite"
        work = Path(tempfile.mkdtemp(prefix="benchmark-import-errors-"))
        path = work / f"{rows}-errors.xlsx"
        write_workbook(path, rows, changed=False, broken_every=10)
        env = self.fresh_database(work, rows, database_url)
        preview = self.figures(["--worker", "preview", str(path)], env)
        figures = self.figures(["--worker", "errors", str(preview["batch"])], env)
        self.stdout.write(
            f"{label}: error workbook of {rows} rows ({preview['rejected']} refused):"
            f" {figures['seconds']:.2f} s (CPU {figures['cpu']:.2f} s),"
            f" peak {figures['peak_mb']:.0f} MB, {figures['bytes'] / 1024 / 1024:.1f} MB file"
        )

    def fresh_database(self, work: Path, size: int, database_url: str) -> dict:
        env = dict(
            os.environ,
            MEDIA_ROOT=str(work / "media"),
            DEBUG="0",
            # The benchmark measures beyond the default limits (50,000 rows, 10 MB).
            IMPORT_MAX_ROWS=str(max(size, 50_000)),
            IMPORT_MAX_BYTES=str(200 * 1024 * 1024),
        )
        if database_url:
            recreate_postgres(database_url)
            env["DATABASE_URL"] = database_url
        else:
            path = work / f"bench-{size}.sqlite3"
            path.unlink(missing_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{path}"
        self.child(["migrate", "--verbosity", "0"], env, command=False)
        self.child(["--worker", "setup", "-"], env)
        return env

    def child(self, arguments: list[str], env: dict, command: bool = True) -> str:
        manage = Path(settings.BASE_DIR) / "manage.py"
        prefix = ["benchmark_import"] if command else []
        done = subprocess.run(  # noqa: S603 - our own manage.py with our own arguments
            [sys.executable, str(manage), *prefix, *arguments],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(done.stderr[-3000:])
        return done.stdout

    # -- the children ----------------------------------------------------------------------------

    def setup(self) -> None:
        from reform.models import User
        from reform.reference import load_core_reference
        from reform.services import plan_year_create

        load_core_reference()
        plan_year_create(year=2026, title="2026", make_current=True)
        User.objects.create(username="bench", role=User.Role.CITY_STAFF)

    def run_case(self, path: Path) -> None:
        from pilots.imports import apply, batches
        from reform.models import PlanYear, User
        from reform.scopes import scope_for

        user = User.objects.get(username="bench")
        scope = scope_for(user)
        plan_year = PlanYear.objects.get(year=2026)
        data = path.read_bytes()
        cpu_start = time.process_time()
        start = time.perf_counter()
        batch = batches.batch_create(
            data=data, filename=path.name, user=user, scope=scope, plan_year=plan_year
        )
        previewed = time.perf_counter()
        cpu_previewed = time.process_time()
        if batch.status != batch.Status.PREVIEWED or batch.rows_rejected:
            raise CommandError(f"{batch.status} {batch.message} {batch.rows_rejected} rejected")
        apply.batch_apply(batch=batch, user=user, scope=scope)
        applied = time.perf_counter()
        cpu_applied = time.process_time()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            json.dumps(
                {
                    "preview": previewed - start,
                    "apply": applied - previewed,
                    "preview_cpu": cpu_previewed - cpu_start,
                    "apply_cpu": cpu_applied - cpu_previewed,
                    "peak_mb": peak,
                    "enterprises_created": batch.enterprises_created,
                    "enterprises_updated": batch.enterprises_updated,
                    "enterprises_unchanged": batch.enterprises_unchanged,
                }
            )
        )

    def run_read(self, path: Path) -> None:
        from pilots.imports.read import open_table

        data = path.read_bytes()
        cpu_start, start = time.process_time(), time.perf_counter()
        table = open_table(data, max_rows=10**7, max_bytes=10**10)
        codes = [row.values["credit_code"].text for row in table.rows]
        count = sum(1 for _row in table.rows)
        if count != len(codes):
            raise CommandError("the two passes differ")
        self.stdout.write(json.dumps(_figures(start, cpu_start)))

    def run_preview(self, path: Path) -> None:
        from pilots.imports import batches
        from reform.models import PlanYear, User
        from reform.scopes import scope_for

        user = User.objects.get(username="bench")
        batch = batches.batch_create(
            data=path.read_bytes(),
            filename=path.name,
            user=user,
            scope=scope_for(user),
            plan_year=PlanYear.objects.get(year=2026),
        )
        if batch.status != batch.Status.PREVIEWED:
            raise CommandError(f"{batch.status} {batch.message}")
        self.stdout.write(json.dumps({"batch": batch.pk, "rejected": batch.rows_rejected}))

    def run_error_workbook(self, pk: int) -> None:
        from pilots.imports.workbooks import error_workbook
        from pilots.models import ImportBatch

        batch = ImportBatch.objects.get(pk=pk)
        cpu_start, start = time.process_time(), time.perf_counter()
        data = error_workbook(batch)
        self.stdout.write(json.dumps({**_figures(start, cpu_start), "bytes": len(data)}))


def _figures(start: float, cpu_start: float) -> dict:
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu_start,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def argparse_hide():
    import argparse

    return argparse.SUPPRESS


def write_workbook(path: Path, size: int, *, changed: bool, broken_every: int = 0) -> None:
    """A county list as people make it: a title row, the template's headers, `size` rows
    (with `broken_every`, every so many rows a credit code the import refuses)."""
    from openpyxl import Workbook

    from pilots.imports.headers import HEADERS
    from reform.creditcode import make_credit_code

    townships = ["牛山街道", "石榴街道", "白塔埠镇", "黄川镇", "石湖乡"]
    # GB/T 4754-2017 as people write it: codes, C-prefixed codes, names, names without 业.
    industries = ["3091", "C2720", "化学药品制剂制造", "农副食品加工", "2614"]
    columns = [
        "name",
        "credit_code",
        "county",
        "township",
        "industry",
        "ownership",
        "employee_count",
        "is_leading",
        "contact_name",
        "contact_phone",
        "address",
        "tier",
        "status",
    ]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业名单")
    sheet.append(["东海县产改试点企业名单（基准测试）"])
    sheet.append([HEADERS[name] for name in columns])
    suffix = "（更新）" if changed else ""
    for number in range(size):
        sheet.append(
            [
                f"基准测试企业{number}有限公司{suffix}",
                "123"
                if broken_every and number % broken_every == 0
                else make_credit_code(f"91320722{number:09d}"),
                "东海县",
                townships[number % len(townships)],
                industries[number % len(industries)],
                "民营",
                100 + number % 500 + (7 if changed else 0),
                "是" if number % 10 == 0 else "否",
                "张三",
                f"138{number:08d}",
                f"东海县某路{number}号",
                "县级" if number % 3 else "乡镇级",
                "已确定" if not changed else "拟推荐",  # 示范单位 comes from a naming only
            ]
        )
    workbook.save(path)


def recreate_postgres(database_url: str) -> None:
    import psycopg
    from dj_database_url import parse
    from psycopg import sql

    config = parse(database_url)
    name = config["NAME"]
    if not name or name in ("postgres", "template0", "template1"):
        raise CommandError(f"Give a throw-away database name, not {name}.")
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    ) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
