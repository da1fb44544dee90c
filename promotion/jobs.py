"""The promotion's long work as background jobs (reform.jobs): the case collection (.docx) of
more than COLLECTION_BACKGROUND_CASES cases. It writes nothing but its file, so running it again
just makes the file anew."""

from __future__ import annotations

from django.utils.translation import gettext as _

from promotion import selectors
from promotion.collection import collection_bytes, collection_title
from reform.jobs import JobFailed, job_file, job_start
from reform.models import Job, PlanYear, User

COLLECTION = "promotion.jobs.collection"


def start_collection(plan_year: PlanYear, user: User, count: int) -> Job:
    year = plan_year.year
    return job_start(
        user=user,
        kind=COLLECTION,
        title=lambda: _("Compiling the case collection of %(year)s") % {"year": year},
        params={"plan_year": plan_year.pk},
        subject=f"collection:{plan_year.pk}",
        total=count,
    )


def collection(job: Job, progress) -> str:
    plan_year = PlanYear.objects.filter(pk=job.params["plan_year"]).first()
    cases = list(selectors.case_collection(plan_year=plan_year)) if plan_year else []
    if not cases:
        raise JobFailed(lambda: _("No case has been selected yet: there is nothing to compile."))
    content = collection_bytes(plan_year=plan_year, cases=cases, progress=progress)
    progress(len(cases), len(cases))
    return job_file(job, content, f"{collection_title(plan_year)}.docx")
