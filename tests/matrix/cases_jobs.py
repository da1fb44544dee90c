"""Permission-matrix rows of a background job's pages (reform/job_views.py).

Jobs started by the county official of 东海县 (a failed one, a finished one with its file):
that user and administrators see them; to every other role (city staff, another county,
township, leader, reviewer) they do not exist (404). The file of a private job (a list export,
pilots/export_jobs.py) goes to that official alone: not even an administrator downloads it.
"""

from django.core.files.base import ContentFile

from reform.jobs import OWNER_SCOPE, scope_key
from reform.models import Job, User
from reform.scopes import scope_for
from tests.matrix import ROLES

OWN = {role: 404 for role in ROLES} | {"anonymous": 302, "admin": 200, "county": 200}
# Running it again answers with the job's page.
RETRY = {role: 404 for role in ROLES} | {"anonymous": 302, "admin": 302, "county": 302}
PRIVATE = {role: 404 for role in ROLES} | {"anonymous": 302, "county": 200}
GET_ONLY = {role: 405 for role in ROLES} | {"anonymous": 302}


def build(world: dict) -> None:
    world["job"] = Job.objects.create(
        user=User.objects.get(username="county"),
        kind="tests.reform.test_jobs.count_rows",
        title="矩阵任务",
        params={"rows": 3},
        status=Job.Status.FAILED,
        total=3,
    )
    world["done_job"] = done = Job.objects.create(
        user=User.objects.get(username="county"),
        kind="tests.reform.test_jobs.count_rows",
        title="矩阵文件",
        status=Job.Status.DONE,
        result_name="矩阵.docx",
    )
    done.result_file.save("matrix.bin", ContentFile(b"PK"), save=True)
    county = User.objects.get(username="county")
    world["export_job"] = export = Job.objects.create(
        user=county,
        kind="pilots.export_jobs.export",
        title="矩阵导出",
        params={
            "kind": "pilots",
            "format": "xlsx",
            "query": "",
            OWNER_SCOPE: scope_key(scope_for(county)),
        },
        status=Job.Status.DONE,
        result_name="试点企业.xlsx",
    )
    export.result_file.save("matrix-export.bin", ContentFile(b"PK"), save=True)


CASES = [
    {"url": "job_detail", "args": lambda w: [w["job"].pk], "get": OWN, "post": None},
    {"url": "job_status", "args": lambda w: [w["job"].pk], "get": OWN, "post": None},
    {"url": "job_file", "args": lambda w: [w["done_job"].pk], "get": OWN, "post": None},
    {"url": "job_file", "args": lambda w: [w["export_job"].pk], "get": PRIVATE, "post": None},
    {"url": "job_retry", "args": lambda w: [w["job"].pk], "get": GET_ONLY, "post": RETRY},
]
