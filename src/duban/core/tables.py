"""Lists shown as django-tables2 tables: ordered and paged from the request's parameters, with
the page size kept within bounds whatever the address says (?per_page=-1 or 100000)."""

from django.core.paginator import EmptyPage
from django_tables2 import Table

PER_PAGE = 50
MAX_PER_PAGE = 200


def _number(raw: str | None) -> int | None:
    """A positive whole number written in the address, else None (``-1``, ``abc``, 10**30)."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return None
    return int(raw) or None


def paginate(request, table: Table, per_page: int = PER_PAGE) -> Table:
    """Order ``table`` by ``?sort=`` and show the page ``?page=`` of ``?per_page=`` rows (at
    most MAX_PER_PAGE; nonsense is ignored, a page past the end shows the last one)."""
    table.request = request
    order_by = request.GET.getlist(table.prefixed_order_by_field)
    if order_by:
        table.order_by = order_by
    size = min(_number(request.GET.get(table.prefixed_per_page_field)) or per_page, MAX_PER_PAGE)
    page = _number(request.GET.get(table.prefixed_page_field)) or 1
    try:
        table.paginate(page=page, per_page=size)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)
    return table
