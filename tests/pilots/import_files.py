"""Workbooks for the import tests, written the way county officials write them."""

import io

from openpyxl import Workbook

from pilots.imports.headers import HEADERS

COLUMNS = [
    "name",
    "credit_code",
    "county",
    "township",
    "industry",
    "ownership",
    "employee_count",
    "tier",
    "status",
]


def row(**values) -> dict:
    base = {
        "county": "东海县",
        "township": "牛山街道",
        "industry": "石墨及碳素制品制造",
        "ownership": "民营",
        "employee_count": 150,
        "tier": "县级",
        "status": "已确定",
    }
    base.update(values)
    return base


def xlsx(rows: list[dict], *, columns=None, title: str | None = None) -> bytes:
    """An .xlsx with an optional title row above the Chinese headers."""
    columns = columns or COLUMNS
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append([HEADERS[name] for name in columns])
    for values in rows:
        sheet.append([values.get(name) for name in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def use_test_settings(settings, media_root) -> None:
    """Uploads into a temporary folder; static files from the finders (no manifest)."""
    settings.MEDIA_ROOT = media_root
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
