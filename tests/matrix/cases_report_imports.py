"""Permission matrix rows for the Excel import of media reports (the import's pages, kind
"media_reports", under /promotion/reports/imports/): the same rights as the enterprise import
and as recording a report by the form (tests/matrix/cases_imports.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from pilots.imports.batches import batch_create
from reform.scopes import Scope
from tests.matrix import temporary_media
from tests.matrix.cases_imports import (
    ASK,
    BATCH_READ,
    BATCH_WRITE,
    POST_ONLY,
    READ,
    UPLOADED,
    WRITE_FORM,
)
from tests.promotion.test_report_import import report_row, workbook


def build(world: dict) -> None:
    temporary_media()
    county_scope = Scope(role="county", county_id=world["county"].pk, can_write=True)
    rows = [report_row(title="矩阵导入报道"), report_row(title="矩阵坏行", link="javascript:x")]
    world["report_batch"] = batch_create(
        data=workbook(rows),
        filename="matrix-reports.xlsx",
        user=None,
        scope=county_scope,
        plan_year=world["plan_year"],
        kind="media_reports",
    )


def _upload(world: dict) -> dict:
    data = workbook([report_row(title="矩阵上传报道")])
    return {"file": SimpleUploadedFile("matrix-reports-upload.xlsx", data)}


def _batch(world: dict) -> list:
    return [world["report_batch"].pk]


CASES = [
    {"url": "promotion:report_import_list", "get": READ, "post": None},
    {"url": "promotion:report_import_upload", "get": WRITE_FORM, "post": UPLOADED, "data": _upload},
    {"url": "promotion:report_import_template", "get": WRITE_FORM, "post": None},
    {"url": "promotion:report_import_detail", "args": _batch, "get": BATCH_READ, "post": None},
    {"url": "promotion:report_import_original", "args": _batch, "get": BATCH_READ, "post": None},
    {"url": "promotion:report_import_errors", "args": _batch, "get": BATCH_READ, "post": None},
    {
        "url": "promotion:report_import_confirm",
        "args": _batch,
        "get": POST_ONLY,
        "post": BATCH_WRITE,
    },
    {"url": "promotion:report_import_discard", "args": _batch, "get": ASK, "post": BATCH_WRITE},
    # The batch is previewed, not applied: the writers are sent back to it.
    {
        "url": "promotion:report_import_undo",
        "args": _batch,
        "get": BATCH_WRITE,
        "post": BATCH_WRITE,
    },
]
