"""Builders of cases, media reports and photos for the promotion tests."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from promotion.models import (
    Case,
    CaseDimension,
    CasePilot,
    MediaReport,
    Programme,
    ReportCase,
    ReportPilot,
)
from promotion.services import place_of

TEXT = "第一段：公司建立职工技能等级认定制度。\n\n第二段：年内新增高技能人才二十名。"


def make_case(
    plan_year,
    pilots,
    *,
    status: str = Case.Status.DRAFT,
    title: str = "以技能等级认定畅通职工成长通道",
    dimensions=("empowerment",),
    author=None,
    **fields,
) -> Case:
    """A case placed like the services place it (the narrowest region of its pilots)."""
    pilots = list(pilots)
    county_id, township_id = place_of(pilots)
    case = Case.objects.create(
        title=title,
        plan_year=plan_year,
        summary=fields.pop("summary", "建立技能等级认定制度，年内新增高技能人才二十名。"),
        text=fields.pop("text", TEXT),
        status=status,
        author=author,
        county_id=county_id,
        township_id=township_id,
        **fields,
    )
    CasePilot.objects.bulk_create([CasePilot(case=case, pilot=p) for p in pilots])
    CaseDimension.objects.bulk_create([CaseDimension(case=case, dimension=d) for d in dimensions])
    return case


def make_programme(**fields) -> Programme:
    values = {
        "name": "产改进行时",
        "kind": Programme.Kind.COLUMN,
        "outlet": "连云港日报",
        "starts_on": datetime.date(2026, 1, 1),
    }
    values.update(fields)
    return Programme.objects.create(**values)


def make_report(*, pilots=(), cases=(), **fields) -> MediaReport:
    covered = list(pilots) + [p for case in cases for p in case.pilots.all()]
    county_id, township_id = place_of(covered) if covered else (None, None)
    values = {
        "title": "东海县：技能人才跑出加速度",
        "outlet": "连云港日报",
        "outlet_kind": MediaReport.OutletKind.MAINSTREAM,
        "level": MediaReport.Level.CITY,
        "form": MediaReport.Form.NEWS,
        "published_on": datetime.date(2026, 3, 5),
        "link": "https://www.lyg.gov.cn/news/1.html",
        "county_id": county_id,
        "township_id": township_id,
    }
    values.update(fields)
    report = MediaReport.objects.create(**values)
    ReportPilot.objects.bulk_create([ReportPilot(report=report, pilot=p) for p in pilots])
    ReportCase.objects.bulk_create([ReportCase(report=report, case=c) for c in cases])
    return report


def photo_bytes(size=(1200, 900), *, colour=(180, 40, 40), fmt="JPEG", exif=None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    if exif is not None:
        image.save(buffer, format=fmt, exif=exif)
    else:
        image.save(buffer, format=fmt)
    return buffer.getvalue()


def photo_upload(name: str = "现场.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, photo_bytes(**kwargs), content_type="image/jpeg")
