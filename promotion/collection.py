"""The year's case collection (案例汇编) as one Word document, through reform.documents.

A cover, a table of contents, then each case on its own pages: its enterprises, county-level
units and dimensions, the summary, the text and the photos. Everything a user typed goes in as
plain text (DocumentWriter).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from promotion.models import Case
from reform.documents import DocumentWriter
from reform.models import PlanYear

PHOTO_WIDTH_CM = 13


def collection_title(plan_year: PlanYear) -> str:
    return _("Typical cases of the reform pilots, %(year)s") % {"year": plan_year.year}


def _facts(case: Case) -> list[list[str]]:
    pilots = list(case.pilots.all())
    counties = list(dict.fromkeys(p.enterprise.county.name for p in pilots))
    return [
        [_("Enterprises"), "、".join(p.enterprise.name for p in pilots)],
        [_("County-level units"), "、".join(counties)],
        [
            _("Dimensions"),
            "、".join(str(link.get_dimension_display()) for link in case.dimension_links.all()),
        ],
    ]


def collection_bytes(*, plan_year: PlanYear, cases: list[Case], progress=None) -> bytes:
    """The .docx file; `cases` come from selectors.case_collection (pilots, photos loaded).
    `progress(done, total)` hears of each case written (a background job's, reform.jobs)."""
    writer = DocumentWriter()
    for _blank in range(6):
        writer.paragraph("")
    writer.title(collection_title(plan_year))
    writer.paragraph("")
    writer.paragraph(
        _("%(count)d cases · compiled on %(date)s")
        % {"count": len(cases), "date": timezone.localdate().strftime("%Y-%m-%d")},
        center=True,
        size=14,
    )
    writer.page_break()
    writer.table_of_contents(_("Contents"))
    for index, case in enumerate(cases, start=1):
        if progress is not None:
            progress(index - 1, len(cases))
        writer.page_break()
        writer.heading(f"{index}. {case.title}", level=1)
        writer.table(_facts(case), header=False, widths=[3.5, 11.5])
        writer.paragraph("")
        writer.paragraph(_("Summary"), bold=True)
        writer.paragraphs(case.summary)
        writer.paragraph(_("Text"), bold=True)
        writer.paragraphs(case.text)
        for photo in case.photos:
            with photo.file.open("rb") as handle:
                writer.picture(handle.read(), width_cm=PHOTO_WIDTH_CM)
    return writer.bytes()
