"""The dates a cadence falls on: nominal days moved to the next working day (DESIGN: the loop).

daily = every working day (make-up Saturdays included); twice weekly = Tuesday and Friday;
weekly = the first working day of the week; twice monthly = the 1st and the 16th; monthly =
the first working day of the month; custom = given weekdays or days of the month.
"""

import bisect
import calendar as month_calendar
import datetime as dt

from duban.core import calendar
from duban.supervision.choices import Cadence

_SLACK = dt.timedelta(days=40)  # a nominal date before the window can move into it


def parse_numbers(text: str, low: int, high: int) -> list[int]:
    """ "1,4" or "1，4" → [1, 4]; raises ValueError naming the bad part."""
    numbers = []
    for part in text.replace("，", ",").replace("、", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not low <= int(part) <= high:
            raise ValueError(part)
        numbers.append(int(part))
    return sorted(set(numbers))


def _nominal_dates(cadence, start, end, weekdays, month_days):
    day = start
    while day <= end:
        if cadence == Cadence.TWICE_WEEKLY and day.isoweekday() in (2, 5):
            yield day
        elif cadence == Cadence.WEEKLY and day.isoweekday() == 1:
            yield day
        elif cadence == Cadence.WEEKDAYS and day.isoweekday() in weekdays:
            yield day
        elif cadence == Cadence.TWICE_MONTHLY and day.day in (1, 16):
            yield day
        elif cadence == Cadence.MONTHLY and day.day == 1:
            yield day
        elif cadence == Cadence.MONTH_DAYS and _is_month_day(day, month_days):
            yield day
        day += dt.timedelta(days=1)


def _is_month_day(day: dt.date, month_days: list[int]) -> bool:
    last = month_calendar.monthrange(day.year, day.month)[1]
    return day.day in month_days or (day.day == last and any(d > last for d in month_days))


def workdays_around(start: dt.date, end: dt.date) -> list[dt.date]:
    """The working days ``occurrences`` needs for [start, end], to load once for many rules."""
    return calendar.workdays_between(start - _SLACK, end + _SLACK)


def occurrences(cadence, start, end, *, weekdays=(), month_days=(), workdays=None):
    """The working days in [start, end] on which a rule with this cadence falls."""
    workdays = workdays_around(start, end) if workdays is None else workdays
    if cadence == Cadence.DAILY:
        return [day for day in workdays if start <= day <= end]
    dates = set()
    for nominal in _nominal_dates(cadence, start - _SLACK, end, weekdays, month_days):
        index = bisect.bisect_left(workdays, nominal)
        if index < len(workdays) and start <= workdays[index] <= end:
            dates.add(workdays[index])
    return sorted(dates)


def workdays_before(anchors, count: int, start, end, *, workdays=None) -> list:
    """The working day ``count`` working days before each anchor date, within [start, end]:
    a follow-up due ahead of each of an item's own dates (S-LEAD-6: "before each of the
    partner's plan-reporting cycles"), counting only working days strictly before it."""
    workdays = workdays_around(start, end) if workdays is None else workdays
    dates = set()
    for anchor in anchors:
        target = bisect.bisect_left(workdays, anchor) - count
        if 0 <= target < len(workdays) and start <= workdays[target] <= end:
            dates.add(workdays[target])
    return sorted(dates)
