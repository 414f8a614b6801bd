"""Keyset paging: a page of the newest rows after a key, without counting the table.

OFFSET paging reads and discards every row before the page and its page count needs a
COUNT(*) of everything that matches: at millions of rows both take seconds. A keyset page
reads the ``size`` rows after the last key shown, by the primary key's index.
"""

from dataclasses import dataclass
from heapq import nlargest


@dataclass
class KeysetPage:
    rows: list
    after: int | None  # the key the next page starts after; None on the last page
    first: bool  # whether this is the first page


def keyset_page(queryset, after: str | None, size: int = 50, split=None) -> KeysetPage:
    """Rows of ``queryset`` newest first (by primary key) after key ``after`` (a page's
    ``?after=``; anything but a positive number is the first page).

    ``split`` = (field, values): read the page of each value apart and merge them, when an
    index on (field, id) serves each part at once but no index serves the whole (the rows of
    a supervisor's dozen teams, newest first across them, which a database would otherwise
    gather and sort in full)."""
    key = int(after) if after and after.isdigit() and len(after) < 19 else None
    rows = queryset.order_by("-pk")
    if key is not None:
        rows = rows.filter(pk__lt=key)
    if split is None:
        found = list(rows[: size + 1])
    else:
        field, values = split
        keys = rows.values_list("pk", flat=True)
        parts = (list(keys.filter(**{field: value})[: size + 1]) for value in values)
        chosen = nlargest(size + 1, (pk for part in parts for pk in part))
        found = list(rows.filter(pk__in=chosen)) if chosen else []
    more = len(found) > size
    found = found[:size]
    return KeysetPage(found, found[-1].pk if more else None, key is None)


class Capped(list):
    """The first rows of a list, and whether there are more (without counting them)."""

    more = False

    @property
    def more_sign(self) -> str:
        """ "+" after a count that stops at the first rows."""
        return "+" if self.more else ""


def first_rows(queryset, size: int) -> Capped:
    rows = list(queryset[: size + 1])
    result = Capped(rows[:size])
    result.more = len(rows) > size
    return result
