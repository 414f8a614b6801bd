"""Months as the pages and reports take them: the first day stands for the month."""

import datetime as dt


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return add_months(month_start(day), 1) - dt.timedelta(days=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after (or before) ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def months_to(month: dt.date, count: int) -> list[dt.date]:
    """``count`` months ending with ``month``'s, oldest first."""
    return [add_months(month_start(month), -back) for back in range(count - 1, -1, -1)]


def month_param(text: str | None, today: dt.date) -> dt.date:
    """The month a page was asked for (``?month=2026-11``), else today's; nonsense, and
    years before 2000 or after 2100, are ignored."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        if 2000 <= year <= 2100:
            return dt.date(year, month, 1)
    except ValueError:
        pass
    return month_start(today)
