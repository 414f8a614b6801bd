"""The after-sales area's shared queries: a case's clock, the monthly table's rows, causes'
Pareto, time to resolve by percentile, repeat partners."""

import datetime as dt
import math
from collections import Counter, defaultdict

from django.db.models import Count
from django.utils import timezone

from duban.aftersales.choices import OPEN_CASES
from duban.aftersales.models import Case, Review
from duban.core import calendar

REPEAT_DAYS, REPEAT_CASES = 30, 3  # a partner with 3 cases in 30 days is a risk (S-AS-2)


def clock(case: Case, now: dt.datetime | None = None) -> dict:
    """Working hours left to respond and to resolve (negative: late), and hours taken."""
    now = now or timezone.now()
    found = {}
    for name, due, done in (
        ("respond", case.respond_by, case.responded_at),
        ("resolve", case.resolve_by, case.resolved_at),
    ):
        at = done or now
        left = calendar.working_hours_between(at, due) - calendar.working_hours_between(due, at)
        found[name] = {
            "due": due,
            "done": done,
            "left": round(max(left, 0), 1),
            "over": round(max(-left, 0), 1),
            "late": at > due,
        }
    found["hours_to_resolve"] = (
        round(calendar.working_hours_between(case.reported_at, case.resolved_at), 1)
        if case.resolved_at
        else None
    )
    return found


def hours_to_resolve(case: Case) -> float | None:
    if case.resolved_at is None:
        return None
    return calendar.working_hours_between(case.reported_at, case.resolved_at)


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (p50 is the median of an odd list)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def month_range(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=zone),
        dt.datetime.combine(following, dt.time(), tzinfo=zone),
    )


def cases_of_month(cases, month: dt.date):
    start, end = month_range(month)
    return cases.filter(reported_at__gte=start, reported_at__lt=end)


def table_due(month: dt.date) -> dt.date:
    """The day a month's tracking table is due back: the 5th working day of the month after
    (S-AS-4)."""
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return calendar.add_workdays(following - dt.timedelta(days=1), 5)


def teams_with_cases(month: dt.date, team_ids) -> set[int]:
    """The teams of ``team_ids`` with a case reported in ``month``: those that owe its
    tracking table (S-AS-4)."""
    cases = cases_of_month(Case.objects.filter(team_id__in=team_ids), month)
    return set(cases.order_by().values_list("team_id", flat=True).distinct())


def days_ago(days: int, today: dt.date | None = None) -> dt.datetime:
    """The start of the local day ``days`` days before ``today``: "the last 30 days"."""
    today = today or timezone.localdate()
    return dt.datetime.combine(
        today - dt.timedelta(days=days), dt.time(), tzinfo=timezone.get_current_timezone()
    )


def table_rows(team, month: dt.date) -> list[dict]:
    """The tracking table of a team and month (S-AS-4): one row a case reported that month."""
    rows = []
    cases = cases_of_month(Case.objects.filter(team=team), month).select_related("cause", "partner")
    for case in cases.order_by("reported_at"):
        hours = hours_to_resolve(case)
        rows.append(
            {
                "number": case.number,
                "reported": timezone.localtime(case.reported_at).strftime("%Y-%m-%d %H:%M"),
                "partner": case.partner.name if case.partner else "",
                "cause": case.cause.name if case.cause else "",
                "severity": case.severity,
                "status": case.status,
                "hours": round(hours, 1) if hours is not None else None,
                "resolution": case.resolution,
                "responsibility": case.responsibility,
            }
        )
    return rows


def pareto(cases) -> list[tuple[str, int, int]]:
    """(cause, cases, cumulative per cent), most frequent first."""
    counts = Counter(row["cause__name"] or "" for row in cases.values("cause__name"))
    total = sum(counts.values())
    rows, running = [], 0
    # ties by name, the blank cause last
    for cause, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] == "", kv[0])):
        running += n
        rows.append((cause, n, round(100 * running / total) if total else 0))
    return rows


def resolve_times(cases) -> dict[tuple[str, str], dict]:
    """(team name, severity) -> p50 and p90 working hours to resolve, and how many."""
    groups = defaultdict(list)
    for case in cases.filter(resolved_at__isnull=False).select_related("team"):
        groups[(case.team.name, case.severity)].append(hours_to_resolve(case))
    return {
        key: {"n": len(values), "p50": percentile(values, 0.5), "p90": percentile(values, 0.9)}
        for key, values in sorted(groups.items())
    }


def resolve_trend(cases, month: dt.date, months: int = 6) -> list[dict]:
    """Month by month up to ``month``: cases reported, of them resolved, and p50 / p90
    working hours to resolve (S-AS analysis: the trend over months)."""
    first = month.replace(day=1)
    for _back in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    start, _end = month_range(first)
    _start, end = month_range(month)
    found = defaultdict(lambda: {"n": 0, "hours": []})
    zone = timezone.get_current_timezone()
    rows = cases.filter(reported_at__gte=start, reported_at__lt=end).only(
        "reported_at", "resolved_at"
    )
    for case in rows:
        group = found[timezone.localtime(case.reported_at, zone).date().replace(day=1)]
        group["n"] += 1
        if case.resolved_at is not None:
            group["hours"].append(hours_to_resolve(case))
    trend, current = [], first
    while current <= month:
        group = found[current]
        hours = group["hours"]
        trend.append(
            {
                "month": current,
                "n": group["n"],
                "resolved": len(hours),
                "p50": percentile(hours, 0.5),
                "p90": percentile(hours, 0.9),
            }
        )
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return trend


def repeat_partners(cases, since: dt.datetime, least: int = 3) -> list[tuple[int, str, int]]:
    """(partner id, name, cases) of partners with ``least`` cases or more since ``since``."""
    rows = (
        cases.filter(reported_at__gte=since, partner__isnull=False)
        .values("partner", "partner__name")
        .annotate(n=Count("pk"))
        .filter(n__gte=least)
        .order_by("-n")
    )
    return [(row["partner"], row["partner__name"], row["n"]) for row in rows]


def since_last_review(team) -> dt.datetime | None:
    last = Review.objects.filter(team=team).order_by("-held_on").first()
    if last is None:
        return None
    return dt.datetime.combine(last.held_on, dt.time(), tzinfo=timezone.get_current_timezone())


def open_cases(cases):
    return cases.filter(status__in=OPEN_CASES)


def cases_for_export(user):
    """The after-sales register of the cases ``user`` sees (`duban export aftersales`), in the
    order of their reports: what it exports, a writer may import again changing nothing."""
    return Case.objects.visible_to(user).order_by("reported_at", "pk")
