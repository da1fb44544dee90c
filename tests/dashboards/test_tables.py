"""The dashboards render their table bodies in one pass (DashboardTable.body_rows): the markup
must be django-tables2's own, cell for cell, for every table of every page."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.builders import make_pilot, make_zone

DONGHAI, NIUSHAN = "320722", "320722001"


class Canonical(HTMLParser):
    """Tags with sorted attributes and their text, whitespace collapsed."""

    def __init__(self):
        super().__init__()
        self.items = []

    def handle_starttag(self, tag, attrs):
        if (
            tag == "tr"
        ):  # django-tables2's even/odd classes count across renders; no style uses them
            attrs = []
        self.items.append(
            (tag, tuple(sorted((k, " ".join(sorted((v or "").split()))) for k, v in attrs)))
        )

    def handle_endtag(self, tag):
        self.items.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", " ".join(data.split())))


def canonical(html: str) -> list:
    parser = Canonical()
    parser.feed(html)
    return parser.items


def tbody(html: str) -> str:
    return html[html.index("<tbody") : html.index("</tbody>")]


@pytest.fixture
def data(reference, plan_year):
    zone = make_zone(DONGHAI)
    for tier in ("city", "county", "township"):
        for status in ("confirmed", "proposed", "demonstration", "withdrawn"):
            make_pilot(plan_year, tier=tier, status=status, park=zone)
    make_pilot(plan_year, tier="county", county="320724", township=None)


def rendered_both_ways(client, users, path: str, *, own_template_only: bool = False):
    """(key, table, the page's rendering, django-tables2's) of each table a page shows."""
    client.force_login(users["county"])
    tables = client.get(path).context["tables"]
    request = RequestFactory().get(path)
    for key, table in tables.items():
        template = getattr(table, "template_name", None)
        if template is None:  # a table only the download shows
            continue
        if own_template_only and template != "dashboards/partials/table.html":
            continue  # one of django-tables2's templates
        table.request = request
        fast = render_to_string(template, {"table": table, "request": request})
        slow = render_to_string("django_tables2/table.html", {"table": table, "request": request})
        yield key, table, fast, slow


@pytest.mark.parametrize("path", ["/", f"/regions/{DONGHAI}/", f"/regions/{NIUSHAN}/"])
def test_the_fast_rows_are_django_tables2s_rows(client, users, data, path):
    compared = 0
    for key, table, fast, slow in rendered_both_ways(client, users, path):
        assert canonical(tbody(fast)) == canonical(tbody(slow)), key
        compared += len(list(table.rows))
    assert compared >= 7  # the overview: 7 counties and the clusters at least


def thead(html: str) -> str:
    return html[html.index("<thead") : html.index("</thead>")]


@pytest.mark.parametrize(
    "path",
    ["/?year=2026&counties-sort=-gap", f"/regions/{DONGHAI}/?townships-sort=name&x=a%26b"],
)
def test_the_fast_header_is_django_tables2s_header(client, users, data, path):
    compared = 0
    for key, _table, fast, slow in rendered_both_ways(client, users, path, own_template_only=True):
        assert canonical(thead(fast)) == canonical(thead(slow)), key
        compared += 1
    assert compared >= 3
