"""Working days: admin overrides, then chinese-calendar, then python-holidays.

Weekends can be working days (调休) and weekdays can be holidays, so "Monday to Friday minus
holidays" is wrong. chinese-calendar ships the State Council's data for the years it knows and
raises for later years. python-holidays (``holidays``, released monthly) knows the announced
years too, and for a year not announced yet computes the statutory and lunar holidays, without
the make-up working days nobody knows yet: such a year is *estimated*, and every page names it
in a banner until an admin types in that year's notice (see ``estimated_years``). Only a year
neither package can place falls back to Monday–Friday.
"""

import datetime as dt
import time
from functools import lru_cache

import chinese_calendar
import holidays

from duban.core.models import CalendarDay

_ONE_DAY = dt.timedelta(days=1)
_LOOKAHEAD = 40  # the longest run of rest days in a Chinese year is 9 (春节 / 国庆)


@lru_cache(maxsize=64)
def has_official_data(year: int) -> bool:
    """Whether the chinese-calendar package knows the holidays of ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=16)
def _china(year: int):
    """python-holidays' China for ``year`` (and the next: a make-up day may belong to it)."""
    try:
        return holidays.China(years=[year, year + 1], language="zh_CN")
    except (NotImplementedError, ValueError):
        return None


@lru_cache(maxsize=64)
def is_announced(year: int) -> bool:
    """Whether the State Council's holidays of ``year`` are known to a package."""
    return has_official_data(year) or year in holidays.China().special_public_holidays


@lru_cache(maxsize=8192)
def _default_is_workday(day: dt.date) -> bool:
    if has_official_data(day.year):
        return chinese_calendar.is_workday(day)
    china = _china(day.year)
    if china is not None:
        return china.is_working_day(day)
    return day.weekday() < 5


REFRESH = 60  # seconds another process's edit of the overrides takes to be seen here at most
_kept: dict = {"at": 0.0, "days": None}


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """The admin's overrides (a few dozen a year), read once a minute per process rather
    than on every page; an edit in this process is seen at once (``forget_overrides``)."""
    now = time.monotonic()
    if _kept["days"] is None or now - _kept["at"] > REFRESH:
        _kept["days"] = dict(CalendarDay.objects.values_list("date", "is_workday"))
        _kept["at"] = now
    return {day: working for day, working in _kept["days"].items() if start <= day <= end}


def forget_overrides(**kwargs) -> None:
    _kept["days"] = None


def is_workday(day: dt.date) -> bool:
    override = _overrides(day, day).get(day)
    return _default_is_workday(day) if override is None else override


def workdays_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The working days from ``start`` to ``end``, both included, in order."""
    overrides = _overrides(start, end)
    days = []
    day = start
    while day <= end:
        working = overrides[day] if day in overrides else _default_is_workday(day)
        if working:
            days.append(day)
        day += _ONE_DAY
    return days


def workday_on_or_after(day: dt.date) -> dt.date:
    """``day`` if it is a working day, else the next one: a cadence date on a rest day moves."""
    return workdays_between(day, day + dt.timedelta(days=_LOOKAHEAD))[0]


def next_workday(day: dt.date) -> dt.date:
    """The first working day strictly after ``day``."""
    return workday_on_or_after(day + _ONE_DAY)


def add_workdays(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``day`` (``day`` itself for 0)."""
    if count <= 0:
        return day
    span = dt.timedelta(days=count * 2 + _LOOKAHEAD)
    return workdays_between(day + _ONE_DAY, day + span)[count - 1]


def subtract_workdays(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day before ``day`` (``day`` itself for 0)."""
    if count <= 0:
        return day
    span = dt.timedelta(days=count * 2 + _LOOKAHEAD)
    return workdays_between(day - span, day - _ONE_DAY)[-count]


def previous_workday(day: dt.date) -> dt.date:
    """The last working day strictly before ``day``."""
    return workdays_between(day - dt.timedelta(days=_LOOKAHEAD), day - _ONE_DAY)[-1]


def estimated_years(start: dt.date, end: dt.date) -> list[int]:
    """Years in the span whose holidays no package knows as announced and no admin override
    covers: their working days are computed (lunar holidays, no make-up days)."""
    missing = [year for year in range(start.year, end.year + 1) if not is_announced(year)]
    if not missing:
        return []
    configured = {
        day.year for day in _overrides(dt.date(min(missing), 1, 1), dt.date(max(missing), 12, 31))
    }
    return [year for year in missing if year not in configured]


# --- working hours -----------------------------------------------------------------------------

DAY_STARTS, DAY_ENDS = dt.time(9, 0), dt.time(18, 0)  # the working hours of a working day


def add_working_hours(start: dt.datetime, hours: float, *, starts=DAY_STARTS, ends=DAY_ENDS):
    """The moment ``hours`` working hours after ``start`` (an aware datetime), counting only
    ``starts``–``ends`` of working days (调休 Saturdays included, holidays left out): a case
    reported on Friday at 17:00 with 2 hours to answer is due on Monday at 10:00."""
    start = _local(start)
    zone = start.tzinfo
    left = dt.timedelta(hours=hours)
    day, moment = start.date(), start.timetz().replace(tzinfo=None)
    while True:
        if is_workday(day):
            begin = max(moment, starts)
            if begin < ends:
                room = dt.datetime.combine(day, ends) - dt.datetime.combine(day, begin)
                if left <= room:
                    return dt.datetime.combine(day, begin, tzinfo=zone) + left
                left -= room
        day, moment = day + _ONE_DAY, starts


def working_hours_between(
    start: dt.datetime, end: dt.datetime, *, starts=DAY_STARTS, ends=DAY_ENDS
) -> float:
    """Working hours from ``start`` to ``end`` (0 when ``end`` is not later)."""
    if end <= start:
        return 0.0
    start, end = _local(start), _local(end)
    zone = start.tzinfo
    total = dt.timedelta()
    for day in workdays_between(start.date(), end.date()):
        begin = max(dt.datetime.combine(day, starts, tzinfo=zone), start)
        finish = min(dt.datetime.combine(day, ends, tzinfo=zone), end)
        if finish > begin:
            total += finish - begin
    return total.total_seconds() / 3600


def _local(moment: dt.datetime) -> dt.datetime:
    """An aware moment in the site's time zone (the working hours are its)."""
    from django.utils import timezone

    return timezone.localtime(moment)
