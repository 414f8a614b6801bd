"""Keyset paging: a page of the newest rows after a key, without counting the table.

OFFSET paging reads and discards every row before the page and its page count needs a
COUNT(*) of everything that matches: at millions of rows both take seconds. A keyset page
reads the ``size`` rows after the last key shown, by the primary key's index.
"""

from dataclasses import dataclass


@dataclass
class KeysetPage:
    rows: list
    after: int | None  # the key the next page starts after; None on the last page
    first: bool  # whether this is the first page


def keyset_page(queryset, after: str | None, size: int = 50) -> KeysetPage:
    """Rows of ``queryset`` newest first (by primary key) after key ``after`` (a page's
    ``?after=``; anything but a positive number is the first page)."""
    key = int(after) if after and after.isdigit() and len(after) < 19 else None
    rows = queryset.order_by("-pk")
    if key is not None:
        rows = rows.filter(pk__lt=key)
    rows = list(rows[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows, rows[-1].pk if more else None, key is None)
