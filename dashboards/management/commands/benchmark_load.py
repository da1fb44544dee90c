"""The overview under load: gunicorn, signed-in clients at once, requests per second and latency.

    python manage.py benchmark_load --database-url postgres://postgres@127.0.0.1:5432/postgres
    python manage.py benchmark_load --seconds 30 --clients 20 --workers 3 --threads 4

Like benchmark_dashboards (whose data set and throw-away database it uses), the outer run makes
a new database — a temporary SQLite file, or a new PostgreSQL database on the server of
--database-url, dropped afterwards — and starts this command again in a child process pointed
at it. The child migrates, builds the province (13 cities, 100 county-level units, 1,300
townships, 100,000 enterprises, 20,000 pilots), collects the static files, starts gunicorn on a
free local port (gthread workers; the production settings, DEBUG off, over plain HTTP), signs
in the clients through the sign-in page — leaders, city staff and officials of different
county-level units, so the cache holds a page part per scope — and then drives the overview
from its own threads, one keep-alive connection per client, each sending its next request as
soon as the last one is answered. It prints requests per second, the median, 90th and 99th
percentile and the errors (any answer but a 200 with the overview on it).
"""

import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import CommandError

from dashboards.management.commands import benchmark_dashboards

HOST = "127.0.0.1"
MARKER = b'id="kpi-city"'  # on the overview when its figures are shown


class Command(benchmark_dashboards.Command):
    help = "Drive the overview with signed-in clients at once through gunicorn, on province data."
    command_name = "benchmark_load"

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            help="a PostgreSQL server to make the throw-away database on "
            "(default: SQLite in a temporary file)",
        )
        parser.add_argument("--seconds", type=float, default=30, help="how long (default 30)")
        parser.add_argument("--clients", type=int, default=20, help="clients at once (20)")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
        parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
        parser.add_argument("--path", default="/", help="the page to drive (the overview /)")
        parser.add_argument(
            "--cache-seconds",
            type=int,
            default=None,
            help="FIGURES_CACHE_SECONDS of the server (0: no cache; default: the setting's)",
        )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="size factor of the data set (default 1)"
        )
        parser.add_argument("--inner", action="store_true", help="(internal) the child process")

    def handle(self, *args, **options):
        if options["inner"]:
            return self.drive(options)
        return super().handle(*args, **options)

    def inner_arguments(self, options) -> list[str]:
        arguments = []
        for name in ("seconds", "clients", "workers", "threads", "path", "scale"):
            arguments += [f"--{name}", str(options[name])]
        if options["cache_seconds"] is not None:
            arguments += ["--cache-seconds", str(options["cache_seconds"])]
        return arguments

    # The child process ----------------------------------------------------------------------------

    def drive(self, options) -> None:
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        sizes = benchmark_dashboards.build_province(scale=options["scale"])
        users = make_users(options["clients"])
        benchmark_dashboards.settle_tables()
        connection.close()
        self.stdout.write(
            "Built {cities} cities, {counties} county-level units, {townships} townships, "
            "{enterprises} enterprises, {pilots} pilots in {seconds:.1f} s.".format(
                seconds=time.perf_counter() - started, **sizes
            )
        )
        with tempfile.TemporaryDirectory(prefix="reform-load-") as folder:
            env = {
                **os.environ,
                "STATIC_ROOT": str(Path(folder) / "static"),
                "WHITENOISE_USE_FINDERS": "False",
                "ALLOWED_HOSTS": HOST,
                "SESSION_COOKIE_SECURE": "False",
                "CSRF_COOKIE_SECURE": "False",
                "SECURE_HSTS_SECONDS": "0",
            }
            if options["cache_seconds"] is not None:
                env["FIGURES_CACHE_SECONDS"] = str(options["cache_seconds"])
            manage = str(Path(settings.BASE_DIR) / "manage.py")
            subprocess.run(  # noqa: S603
                [sys.executable, manage, "collectstatic", "--no-input", "-v0"], env=env, check=True
            )
            port = free_port()
            gunicorn = Path(sys.executable).with_name("gunicorn")
            server = subprocess.Popen(  # noqa: S603
                [
                    str(gunicorn),
                    "reform.wsgi",
                    f"--bind={HOST}:{port}",
                    f"--workers={options['workers']}",
                    f"--threads={options['threads']}",
                    "--worker-class=gthread",
                    "--keep-alive=30",
                    "--log-level=warning",
                ],
                cwd=settings.BASE_DIR,
                env=env,
            )
            self.server_pid = server.pid
            try:
                wait_until_up(port)
                self.run_clients(port, users, options)
            finally:
                server.terminate()
                server.wait(timeout=30)

    def run_clients(self, port: int, users: list[tuple[str, str]], options) -> None:
        path = options["path"]
        started = time.perf_counter()
        clients = [Client(port, username, password) for username, password in users]
        # Sign in side by side (the password hash is most of a sign-in's time).
        threads = [threading.Thread(target=client.sign_in) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        failed = [client.username for client in clients if not client.session]
        if failed:
            raise CommandError(f"These clients could not sign in: {', '.join(failed)}")
        self.stdout.write(
            f"{len(clients)} clients signed in in {time.perf_counter() - started:.1f} s; "
            f"gunicorn: {options['workers']} gthread workers × {options['threads']} threads."
        )
        for client in clients:  # one view each first: a cold start is not what is measured
            client.get(path)
            client.times.clear()
            client.errors = 0
        deadline = time.perf_counter() + options["seconds"]
        threads = [
            threading.Thread(target=client.drive, args=(path, deadline)) for client in clients
        ]
        server_cpu = cpu_seconds(server_pids(self.server_pid))
        own_cpu = time.process_time()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        server_cpu = cpu_seconds(server_pids(self.server_pid)) - server_cpu
        own_cpu = time.process_time() - own_cpu
        times = sorted(t for client in clients for t in client.times)
        errors = sum(client.errors for client in clients)
        if not times:
            raise CommandError("No request was answered.")

        def percentile(p: float) -> float:
            return times[min(len(times) - 1, round(p * (len(times) - 1)))]

        count = len(times) + errors
        self.stdout.write(
            f"\n{path} for {elapsed:.1f} s with {len(clients)} clients at once:\n"
            f"| requests | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors |\n"
            f"| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            f"| {count} | {count / elapsed:.1f} | {statistics.median(times):.1f} "
            f"| {percentile(0.90):.1f} | {percentile(0.99):.1f} | {times[-1]:.1f} | {errors} |"
        )
        # The machine may be shared: CPU time per request says what a request costs whatever
        # else runs (the database's own CPU time is not in it).
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        self.stdout.write(
            f"\nCPU per request: gunicorn {server_cpu / count * 1000:.1f} ms, these clients "
            f"{own_cpu / count * 1000:.1f} ms; load average {load:.1f} on {os.cpu_count()} cores."
        )


def make_users(count: int) -> list[tuple[str, str]]:
    """Leaders, city staff and county officials (each of another county-level unit)."""
    from reform.models import Region, User

    password = secrets.token_urlsafe(12)
    hashed = User(username="x")
    hashed.set_password(password)
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("code"))
    users = []
    for n in range(count):
        if n % 5 == 0:
            role, region = User.Role.LEADER, None
        elif n % 5 == 1:
            role, region = User.Role.CITY_STAFF, None
        else:
            role, region = User.Role.COUNTY, counties[n % len(counties)]
        users.append(
            User(username=f"load{n:02d}", role=role, region=region, password=hashed.password)
        )
    User.objects.bulk_create(users)
    return [(user.username, password) for user in users]


