"""Every file the site writes is safe: hostile names through every download, no formula anywhere.

Officials type enterprise, park, cluster and station names (and region names come from an
administrator): a name like =HYPERLINK("http://x","y") must reach a spreadsheet as text. The
test finds every download of the project by its URL name, and every table of every dashboard
page by the page's own list of tables, so a new export cannot be left out unnoticed.
"""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from clusters.models import Cluster, GuidanceStation
from pilots import writers
from pilots.imports.headers import HEADERS
from pilots.models import ImportBatch
from reform.models import Industry, Park, Region
from tests.builders import make_pilot, region
from tests.matrix import project_url_names
from tests.pilots.import_files import use_test_settings

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
DONGHAI, NIUSHAN = "320722", "320722001"

# Every URL whose name says it sends a file. A new one fails test_every_download_is_covered
# until it is listed in DOWNLOADS (and so sent hostile names) or, with the reason, in NOT_WRITTEN.
FILE_URL = re.compile(r"export|template|errors|original|download|xlsx|csv|docx")
NOT_WRITTEN = {
    # The uploaded workbook itself, returned byte for byte: the site writes nothing into it.
    "pilots:import_original": "the user's own upload, unchanged",
    "promotion:report_import_original": "the user's own upload, unchanged",
    "demonstration:evidence_download": "the applicant's own evidence file, unchanged",
    # Word, not a spreadsheet: reform/documents.py writes users' text as plain runs, never a
    # field (tests/reform/test_documents.py).
    "demonstration:notice_docx": "a Word document, through reform/documents.py",
    "dashboards:bulletin_docx": "a Word document, through reform/documents.py",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


@pytest.fixture
def hostile(reference, plan_year, users):
    """Hostile names everywhere an official types one, in 东海县 and 牛山街道."""
    Region.objects.filter(code=DONGHAI).update(name=HOSTILE[0] + "东海县")
    Region.objects.filter(code=NIUSHAN).update(name=HOSTILE[3] + "牛山街道")
    industry = Industry.objects.get(code="3091")
    parks, pilots = [], []
    for index, name in enumerate(HOSTILE):
        park = Park.objects.create(
            name=f"{name}园区{index}", county=region(DONGHAI), kind="development_zone",
            level="provincial",
        )  # fmt: skip
        parks.append(park)
        for tier in ("city", "county", "township"):
            pilots.append(
                make_pilot(
                    plan_year,
                    tier=tier,
                    name=f"{name}企业{index}{tier}",
                    park=park,
                    contact_name=name,
                    contact_phone=f"+86{index}",
                    address=name,
                    remarks=name,
                )
            )
    for index, pilot in enumerate(pilots):
        pilot.own_plan = HOSTILE[index % len(HOSTILE)]
        pilot.save(update_fields=["own_plan"])
    clusters = []
    for index, name in enumerate(HOSTILE):
        cluster = Cluster.objects.create(
            name=f"{name}集群{index}", county=region(DONGHAI), industry=industry
        )
        cluster.members.add(*[pilot.enterprise for pilot in pilots])
        clusters.append(cluster)
    stations = []
    for index, name in enumerate(HOSTILE):
        station = GuidanceStation.objects.create(name=f"{name}指导站{index}", park=parks[index])
        station.pilots.add(*pilots)
        stations.append(station)
    _hostile_reports(users["city"], pilots)
    _hostile_pairings(plan_year, pilots)
    return {
        "clusters": clusters,
        "stations": stations,
        "batches": _batches_with_errors(users),
        "report_batches": [_report_batch_with_errors(users)],
        "rounds": [_hostile_round(plan_year, users, pilots)],
    }


def _hostile_round(plan_year, users, pilots):
    """A selection round whose recommended applications are of hostile-named enterprises."""
    from tests.demonstration.builders import (
        make_round,
        open_phase,
        recommend,
        submitted_application,
    )

    round = make_round(plan_year, user=users["city"], phase="application")
    county_tier = [pilot for pilot in pilots if pilot.tier == "county"][:2]
    applications = [
        submitted_application(round, user=users["city"], pilot=pilot) for pilot in county_tier
    ]
    open_phase(round, "recommendation")
    recommend(round, applications, county=region(DONGHAI), user=users["county"])
    return round


def _hostile_pairings(plan_year, pilots) -> None:
    """Pairings whose lead, partners, goals and closing summary were typed hostile."""
    from tests.demonstration.pairing_builders import make_pairing

    for index, name in enumerate(HOSTILE):
        lead = pilots[index * 3].enterprise
        status = ["active", "ended"][index % 2]
        make_pairing(plan_year, lead=lead, partners=[pilots[index * 3 + 1]], goals=name,
                     status=status, closing_summary=name)  # fmt: skip


def _hostile_reports(user, pilots) -> None:
    """Media reports whose title, outlet and programme were typed hostile."""
    from promotion.models import MediaReport, Programme
    from promotion.services import report_create

    for index, name in enumerate(HOSTILE):
        programme = Programme.objects.create(
            name=f"{name}专栏{index}", kind=Programme.Kind.COLUMN, outlet=name,
            starts_on=datetime.date(2025, 1, 1),
        )  # fmt: skip
        fields = {
            "title": name,
            "outlet": name,
            "outlet_kind": MediaReport.OutletKind.UNION,
            "level": MediaReport.Level.CITY,
            "form": MediaReport.Form.NEWS,
            "published_on": datetime.date(2026, 1, 1 + index),
            "link": "https://example.org/" + str(index),
            "programme": programme,
        }
        report_create(user=user, fields=fields, pilots=pilots[:2])


def _hostile_upload() -> bytes:
    """An upload whose names and codes are hostile texts (as WPS stores a typed '=…), one of
    them a real formula, and every row rejected for a bad credit code."""
    workbook = Workbook()
    sheet = workbook.active
    columns = ["name", "credit_code", "county", "township", "industry", "ownership", "tier"]
    writers.append_row(sheet, [HEADERS[name] for name in columns])
    for name in HOSTILE:
        cells = [writers.safe_cell(sheet, None) for _ in columns]
        values = [name, name, "东海县", name, "新材料", "民营", "县级"]
        for cell, value in zip(cells, values, strict=True):
            cell.value = value
            cell.data_type = "s"  # the text itself, not the writers' escaped form
        sheet.append(cells)
    sheet.append(["=1+1", "12345", "东海县", "", "新材料", "民营", "县级"])  # a live formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _batches_with_errors(users) -> list[ImportBatch]:
    client = Client()
    client.force_login(users["county"])
    lines = ["企业名称,统一社会信用代码,县区,乡镇（街道）,所属行业,企业性质,试点层级"]
    lines += [f'"{name}","{name}",东海县,"{name}",新材料,民营,县级' for name in HOSTILE]
    batches = []
    for name, data in [("名单.xlsx", _hostile_upload()), ("名单.csv", "\n".join(lines).encode())]:
        upload = io.BytesIO(data)
        upload.name = name
        response = client.post(reverse("pilots:import_upload"), {"file": upload})
        assert response.status_code == 302, response.content[:300]
        batch = ImportBatch.objects.latest("pk")
        assert batch.rows_rejected >= len(HOSTILE), batch.rows_rejected
        batches.append(batch)
    return batches


def _report_batch_with_errors(users) -> ImportBatch:
    """A list of media reports whose titles, outlets and links are hostile texts: every row
    rejected (a formula is no web address), so the error workbook repeats them all."""
    from tests.promotion.test_report_import import report_row, workbook

    client = Client()
    client.force_login(users["county"])
    rows = [report_row(title=name, outlet=name, link=name) for name in HOSTILE]
    upload = io.BytesIO(workbook(rows))
    upload.name = "报道.xlsx"
    response = client.post(reverse("promotion:report_import_upload"), {"file": upload})
    assert response.status_code == 302, response.content[:300]
    batch = ImportBatch.objects.latest("pk")
    assert batch.rows_rejected == len(HOSTILE), batch.rows_rejected
    return batch


def _dashboard_downloads(client) -> list[str]:
    """Every table of every dashboard page, found from the page's own tables, and "all"."""
    urls = []
    for path in ("/", f"/regions/{DONGHAI}/", f"/regions/{NIUSHAN}/"):
        keys = list(client.get(path).context["tables"])
        assert keys, path
        urls += [f"{path}?export={key}" for key in [*keys, "all"]]
    return urls


def _each(url_name: str, objects: str, *extra) -> callable:
    return lambda world: [reverse(url_name, args=[*extra, obj.pk]) for obj in world[objects]]


# URL name → the URLs of that download to fetch, from the world of the `hostile` fixture.
DOWNLOADS = {
    "pilots:pilot_export": lambda w: [reverse("pilots:pilot_export", args=[f]) for f in FORMATS],
    "pilots:enterprise_export": lambda w: [
        reverse("pilots:enterprise_export", args=[f]) for f in FORMATS
    ],
    "clusters:cluster_member_export": _each("clusters:cluster_member_export", "clusters"),
    "clusters:station_pilot_export": _each("clusters:station_pilot_export", "stations"),
    "pilots:import_template": lambda w: [reverse("pilots:import_template")],
    "pilots:import_errors": _each("pilots:import_errors", "batches"),
    "promotion:report_import_template": lambda w: [reverse("promotion:report_import_template")],
    "promotion:report_import_errors": _each("promotion:report_import_errors", "report_batches"),
    "promotion:report_export": lambda w: [reverse("promotion:report_export")],
    "demonstration:ranking_export": _each("demonstration:ranking_export", "rounds"),
    "demonstration:pairing_export": lambda w: [reverse("demonstration:pairing_export")],
}
FORMATS = ("xlsx", "csv")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def unsafe_cells(data: bytes) -> list[str]:
    """Formula cells, and texts that start like a formula without the writers' apostrophe."""
    found = []
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(f"{sheet.title}!{cell.coordinate} formula {cell.value!r}")
                elif isinstance(cell.value, str) and cell.value.startswith(writers.FORMULA_STARTS):
                    found.append(f"{sheet.title}!{cell.coordinate} text {cell.value!r}")
    return found


def unsafe_fields(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return [field for row in rows for field in row if field.startswith(writers.FORMULA_STARTS)]


def test_every_download_is_covered():
    names = {name for name in project_url_names() if FILE_URL.search(name.split(":")[-1])}
    listed = set(DOWNLOADS) | set(NOT_WRITTEN)
    missing = sorted(name for name in names if name not in listed)
    assert not missing, f"downloads not checked for formulas: {missing}"


def test_no_download_carries_a_formula(client, users, hostile):
    client.force_login(users["city"])
    checked = []
    for name, urls_of in DOWNLOADS.items():
        for url in urls_of(hostile):
            # The import pages belong to the county official who uploaded.
            who = users["county"] if "import_" in name else users["city"]
            client.force_login(who)
            response = client.get(url)
            assert response.status_code == 200, url
            checked.append((url, _body(response)))
    client.force_login(users["city"])
    for url in _dashboard_downloads(client):
        response = client.get(url)
        assert response.status_code == 200, url
        checked.append((url, _body(response)))

    texts = []
    for url, data in checked:
        if data.startswith(b"PK"):
            assert not unsafe_cells(data), (url, unsafe_cells(data))
            workbook = load_workbook(io.BytesIO(data))
            texts += [
                c.value for s in workbook for r in s.iter_rows() for c in r if c.value is not None
            ]
        else:
            assert not unsafe_fields(data), (url, unsafe_fields(data))
            texts.append(data.decode("utf-8-sig"))
    # The hostile names did go through, as text: a test that checked nothing would fail here.
    everything = "\n".join(str(text) for text in texts)
    for name in ('\'=HYPERLINK("http://x","y")', "'+1", "'-2+3", "'@SUM(A1)", "'\t=1"):
        assert name in everything, name
    assert len(checked) > 40


def test_a_list_written_by_the_site_reads_back_as_it_was(reference):
    """The apostrophe is the writers' escape: the import takes it off again, so a phone number
    like +86 138… or a plan starting with "-" survives an export and a re-upload."""
    from pilots.imports.cells import make_cell

    for value in ["+8613800000000", "-改进工艺", "=1+1", "'普通的撇号", "@团队"]:
        written = writers.neutralise(value)
        assert make_cell(written).text == value.strip()


def test_only_the_writers_save_a_workbook_or_write_a_csv():
    """A module that saved a workbook itself could skip the neutraliser: only pilots/writers.py
    saves one (the import benchmark writes its own test files, which the site never serves)."""
    allowed = {Path("pilots/writers.py"), Path("pilots/management/commands/benchmark_import.py")}
    pattern = re.compile(r"\b(workbook|book|wb)\.save\(|csv\.writer\(|DictWriter\(")
    base = Path(settings.BASE_DIR)
    offenders = []
    for app in [path.parent for path in base.glob("*/apps.py")]:
        for path in app.rglob("*.py"):
            relative = path.relative_to(base)
            if relative not in allowed and pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(relative))
    assert offenders == []


def test_the_neutraliser_leaves_numbers_and_plain_text_alone():
    assert writers.neutralise(-5) == -5
    assert writers.neutralise("东海县") == "东海县"
    assert writers.neutralise("=1") == "'=1"
    assert writers.neutralise("a\x01b") == "ab"  # a control character an .xlsx cannot hold


def test_a_download_is_named_in_the_users_language_with_an_ascii_fallback():
    header = writers.attachment(
        "东海县-2026-试点进度.xlsx", fallback="320722-2026-pilot progress.xlsx"
    )
    assert header == (
        'attachment; filename="320722-2026-pilot-progress.xlsx"; '
        "filename*=UTF-8''%E4%B8%9C%E6%B5%B7%E5%8E%BF-2026-%E8%AF%95%E7%82%B9%E8%BF%9B%E5%BA%A6.xlsx"
    )


def test_a_chinese_character_counts_double_in_a_column_width():
    assert writers.text_width("东海县") == 6
    assert writers.text_width("ABC") == 3
    assert writers.width_for(["东海县经济开发区", "x"]) == 16 + 2


@pytest.mark.parametrize(
    ("url_name", "args", "language", "name"),
    [
        ("pilots:pilot_export", ["xlsx"], "zh-hans", "试点企业-"),
        ("pilots:pilot_export", ["csv"], "en", "pilots-"),
        ("pilots:enterprise_export", ["xlsx"], "zh-hans", "企业-"),
        ("pilots:import_template", [], "zh-hans", "试点企业导入模板"),
    ],
)
def test_list_downloads_have_a_bold_frozen_header_and_a_named_file(
    users, plan_year, url_name, args, language, name
):
    from urllib.parse import quote

    make_pilot(plan_year)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(users["county"])
    response = client.get(reverse(url_name, args=args))
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert re.search(r'filename="[\x20-\x7e]+"', disposition)
    if args == ["csv"]:
        return
    for sheet in load_workbook(io.BytesIO(_body(response))).worksheets:
        if sheet.sheet_state != "visible":
            continue
        assert sheet.freeze_panes in ("A2", "C2"), sheet.title
        assert all(cell.font.b for cell in sheet[1] if cell.value), sheet.title


def test_a_list_export_written_by_a_background_job_carries_no_formula(
    client, users, hostile, settings
):
    from reform.jobs import run_job
    from reform.models import Job

    settings.EXPORT_BACKGROUND_ROWS = 0
    client.force_login(users["city"])
    for name in ("pilots:pilot_export", "pilots:enterprise_export"):
        for fmt in FORMATS:
            assert client.get(reverse(name, args=[fmt])).status_code == 302
            job = Job.objects.latest("pk")
            run_job.call(job.pk, job.attempts)
            job.refresh_from_db()
            data = _body(client.get(reverse("job_file", args=[job.pk])))
            if fmt == "xlsx":
                assert data.startswith(b"PK") and not unsafe_cells(data)
                assert "'@SUM(A1)" in str(
                    [c.value for r in load_workbook(io.BytesIO(data)).active.iter_rows() for c in r]
                )
            else:
                assert not unsafe_fields(data) and "'@SUM(A1)" in data.decode("utf-8-sig")
