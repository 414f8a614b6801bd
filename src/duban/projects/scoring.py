"""What projects tell the lead scorecard and the dashboards (S-EVAL-1, S-PRJ-1 … S-PRJ-5).

Measures judge a lead's teams' projects over a period: new projects' indicators against their
targets pro rata, milestones done by their day, summaries written on each follow-up day of
the project's class, hand-overs received by the back end in time. A thing whose deadline has
not passed yet (today's, or later) and is not kept yet is not an item: it can still be kept.
"""

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.core import calendar
from duban.core.figures import Figure, figures
from duban.core.scoring import Dimension, Evidence, Period, achieved, measure
from duban.projects import selectors
from duban.projects.choices import CycleClass, ProjectStatus
from duban.projects.choices import Period as Span
from duban.projects.models import (
    Actual,
    Indicator,
    Project,
    ProjectHandover,
    ProjectMilestone,
    ProjectSummary,
)
from duban.supervision.cadence import workdays_around
from duban.supervision.choices import Area

CENT = Decimal("0.01")
INDICATOR_FIELDS = ["name", "unit", "daily", "weekly", "monthly", "project__name"]
INDICATOR_FIELDS += ["project__team", "project__starts_on", "project__new_until"]
SCHEDULED = [ProjectStatus.ACTIVE, ProjectStatus.DONE]  # paused or cancelled: nothing is owed


def _day(day: dt.date) -> str:
    return f"{day:%m-%d}"


def _number(value: Decimal) -> str:
    value = Decimal(value).quantize(CENT)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _scheduled(team_ids):
    return Project.objects.filter(team__in=team_ids, status__in=SCHEDULED)


# --- indicators: actual against the target pro rata (S-PRJ-5) --------------------------------


@dataclass(frozen=True)
class Progress:
    """An indicator up to ``day``: its actual and its target pro rata to that day (``due``)."""

    indicator: Indicator
    day: dt.date
    actual: Decimal
    due: Decimal

    @property
    def behind(self) -> bool:
        return self.actual < self.due


class _Rates:
    """The target of a span of working days: the month's target shared over the month's
    working days, else the week's over the week's, else the day's times the days: the pro
    rata of ``selectors.forecast`` (a project started within a period is due its own days)."""

    def __init__(self, start: dt.date, end: dt.date):
        first = min(start.replace(day=1), _monday(start))
        last = max(selectors.period_of(Span.MONTH, end)[1], end + dt.timedelta(days=6))
        self.workdays = calendar.workdays_between(first, last)
        self.months = Counter(day.replace(day=1) for day in self.workdays)
        self.weeks = Counter(_monday(day) for day in self.workdays)
        self.spans = {}

    def span(self, first: dt.date, last: dt.date):
        """The working days from ``first`` to ``last``: (their number, the last, per month,
        per week), worked out once for the many indicators that share a span."""
        if (first, last) not in self.spans:
            days = self.workdays[
                bisect_left(self.workdays, first) : bisect_right(self.workdays, last)
            ]
            months = Counter(day.replace(day=1) for day in days)
            weeks = Counter(_monday(day) for day in days)
            self.spans[first, last] = (len(days), days[-1] if days else None, months, weeks)
        return self.spans[first, last]

    def due(self, indicator: Indicator, first: dt.date, last: dt.date) -> Decimal:
        number, _last, months, weeks = self.span(first, last)
        if indicator.monthly:
            shares = (indicator.monthly * n / self.months[month] for month, n in months.items())
        elif indicator.weekly:
            shares = (indicator.weekly * n / self.weeks[week] for week, n in weeks.items())
        else:
            shares = [(indicator.daily or Decimal(0)) * number]
        return sum(shares, Decimal(0)).quantize(CENT)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def indicator_progress(projects, start: dt.date, end: dt.date) -> list[Progress]:
    """Each indicator with a target of ``projects`` while new (S-PRJ-5), from ``start`` to
    ``end``: the actuals of the project's new days summed, and the target of those working
    days. Two queries."""
    if start > end:
        return []
    with_target = Q(daily__gt=0) | Q(weekly__gt=0) | Q(monthly__gt=0)
    indicators = Indicator.objects.filter(
        with_target,
        project__in=projects.filter(starts_on__lte=end, new_until__gt=start),
    )
    sums = dict(
        Actual.objects.filter(
            indicator__in=indicators,
            date__range=(start, end),
            date__gte=F("indicator__project__starts_on"),
            date__lt=F("indicator__project__new_until"),
        )
        .values("indicator")
        .annotate(total=Sum("value"))
        .order_by()
        .values_list("indicator", "total")
    )
    rates = _Rates(start, end)
    found = []
    rows = indicators.select_related("project").only(*INDICATOR_FIELDS)
    for indicator in rows:
        project = indicator.project
        first = max(start, project.starts_on)
        last = min(end, project.new_until - dt.timedelta(days=1))
        due = rates.due(indicator, first, last)
        if due > 0:
            actual = sums.get(indicator.pk) or Decimal(0)
            found.append(Progress(indicator, rates.span(first, last)[1], actual, due))
    return found


