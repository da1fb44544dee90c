"""Small builder functions for tests: named, explicit, no factory library."""

import itertools

from pilots.models import Enterprise, Pilot
from reform.creditcode import make_credit_code
from reform.models import Industry, Park, Region, User

PASSWORD = "correct-horse-battery-9"
_serial = itertools.count(1)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_user(username: str, *, role: str, region: str | None = None) -> User:
    user = User(username=username, role=role, first_name=username)
    if region:
        user.region = Region.objects.get(code=region)
    user.is_staff = user.is_superuser = role == "admin"
    user.set_password(PASSWORD)
    user.save()
    return user


def next_credit_code(county_code: str = "320722") -> str:
    """A fresh valid credit code: 91 + region + a serial organisation code + check character."""
    return make_credit_code(f"91{county_code}{next(_serial):09d}")


def make_enterprise(
    *,
    county: str = "320722",
    township: str | None = "320722001",
    park: Park | None = None,
    industry: str | None = "3091",
    core_industry: str = "new_materials",
    **fields,
) -> Enterprise:
    """An enterprise classed at a GB/T 4754-2017 code (default 3091 石墨及碳素制品制造, tagged
    新材料); industry=None with industry_text="…" for an unclassified (待归类) one."""
    values = {
        "name": f"测试企业{next(_serial)}有限公司",
        "credit_code": next_credit_code(county),
        "county": region(county),
        "township": region(township) if township else None,
        "park": park,
        "industry": Industry.objects.get(code=industry) if industry else None,
        "core_industry": core_industry,
        "ownership": Enterprise.Ownership.PRIVATE,
        "employee_count": 120,
    }
    values.update(fields)
    return Enterprise.objects.create(**values)


def make_pilot(
    plan_year,
    *,
    tier: str = "county",
    status: str = "confirmed",
    enterprise: Enterprise | None = None,
    **enterprise_fields,
) -> Pilot:
    enterprise = enterprise or make_enterprise(**enterprise_fields)
    return Pilot.objects.create(
        enterprise=enterprise, plan_year=plan_year, tier=tier, status=status
    )


def make_zone(
    county: str,
    *,
    name: str | None = None,
    level: str = "provincial",
    kind: str = "development_zone",
) -> Park:
    return Park.objects.create(
        name=name or f"测试开发区{next(_serial)}", county=region(county), level=level, kind=kind
    )
