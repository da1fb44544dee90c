"""The permission matrix: every URL of the project × anonymous and each role × GET and POST.

Each area lists its URLs in `tests/matrix/cases_<area>.py`: a list `CASES` of dicts with
"url" (URL name), "args" (world → URL args), "get" and "post" (role → expected status; "post"
None when the view has no POST: anonymous then expects 302, every signed-in role 405), and
optionally "data" (world → POST body). A module may define `build(world)` to add the objects
its URLs need. The runner (test_matrix.py) builds the core world, calls every `build`, and
checks every case × role × method, each POST in a savepoint that is rolled back, so every check
sees the same fresh world.
"""

import importlib
import pkgutil
import tempfile
from collections.abc import Iterator

from django.conf import settings
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests.builders import make_enterprise, make_pilot, region

ROLES = ["anonymous", "admin", "city", "county", "other_county", "township", "leader", "reviewer"]
# The most common row: every signed-in role reads the page, anonymous visitors go to sign in.
# Reviewers too: the dashboards are for everyone, and lists of records are empty for them.
SIGNED_IN_200 = {role: 200 for role in ROLES} | {"anonymous": 302}
# URL names that need no case: Django's admin has its own permission checks, and the language
# switch is open to everyone by design.
EXEMPT_NAMESPACES = {"admin"}
EXEMPT_NAMES = {"set_language"}


def temporary_media() -> None:
    """Uploads of the world's builders go to one temporary folder, not the project's media
    folder; every builder calls this, the first call sets it for the rest of the run."""
    if "matrix-media-" not in str(settings.MEDIA_ROOT):
        override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="matrix-media-")).enable()


def case_modules() -> list:
    package = importlib.import_module("tests.matrix")
    return [
        importlib.import_module(f"tests.matrix.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.startswith("cases_")
    ]


def all_cases() -> list[dict]:
    return [case for module in case_modules() for case in module.CASES]


def build_world(plan_year) -> dict:
    """The core world, then every case module's additions."""
    county, township = region("320722"), region("320722001")
    enterprise = make_enterprise(county="320722", township="320722001", name="矩阵测试企业有限公司")
    other_enterprise = make_enterprise(county="320724", township=None, name="矩阵灌南企业有限公司")
    world = {
        "plan_year": plan_year,
        "county": county,
        "township": township,
        "enterprise": enterprise,
        "other_enterprise": other_enterprise,
        "pilot": make_pilot(plan_year, tier="county", enterprise=enterprise),
        "other_pilot": make_pilot(plan_year, tier="county", enterprise=other_enterprise),
    }
    for module in case_modules():
        build = getattr(module, "build", None)
        if build is not None:
            build(world)
    return world


def _walk(patterns, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def project_url_names() -> set[str]:
    """Every named URL of the project, namespaced, without the exempt ones."""
    names = set()
    for name in _walk(get_resolver().url_patterns):
        namespace, _, short = name.rpartition(":")
        if namespace.split(":")[0] in EXEMPT_NAMESPACES or short in EXEMPT_NAMES:
            continue
        names.add(name)
    return names


def expected_post(case: dict) -> dict:
    post = case.get("post")
    if post is None:
        return {role: 302 if role == "anonymous" else 405 for role in ROLES}
    return post