def _target_text(indicator: Indicator) -> str:
    if indicator.monthly:
        return gettext("月目标 %(n)s") % {"n": _number(indicator.monthly)}
    if indicator.weekly:
        return gettext("周目标 %(n)s") % {"n": _number(indicator.weekly)}
    return gettext("日目标 %(n)s") % {"n": _number(indicator.daily)}


def _indicator_evidence(item: Progress) -> Evidence:
    indicator = item.indicator
    label = gettext(
        "「%(project)s」%(indicator)s 截至 %(day)s 实际 %(actual)s%(unit)s，"
        "按进度应达 %(due)s%(unit)s（%(target)s）"
    ) % {
        "project": indicator.project.name,
        "indicator": indicator.name,
        "day": _day(item.day),
        "actual": _number(item.actual),
        "due": _number(item.due),
        "unit": indicator.unit,
        "target": _target_text(indicator),
    }
    url = indicator.project.get_absolute_url() + "#indicators"
    return Evidence(label, achieved(item.actual, item.due), url, item.day)


@measure(
    "project_indicators",
    dimension=Dimension.COMMITMENT,
    label=_("新项目指标完成"),
    explain=_(
        "新项目的每项有目标的指标一条：期内到昨天为止的实际 ÷ 按工作日进度应达的目标"
        "（月目标按当月工作日分摊，没有月目标用周目标、日目标），最多算 1"
    ),
    order=40,
)
def project_indicators(period: Period) -> list[Evidence]:
    """Today's actuals are not in yet: the target is due to yesterday at the latest."""
    end = min(period.end, timezone.localdate() - dt.timedelta(days=1))
    projects = Project.objects.active().filter(team__in=period.team_ids)
    return [_indicator_evidence(item) for item in indicator_progress(projects, period.start, end)]


# --- milestones (S-PRJ-2) ---------------------------------------------------------------------


def _milestone_evidence(milestone: ProjectMilestone) -> Evidence:
    values = {
        "project": milestone.project.name,
        "title": milestone.title,
        "due": _day(milestone.due_on),
        "done": _day(milestone.done_on) if milestone.done_on else "",
    }
    if milestone.done_on is None:
        label = gettext("「%(project)s」节点「%(title)s」%(due)s 到期，未完成")
    elif milestone.done_on <= milestone.due_on:
        label = gettext("「%(project)s」节点「%(title)s」%(due)s 到期，%(done)s 完成")
    else:
        label = gettext("「%(project)s」节点「%(title)s」%(due)s 到期，%(done)s 才完成")
    kept = milestone.done_on is not None and milestone.done_on <= milestone.due_on
    url = milestone.project.get_absolute_url() + "#milestones"
    return Evidence(label % values, 1.0 if kept else 0.0, url, milestone.due_on)


@measure(
    "project_milestones",
    dimension=Dimension.EXECUTION,
    label=_("项目节点按期完成"),
    explain=_("期内到期的每个项目节点一条：到期当天或之前完成算 1，逾期完成或未完成算 0"),
    order=40,
)
def project_milestones(period: Period) -> list[Evidence]:
    today = timezone.localdate()
    rows = ProjectMilestone.objects.filter(
        project__in=_scheduled(period.team_ids), due_on__range=(period.start, period.end)
    ).select_related("project")
    items = [_milestone_evidence(milestone) for milestone in rows]
    return [item for item in items if item.kept or item.day < today]


# --- summaries at the class's cadence (S-PRJ-2/3/4) -------------------------------------------


def _summary_evidence(project: Project, due: dt.date, written: list[dt.date]) -> Evidence:
    """Kept when a summary is dated the follow-up day itself: from the next day on, the
    stale-summary detector wants one dated on or after it."""
    later = min((day for day in written if day > due), default=None)
    values = {
        "project": project.name,
        "cycle": CycleClass(project.cycle).label,
        "due": _day(due),
        "later": _day(later) if later else "",
    }
    if due in written:
        label = gettext("「%(project)s」（%(cycle)s）%(due)s 按时更新综述")
    elif later:
        label = gettext("「%(project)s」（%(cycle)s）应在 %(due)s 更新综述，%(later)s 才更新")
    else:
        label = gettext("「%(project)s」（%(cycle)s）应在 %(due)s 更新综述，未更新")
    url = project.get_absolute_url() + "#summaries"
    return Evidence(label % values, 1.0 if due in written else 0.0, url, due)


