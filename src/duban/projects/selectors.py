"""The projects area's shared queries: each project's follow-up days by its class, indicator
projections on working days, the counts of projects by class."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from duban.core import calendar
from duban.projects.choices import CycleClass, Period, ProjectStatus
from duban.projects.models import Actual, Indicator, Project, Settings
from duban.supervision.cadence import occurrences
from duban.supervision.choices import Cadence


def new_weeks() -> int:
    return Settings.current().new_weeks


def follow_up_days(project: Project, start: dt.date, end: dt.date, workdays=None) -> list[dt.date]:
    """The working days a project is followed on from its start, by its class: Tuesday and
    Friday for three months or less (S-PRJ-2), the week's first working day for three to six
    (S-PRJ-3), and for a long one (S-PRJ-4) the first working day of every ``review_weeks``-th
    week counted from its start week (a holiday moves the day, not the count)."""
    start = max(start, project.starts_on)
    if start > end:
        return []
    if project.cycle == CycleClass.SHORT:
        return occurrences(Cadence.TWICE_WEEKLY, start, end, workdays=workdays)
    if project.cycle == CycleClass.MEDIUM:
        return occurrences(Cadence.WEEKLY, start, end, workdays=workdays)
    every = dt.timedelta(weeks=max(project.review_weeks, 1))
    monday = project.starts_on - dt.timedelta(days=project.starts_on.weekday())
    days = []
    while monday <= end:
        day = calendar.workday_on_or_after(monday)
        if start <= day <= end:
            days.append(day)
        monday += every
    return days


def last_due(project: Project, today: dt.date) -> dt.date | None:
    """The latest follow-up day before today (today's is due by its end): a summary older
    than it is stale for the class."""
    yesterday = today - dt.timedelta(days=1)
    start = today - dt.timedelta(days=7 * (project.review_weeks + 2))
    days = follow_up_days(project, start, yesterday)
    days = [day for day in days if day >= project.starts_on]
    return days[-1] if days else None


def counts_by_class(projects) -> dict[int, dict[str, int]]:
    """Team id -> class -> active projects: "how many projects, of which cycles" (S-PRJ-1)."""
    counts = defaultdict(lambda: dict.fromkeys(CycleClass.values, 0))
    rows = (
        projects.filter(status=ProjectStatus.ACTIVE).values("team", "cycle").annotate(n=Count("pk"))
    )
    for row in rows.order_by():
        counts[row["team"]][row["cycle"]] = row["n"]
    return counts


# --- indicators (S-PRJ-5) --------------------------------------------------------------------


def period_of(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The day, its week (Monday to Sunday) or its month."""
    if period == Period.DAY:
        return day, day
    if period == Period.WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


@dataclass
class Forecast:
    """An indicator over a period: its target, the actual so far, and at the pace of the
    working days elapsed what it comes to by the period's end (on working days, 调休 included)."""

    indicator: Indicator
    period: str
    start: dt.date
    end: dt.date
    target: Decimal | None
    actual: Decimal
    projected: Decimal
    elapsed: int
    total: int

    def misses(self, margin_percent: int) -> bool:
        if self.target is None or not self.target:
            return False
        return self.projected < self.target * (1 - Decimal(margin_percent) / 100)

    @property
    def light(self) -> str:
        """green, amber, red or '' (no target)."""
        if not self.target:
            return ""
        ratio = self.projected / self.target
        return "green" if ratio >= 1 else "amber" if ratio >= Decimal("0.9") else "red"


TARGET_FIELD = {Period.DAY: "daily", Period.WEEK: "weekly", Period.MONTH: "monthly"}


def forecast(indicator: Indicator, period: str, day: dt.date) -> Forecast:
    """The forecast of ``period`` around ``day``, counting actuals up to ``day``. For a day,
    the day's actual is the projection. A project that started within the period is judged
    on its own working days: the target is pro rata to them."""
    start, end = period_of(period, day)
    workdays = calendar.workdays_between(start, end)
    own = [d for d in workdays if d >= indicator.project.starts_on]
    elapsed = [d for d in own if d <= day]
    actual = indicator.actuals.filter(date__range=(start, min(day, end))).aggregate(s=Sum("value"))[
        "s"
    ] or Decimal(0)
    if period == Period.DAY or not elapsed:
        projected = actual
    else:
        projected = (actual / len(elapsed) * len(own)).quantize(Decimal("0.01"))
    target = getattr(indicator, TARGET_FIELD[period])
    if target is not None and workdays and len(own) < len(workdays) and period != Period.DAY:
        target = (target * len(own) / len(workdays)).quantize(Decimal("0.01"))
    return Forecast(
        indicator, period, start, end, target, actual, projected, len(elapsed), len(own)
    )


def board(projects, day: dt.date) -> list[tuple[Project, list[tuple[Indicator, list[Forecast]]]]]:
    """New projects' indicators: for each, yesterday's day (the last working day before
    ``day``), this week and this month."""
    yesterday = calendar.previous_workday(day)
    rows = []
    for project in projects.prefetch_related("indicators"):
        cells = [
            (
                indicator,
                [
                    forecast(indicator, Period.DAY, yesterday),
                    forecast(indicator, Period.WEEK, yesterday),
                    forecast(indicator, Period.MONTH, yesterday),
                ],
            )
            for indicator in project.indicators.all()
        ]
        rows.append((project, cells))
    return rows


def new_projects(projects, today: dt.date):
    return projects.filter(status=ProjectStatus.ACTIVE, starts_on__lte=today, new_until__gt=today)


def actuals_series(
    indicator: Indicator, start: dt.date, end: dt.date
) -> list[tuple[dt.date, Decimal | None]]:
    """(working day, actual or None) from ``start`` to ``end``: a chart's points."""
    values = dict(
        Actual.objects.filter(indicator=indicator, date__range=(start, end)).values_list(
            "date", "value"
        )
    )
    return [(day, values.get(day)) for day in calendar.workdays_between(start, end)]


def projects_for_export(user):
    """The project table of the teams ``user`` sees (`duban export projects`): not the
    projects seen only as their back end, which their own team keeps; so what it exports, the
    user may import again."""
    from duban.org.models import Team

    visible = Project.objects.visible_to(user).values("pk")
    return Project.objects.filter(pk__in=visible, team__in=Team.objects.visible_to(user))
