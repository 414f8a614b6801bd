"""What after-sales tells the lead scorecard (S-EVAL-1) and the dashboards: cases resolved by
their deadline, responsibility decided in time, monthly tables returned, cases kept current;
and each team's open, breached and newly reported cases on a day."""

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.aftersales import selectors
from duban.aftersales.models import Case, CaseStep, MonthlyTable, Settings
from duban.core import calendar
from duban.core.figures import Figure, figures
from duban.core.scoring import Dimension, Evidence, Period, measure
from duban.org.models import Team
from duban.supervision.choices import Area

ONE_DAY = dt.timedelta(days=1)


def _start_of(day: dt.date) -> dt.datetime:
    """The first moment of the local ``day``."""
    return selectors.days_ago(0, day)


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _time(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


class Workdays:
    """The working days from ``first`` to ``last``, fetched once and searched by bisection:
    a measure counts the working days of many gaps without asking the calendar each time."""

    def __init__(self, first: dt.date, last: dt.date):
        self.days = calendar.workdays_between(first, last)

    def between(self, after: dt.date, before: dt.date) -> list[dt.date]:
        """The working days strictly after ``after`` and strictly before ``before``."""
        return self.days[bisect_right(self.days, after) : bisect_left(self.days, before)]

    def add(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (``day`` itself for 0)."""
        if count <= 0:
            return day
        return self.days[bisect_right(self.days, day) + count - 1]


# --- cases resolved by their deadline ---------------------------------------------------------


@measure(
    "cases_in_time",
    dimension=Dimension.COMMITMENT,
    label=_("售后案例按期解决"),
    explain=_("解决期限在本期内且已到的案例：期限前解决得 1，超时解决或仍未解决得 0"),
)
def cases_in_time(period: Period) -> list[Evidence]:
    """Each case whose resolution deadline fell in the period and has passed (S-AS-3)."""
    cases = Case.objects.filter(
        team_id__in=period.team_ids,
        resolve_by__gte=_start_of(period.start),
        resolve_by__lt=_start_of(period.end + ONE_DAY),
        resolve_by__lte=timezone.now(),
    )
    fields = ("number", "resolve_by", "resolved_at")
    return [_in_time(case) for case in cases.only(*fields).order_by("resolve_by", "pk")]


def _in_time(case: Case) -> Evidence:
    values = {"number": case.number, "due": _time(case.resolve_by)}
    if case.resolved_at is None:
        label, credit = gettext("%(number)s 未解决（期限 %(due)s）"), 0
    elif case.resolved_at <= case.resolve_by:
        label, credit = gettext("%(number)s %(done)s 解决（期限 %(due)s）"), 1
    else:
        label, credit = gettext("%(number)s %(done)s 才解决（期限 %(due)s）"), 0
    if case.resolved_at is not None:
        values["done"] = _time(case.resolved_at)
    return Evidence(label % values, float(credit), case.get_absolute_url(), _day(case.resolve_by))


# --- responsibility decided after the resolution ----------------------------------------------


@measure(
    "responsibility_decided",
    dimension=Dimension.FLEXIBILITY,
    label=_("解决后按时定责"),
    explain=_(
        "本期解决的案例：在设定的工作日内定责得 1，过了期限仍未定责或逾期才定责得 0；"
        "期限未到且未定责的不计"
    ),
)
def responsibility_decided(period: Period) -> list[Evidence]:
    """Each case resolved in the period, due to have its responsibility decided within the
    settings' working days of its resolution (S-AS-1)."""
    days = Settings.current().decide_within_days
    cases = Case.objects.filter(
        team_id__in=period.team_ids,
        resolved_at__gte=_start_of(period.start),
        resolved_at__lt=_start_of(period.end + ONE_DAY),
    ).only("number", "resolved_at", "responsibility", "decided_at")
    cases = list(cases.order_by("resolved_at", "pk"))
    if not cases:
        return []
    workdays = Workdays(period.start, period.end + dt.timedelta(days=2 * days + 40))
    today = timezone.localdate()
    items = (_decided(case, workdays.add(_day(case.resolved_at), days), today) for case in cases)
    return [item for item in items if item is not None]


def _decided(case: Case, due: dt.date, today: dt.date) -> Evidence | None:
    decided = _day(case.decided_at) if case.decided_at else None
    values = {"number": case.number, "resolved": f"{_day(case.resolved_at):%m-%d}"}
    values.update(due=f"{due:%m-%d}", decided=f"{decided:%m-%d}" if decided else "")
    if not case.responsibility:
        if due >= today:
            return None  # still within its time
        label, credit = gettext("%(number)s %(resolved)s 解决，未定责（期限 %(due)s）"), 0
    elif decided is None:  # decided, the day not recorded (an edit in the admin): kept
        label, credit = gettext("%(number)s %(resolved)s 解决，已定责（期限 %(due)s）"), 1
    elif decided <= due:
        label, credit = gettext("%(number)s %(resolved)s 解决，%(decided)s 定责（期限 %(due)s）"), 1
    else:
        label = gettext("%(number)s %(resolved)s 解决，%(decided)s 才定责（期限 %(due)s）")
        credit = 0
    return Evidence(label % values, float(credit), case.get_absolute_url(), due)


# --- monthly tracking tables ------------------------------------------------------------------


@measure(
    "aftersales_tables",
    dimension=Dimension.IMPROVEMENT,
    label=_("售后跟踪表按月返回"),
    explain=_(
        "有售后案例的月份，其跟踪表的期限（次月第 5 个工作日）在本期内：期限前返回得 1，"
        "逾期返回或过了期限仍未返回得 0"
    ),
)
def aftersales_tables(period: Period) -> list[Evidence]:
    """Each team's tracking table of each month whose due day fell in the period, owed by
    the teams that had cases that month, as the as_table_unreturned detector judges (S-AS-4)."""
    due = dict(_months_due(period.start, period.end))
    owed = [
        (month, team)
        for month in due
        for team in selectors.teams_with_cases(month, period.team_ids)
    ]
    if not owed:
        return []
    tables = MonthlyTable.objects.filter(team_id__in=period.team_ids, month__in=list(due))
    returned = {
        (t.month, t.team_id): t.returned_at for t in tables.only("month", "team", "returned_at")
    }
    names = dict(Team.objects.filter(pk__in=period.team_ids).values_list("pk", "name"))
    today = timezone.localdate()
    owed.sort(key=lambda key: (key[0], names[key[1]]))
    items = (
        _table(names[team], month, due[month], returned.get((month, team)), today)
        for month, team in owed
    )
    return [item for item in items if item is not None]


def _months_due(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(month, due day) of the months whose tracking table fell due from ``start`` to ``end``:
    a table is due in the month after its own."""
    found, month = [], (start.replace(day=1) - ONE_DAY).replace(day=1)
    while month < end.replace(day=1):
        due = selectors.table_due(month)
        if start <= due <= end:
            found.append((month, due))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return found


def _table(team: str, month: dt.date, due: dt.date, returned_at, today) -> Evidence | None:
    values = {"team": team, "month": f"{month:%Y-%m}", "due": f"{due:%m-%d}"}
    if returned_at is None:
        if due >= today:
            return None  # it may still be returned today
        label, credit = gettext("%(team)s %(month)s 的售后跟踪表未返回（期限 %(due)s）"), 0
    else:
        values["done"] = f"{_day(returned_at):%m-%d}"
        credit = 1 if _day(returned_at) <= due else 0
        label = (
            gettext("%(team)s %(month)s 的售后跟踪表 %(done)s 返回（期限 %(due)s）")
            if credit
            else gettext("%(team)s %(month)s 的售后跟踪表 %(done)s 才返回（期限 %(due)s）")
        )
    url = reverse("aftersales:tables") + f"?month={month:%Y-%m}"
    return Evidence(label % values, float(credit), url, due)


# --- cases kept current -----------------------------------------------------------------------


@measure(
    "case_updates",
    dimension=Dimension.EXECUTION,
    label=_("售后案例持续跟进"),
    explain=_(
        "本期内曾处于未解决状态的案例：处理记录从未连续中断设定的工作日得 1，"
        "期间曾连续这么多个工作日没有处理记录得 0"
    ),
)
def case_updates(period: Period) -> list[Evidence]:
    """Each case open on a day of the period that is over: missed when it went the settings'
    stale days without a step on a day of the period, as the as_stale detector flags it
    (S-AS-2).

    The marks of a case are its report, its steps and its resolution; a gap is the working
    days strictly between two marks, and the case is stale on the N-th day of a gap of N or
    more (N = stale_days) and every day after. Days are judged once over: up to the end of
    the period or yesterday, whichever is first."""
    days = max(Settings.current().stale_days, 1)
    stop = min(period.end + ONE_DAY, timezone.localdate())  # the first day not judged
    if stop <= period.start:
        return []
    start = _start_of(period.start)
    cases = Case.objects.filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=start),
        team_id__in=period.team_ids,
        reported_at__lt=_start_of(stop),
    )
    steps = defaultdict(list)
    rows = CaseStep.objects.filter(
        case__in=cases.values("pk"), at__gte=start, at__lt=_start_of(stop)
    )
    for case_id, at in rows.values_list("case_id", "at").order_by("at"):
        steps[case_id].append(_day(at))
    cases = cases.only("number", "reported_at", "resolved_at").annotate(
        before=Max("steps__at", filter=Q(steps__at__lt=start))
    )
    marks = [
        (case, _marks(case, steps[case.pk], stop)) for case in cases.order_by("reported_at", "pk")
    ]
    if not marks:
        return []
    workdays = Workdays(min(found[0] for _case, found in marks), stop)
    return [_kept_current(case, found, workdays, days, period) for case, found in marks]


def _marks(case: Case, steps: list[dt.date], stop: dt.date) -> list[dt.date]:
    """The report, the last step before the period, the steps in it, and where the watch ends:
    the resolution, or ``stop``."""
    end = min(_day(case.resolved_at), stop) if case.resolved_at else stop
    found = [_day(case.reported_at), *steps]
    if case.before is not None:
        found.append(_day(case.before))
    return [*sorted({day for day in found if day < end}), end]


def _kept_current(case, marks, workdays: Workdays, days: int, period: Period) -> Evidence:
    url = case.get_absolute_url()
    for last, following in zip(marks, marks[1:], strict=False):
        gap = workdays.between(last, following)
        stale = [day for day in gap[days - 1 :] if day >= period.start]
        if stale:
            label = gettext("%(number)s %(day)s 后连续 %(n)d 个工作日没有处理记录") % {
                "number": case.number,
                "day": f"{last:%m-%d}",
                "n": len(gap),
            }
            return Evidence(label, 0.0, url, stale[0])
    label = gettext("%(number)s 跟进及时，最近处理记录 %(day)s") % {
        "number": case.number,
        "day": f"{marks[-2]:%m-%d}" if len(marks) > 1 else f"{marks[-1]:%m-%d}",
    }
    return Evidence(label, 1.0, url, min(marks[-1], period.end))


# --- figures ----------------------------------------------------------------------------------


def _case_list(team_id: int | None, **params) -> str:
    query = {"team": team_id, **params} if team_id is not None else params
    return reverse("aftersales:case_list") + "?" + urlencode(query)


@figures(
    Figure(
        "as_open",
        Area.AFTERSALES,
        _("未解决的售后案例"),
        "个",
        link=lambda team, day: _case_list(team, status="open"),
    ),
    Figure(
        "as_breached",
        Area.AFTERSALES,
        _("超过解决期限的售后案例"),
        "个",
        link=lambda team, day: _case_list(team, breach="true"),
    ),
    Figure(
        "as_reported_month",
        Area.AFTERSALES,
        _("本月报告的售后案例"),
        "个",
        link=lambda team, day: _case_list(team, month=f"{day:%Y-%m}"),
    ),
)
def aftersales_figures(team_ids: list[int], day: dt.date) -> dict[int, dict[str, int]]:
    """Each team's cases at the end of ``day``, from the dates they hold: open (reported by
    then, not resolved by then), of them past their resolution deadline, and reported in the
    month up to ``day``. A reopened case has lost its earlier resolution: it counts open from
    its report."""
    end = _start_of(day + ONE_DAY)
    is_open = Q(resolved_at__isnull=True) | Q(resolved_at__gte=end)
    rows = (
        Case.objects.filter(team_id__in=team_ids, reported_at__lt=end)
        .order_by()
        .values("team_id")
        .annotate(
            as_open=Count("pk", filter=is_open),
            as_breached=Count("pk", filter=is_open & Q(resolve_by__lt=end)),
            as_reported_month=Count("pk", filter=Q(reported_at__gte=_start_of(day.replace(day=1)))),
        )
    )
    return {row.pop("team_id"): row for row in rows}
