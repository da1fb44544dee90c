"""Permission matrix rows for the Excel import (pilots/imports/views.py).

Reviewers have no write right (403 on upload and template, like leaders) and see no batch
(an empty list, 404 on each batch).
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from pilots.imports.batches import batch_create
from reform.scopes import Scope
from tests.builders import next_credit_code
from tests.matrix import SIGNED_IN_200, temporary_media
from tests.pilots.import_files import row, xlsx

READ = SIGNED_IN_200
# Writing: leaders get 403 even where they may read.
WRITE_FORM = READ | {"leader": 403, "reviewer": 403}
UPLOADED = {
    "anonymous": 302,
    "admin": 302,
    "city": 302,
    "county": 302,
    "other_county": 302,
    "township": 302,
    "leader": 403,
    "reviewer": 403,
}
# A batch uploaded by the county official of 东海县: listed in that county's scope only.
BATCH_READ = READ | {"other_county": 404, "township": 404, "reviewer": 404}
BATCH_WRITE = {
    "anonymous": 302,
    "admin": 302,
    "city": 302,
    "county": 302,
    "other_county": 404,
    "township": 404,
    "leader": 403,
    "reviewer": 404,
}
POST_ONLY = {role: 405 for role in READ} | {"anonymous": 302}
# The page asking before discarding a previewed batch.
ASK = BATCH_WRITE | {"admin": 200, "city": 200, "county": 200}


def build(world: dict) -> None:
    temporary_media()
    county_scope = Scope(role="county", county_id=world["county"].pk, can_write=True)
    rows = [
        row(name="矩阵导入企业有限公司", credit_code=next_credit_code()),
        row(name="矩阵坏行", credit_code="123"),
    ]
    world["batch"] = batch_create(
        data=xlsx(rows),
        filename="matrix.xlsx",
        user=None,
        scope=county_scope,
        plan_year=world["plan_year"],
    )


def _upload(world: dict) -> dict:
    data = xlsx([row(name="矩阵上传企业有限公司", credit_code=next_credit_code())])
    return {"file": SimpleUploadedFile("matrix-upload.xlsx", data)}


def _batch(world: dict) -> list:
    return [world["batch"].pk]


CASES = [
    {"url": "pilots:import_list", "get": READ, "post": None},
    {"url": "pilots:import_upload", "get": WRITE_FORM, "post": UPLOADED, "data": _upload},
    {"url": "pilots:import_template", "get": WRITE_FORM, "post": None},
    {"url": "pilots:import_detail", "args": _batch, "get": BATCH_READ, "post": None},
    {"url": "pilots:import_original", "args": _batch, "get": BATCH_READ, "post": None},
    {"url": "pilots:import_errors", "args": _batch, "get": BATCH_READ, "post": None},
    {"url": "pilots:import_confirm", "args": _batch, "get": POST_ONLY, "post": BATCH_WRITE},
    {"url": "pilots:import_discard", "args": _batch, "get": ASK, "post": BATCH_WRITE},
    # The batch is previewed, not applied: the writers are sent back to it.
    {"url": "pilots:import_undo", "args": _batch, "get": BATCH_WRITE, "post": BATCH_WRITE},
]