@measure(
    "project_summaries",
    dimension=Dimension.IMPROVEMENT,
    label=_("项目综述按周期更新"),
    explain=_(
        "进行中项目按周期类别的每个跟进日一条（3个月内：周二、周五；3–6个月：每周首个工作日；"
        "长周期：按设定间隔）：当天写了综述算 1，否则算 0"
    ),
    order=40,
)
def project_summaries(period: Period) -> list[Evidence]:
    today = timezone.localdate()
    projects = Project.objects.active().filter(team__in=period.team_ids, starts_on__lte=period.end)
    written = defaultdict(list)
    summaries = ProjectSummary.objects.filter(project__in=projects, date__gte=period.start)
    for project_id, date in summaries.values_list("project", "date").order_by("date"):
        written[project_id].append(date)
    workdays = workdays_around(period.start, period.end)
    items = []
    for project in projects:
        for due in selectors.follow_up_days(project, period.start, period.end, workdays):
            item = _summary_evidence(project, due, written[project.pk])
            if item.kept or due < today:
                items.append(item)
    return items


# --- hand-overs to the back end (S-PRJ-2) -----------------------------------------------------


def _handover_evidence(handover: ProjectHandover, deadline: dt.date) -> Evidence:
    received = handover.received_on
    values = {
        "project": handover.project.name,
        "team": handover.to_team.name,
        "what": handover.what,
        "day": _day(handover.handed_on),
        "deadline": _day(deadline),
        "received": _day(received) if received else "",
    }
    kept = received is not None and received <= deadline
    if received is None:
        label = gettext("「%(project)s」%(day)s 交给 %(team)s 的「%(what)s」未确认接收")
    elif kept:
        label = gettext("「%(project)s」%(day)s 交给 %(team)s 的「%(what)s」%(received)s 接收")
    else:
        label = gettext(
            "「%(project)s」%(day)s 交给 %(team)s 的「%(what)s」%(received)s 才接收"
            "（应在 %(deadline)s 前）"
        )
    url = handover.project.get_absolute_url() + "#handovers"
    return Evidence(label % values, 1.0 if kept else 0.0, url, handover.handed_on)


@measure(
    "project_handovers",
    dimension=Dimension.RESOURCES,
    label=_("项目交接按时接收"),
    explain=_(
        "期内交接给后端的每次项目交接一条：后端在交接日的下一个工作日结束前确认接收算 1，否则算 0"
    ),
    order=40,
)
def project_handovers(period: Period) -> list[Evidence]:
    """Received by the end of the working day after the hand-over, as the detector allows."""
    today = timezone.localdate()
    rows = ProjectHandover.objects.filter(
        project__in=_scheduled(period.team_ids), handed_on__range=(period.start, period.end)
    ).select_related("project", "to_team")
    items = []
    for handover in rows:
        deadline = calendar.next_workday(handover.handed_on)
        item = _handover_evidence(handover, deadline)
        if item.kept or deadline < today:
            items.append(item)
    return items


# --- figures ----------------------------------------------------------------------------------


def _url(name: str, team_id: int | None) -> str:
    query = "" if team_id is None else "?" + urlencode({"team": team_id})
    return reverse(name) + query


def project_list_url(team_id: int | None, day: dt.date) -> str:
    """The team's active projects."""
    return _url("projects:project_list", team_id)


def new_project_url(team_id: int | None, day: dt.date) -> str:
    """The team's active projects that are new."""
    return _url("projects:project_list", team_id) + ("&" if team_id else "?") + "new=1"


def indicator_board_url(team_id: int | None, day: dt.date) -> str:
    """The new projects' indicator board of the team."""
    return _url("projects:indicator_board", team_id)


@figures(
    Figure("prj_active", Area.PROJECTS, _("进行中项目"), "个", link=project_list_url, order=40),
    Figure("prj_new", Area.PROJECTS, _("其中新项目"), "个", link=new_project_url, order=41),
    Figure(
        "prj_indicators", Area.PROJECTS, _("新项目指标"), "项", link=indicator_board_url, order=42
    ),
    Figure(
        "prj_indicators_behind",
        Area.PROJECTS,
        _("落后进度的指标"),
        "项",
        link=indicator_board_url,
        order=43,
    ),
)
def project_figures(team_ids: list[int], day: dt.date) -> dict[int, dict[str, int]]:
    """Projects started by ``day`` and active now (the status holds no date); new on ``day``
    by their dates. Indicators of those projects with a target, counted from the first of the
    month to ``day`` included, and those whose actual is below their target pro rata."""
    found = defaultdict(lambda: defaultdict(int))
    projects = Project.objects.active().filter(team__in=team_ids, starts_on__lte=day)
    counts = [("prj_active", projects), ("prj_new", selectors.new_projects(projects, day))]
    for code, rows in counts:
        for row in rows.values("team").annotate(n=Count("pk")).order_by():
            found[row["team"]][code] = row["n"]
    for item in indicator_progress(projects, day.replace(day=1), day):
        values = found[item.indicator.project.team_id]
        values["prj_indicators"] += 1
        values["prj_indicators_behind"] += int(item.behind)
    return {team: dict(values) for team, values in found.items()}
