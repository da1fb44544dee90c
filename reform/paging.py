"""Bounded requests: page sizes, page numbers and numeric query parameters.

Every list page pages through here, so that no URL asks for a page of a million rows
(`?per_page=1000000`, capped at LIST_MAX_PER_PAGE) and no bad value becomes an error page: a
page size that is not a positive whole number gives the default size, a page number that is not
one gives the first page, and a page past the end gives the last page. Numeric filters read
their values with `int_param`, which also refuses numbers no database column holds (PostgreSQL's
bigint, SQLite's 64-bit integer) instead of letting the database fail on them.
"""

import re

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator

# The widest integer column of the project: bigint on PostgreSQL, integer on SQLite.
MAX_INT = 2**63 - 1
# ASCII digits only: int() also reads "٣", "１" and " 1_0 ".
_INTEGER = re.compile(r"-?[0-9]{1,19}")


def int_param(value, *, minimum: int = -MAX_INT, maximum: int = MAX_INT) -> int | None:
    """The whole number a query parameter holds, or None when it holds anything else (no
    value, text, a fraction, an exponent, a number outside minimum..maximum)."""
    if value is None:
        return None
    text = str(value).strip()
    if not _INTEGER.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def _positive(value) -> int | None:
    """A positive whole number in ASCII digits; one beyond MAX_INT counts as MAX_INT."""
    text = (value or "").strip().lstrip("0")
    if not (text.isascii() and text.isdigit()):
        return None
    return MAX_INT if len(text) > 19 else min(int(text), MAX_INT)


def page_size(request, default: int, *, field: str = "per_page") -> int:
    """Rows a page: `?per_page=` when it is a positive whole number, at most LIST_MAX_PER_PAGE."""
    asked = _positive(request.GET.get(field))
    return default if asked is None else min(asked, settings.LIST_MAX_PER_PAGE)


def page_number(request, *, field: str = "page") -> int:
    """The page asked for; 1 when it is not a positive whole number. A number past the last page
    is left to the paginator, which shows the last page."""
    return _positive(request.GET.get(field)) or 1


def paginate(request, object_list, *, per_page: int) -> Page:
    """The page of `object_list` the request asks for, within bounds."""
    paginator = Paginator(object_list, page_size(request, per_page))
    return paginator.get_page(page_number(request))


def paginate_table(request, table, *, per_page: int):
    """Sort and paginate a django-tables2 table from the request, within bounds.

    In place of django-tables2's RequestConfig, which hands any `?per_page=` to the paginator
    (a negative one fails, a huge one fetches every row).
    """
    table.request = request
    order_by = request.GET.getlist(table.prefixed_order_by_field)
    if order_by:
        table.order_by = order_by  # the table keeps only names of its sortable columns
    size = page_size(request, per_page, field=table.prefixed_per_page_field)
    try:
        table.paginate(per_page=size, page=page_number(request, field=table.prefixed_page_field))
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)
    return table


class BoundedTableMixin:
    """For list views with a django-tables2 table (before SingleTableMixin): `per_page` rows a
    page, sorted and paginated by `paginate_table`.

    The view sets `per_page`, not `paginate_by`: with `paginate_by` Django's list view would
    also paginate the rows itself, answering 404 to `?page=abc` or a page past the end.
    """

    per_page = 25

    def get_table(self, **kwargs):
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        return paginate_table(self.request, table, per_page=self.per_page)


class BoundedPageMixin:
    """For list views without a table (cards): `per_page` objects a page, within bounds.

    Django's own pagination of a ListView answers 404 to `?page=abc` and takes any
    `?per_page=`; this one shows the first page, or the last one past the end.
    """

    per_page = 25

    def get_paginate_by(self, queryset):
        return page_size(self.request, self.per_page)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(page_number(self.request))
        return paginator, page, page.object_list, page.has_other_pages()