def server_pids(master: int) -> list[int]:
    """gunicorn's master and its workers (Linux /proc; none elsewhere)."""
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise CommandError("gunicorn did not answer /healthz in time.")


class Client:
    """One signed-in browser: its cookies, one keep-alive connection, its timings."""

    def __init__(self, port: int, username: str, password: str):
        self.port, self.username, self.password = port, username, password
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.session = ""
        self.times: list[float] = []
        self.errors = 0

    def request(self, method: str, path: str, body: str | None = None):
        headers = {"Accept-Language": "zh-hans", "Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (OSError, http.client.HTTPException):
            # A connection the server closed: once more on a new one.
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def sign_in(self) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            return
        form = {
            "username": self.username,
            "password": self.password,
            "csrfmiddlewaretoken": token.group(1).decode(),
        }
        status, _ = self.request("POST", "/accounts/login/", urlencode(form))
        if status == 302:
            self.session = self.cookies.get("sessionid", "")

    def get(self, path: str) -> None:
        started = time.perf_counter()
        try:
            status, content = self.request("GET", path)
        except (OSError, http.client.HTTPException):
            self.errors += 1
            return
        if status == 200 and (path != "/" or MARKER in content):
            self.times.append((time.perf_counter() - started) * 1000)
        else:
            self.errors += 1

    def drive(self, path: str, deadline: float) -> None:
        while time.perf_counter() < deadline:
            self.get(path)
