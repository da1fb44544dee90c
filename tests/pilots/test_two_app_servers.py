"""Two app servers, one database: an import previewed on one is confirmed, downloaded and undone
on the other (README, "Deployment"). Real HTTP — sign-in, CSRF, multipart upload — against two
gunicorn processes, each with its own empty MEDIA_ROOT and FILE_STORAGE=database, sharing the
PostgreSQL test database. Nothing may depend on one server's disk between two requests.
"""

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import load_workbook

from pilots.models import Enterprise, ImportBatch, Pilot
from reform.models import StoredFile
from tests.builders import PASSWORD, next_credit_code
from tests.database_urls import database_url
from tests.pilots.import_files import row, xlsx

ROOT = Path(__file__).resolve().parents[2]
NEEDS_POSTGRES = (
    "Two app servers need one database that separate processes share: run the tests on "
    "PostgreSQL (DATABASE_URL=postgres://…); the SQLite test database lives in this process."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_TAKEN: set[int] = set()


def free_port() -> int:
    """A port nothing listens on now, and not one handed out before in this run."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in _TAKEN:
            _TAKEN.add(port)
            return port


class AppServer:
    """One gunicorn process of the site, with its own local folder."""

    def __init__(self, name: str, folder: Path):
        self.name = name
        self.media = folder / f"media-{name}"
        self.media.mkdir(parents=True)
        self.log = folder / f"gunicorn-{name}.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(),
            "DB_CONN_MAX_AGE": "0",
            "FILE_STORAGE": "database",
            "MEDIA_ROOT": str(self.media),
            "DEBUG": "0",
            # Every app server signs sessions with the same key (README, "Deployment").
            "SECRET_KEY": "two-app-servers-share-this-secret-key-0123456789abcdef",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own server, our own arguments
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "reform.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--timeout",
                    "120",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server {self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        pytest.fail(f"server {self.name} not ready:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


class Browser:
    """Cookies and CSRF as a browser keeps them; the same session on every server."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(  # noqa: S310 - the test's own servers
            url, data=data, headers={"Accept-Language": "zh-hans", **(headers or {})}
        )
        with self.opener.open(request, timeout=120) as answer:
            return answer.status, answer.geturl(), answer.read()

    def get(self, url: str):
        return self.request(url)

    def token(self, url: str) -> str:
        _status, _url, body = self.get(url)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()

    def post(self, url: str, fields: dict, *, form_url: str):
        fields = {"csrfmiddlewaretoken": self.token(form_url), **fields}
        return self.request(url, urllib.parse.urlencode(fields).encode())

    def post_file(self, url: str, name: str, data: bytes):
        boundary = uuid.uuid4().hex
        token = self.token(url)
        body = (
            (
                f"--{boundary}\r\n"
                'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
                f"{token}\r\n"
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
                f"Content-Type: {XLSX}\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request(url, body, headers)


@pytest.mark.django_db(transaction=True)
def test_an_import_previewed_on_one_server_is_confirmed_downloaded_and_undone_on_another(
    users, plan_year, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip(NEEDS_POSTGRES)
    good = row(name="两台服务器甲企业", credit_code=next_credit_code())
    bad = row(name="两台服务器乙企业", credit_code="9132", employee_count="很多")
    data = xlsx([good, bad])
    one, other = AppServer("one", tmp_path), AppServer("other", tmp_path)
    try:
        one.start()
        other.start()
        one.wait_until_ready()
        other.wait_until_ready()
        browser = Browser()

        # Signed in on one server: the session lives in the database, so it holds on the other.
        status, landed, _ = browser.post(
            f"{one.url}/accounts/login/",
            {"username": "county", "password": PASSWORD},
            form_url=f"{one.url}/accounts/login/",
        )
        assert status == 200 and "/accounts/login/" not in landed

        # Uploaded and previewed through the first server.
        status, landed, page = browser.post_file(
            f"{one.url}/pilots/imports/upload/", "东海县名单.xlsx", data
        )
        assert status == 200, page[:500]
        pk = int(re.search(r"/pilots/imports/(\d+)/$", landed).group(1))
        assert "两台服务器甲企业" in page.decode()
        batch = ImportBatch.objects.get(pk=pk)
        assert (batch.status, batch.rows_rejected, batch.enterprises_created) == ("previewed", 1, 1)

        # The other server shows the same preview and confirms it.
        detail = f"{other.url}/pilots/imports/{pk}/"
        status, _, page = browser.get(detail)
        assert status == 200 and "两台服务器甲企业" in page.decode()
        status, _, page = browser.post(f"{detail}confirm/", {}, form_url=detail)
        assert status == 200
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.APPLIED
        assert Enterprise.objects.get(credit_code=good["credit_code"]).name == "两台服务器甲企业"
        assert Pilot.objects.filter(enterprise__credit_code=good["credit_code"]).count() == 1

        # Its original and its error workbook come from the other server too.
        status, _, original = browser.get(f"{detail}original/")
        assert status == 200 and original == data
        status, _, errors = browser.get(f"{detail}errors/")
        assert status == 200
        sheet = load_workbook(io.BytesIO(errors)).worksheets[0]
        error_column = sheet.max_column
        marked = {
            sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=error_column).value
            for r in range(2, sheet.max_row + 1)
        }
        assert marked["两台服务器甲企业"] is None
        assert "统一社会信用代码" in marked["两台服务器乙企业"]

        # And undone there.
        status, _, page = browser.post(f"{detail}undo/", {}, form_url=detail)
        assert status == 200
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.UNDONE
        assert not Enterprise.objects.filter(credit_code=good["credit_code"]).exists()
    finally:
        one.stop()
        other.stop()
    # Every file went to the database; neither server's folder holds a thing.
    assert set(StoredFile.objects.values_list("name", flat=True)) == {
        batch.original.name,
        batch.plan.name,
        f"imports/plans/{pk}-undo.jsonl.gz",
    }
    assert list(one.media.iterdir()) == [] and list(other.media.iterdir()) == []
