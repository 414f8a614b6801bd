"""What sales leads tell the lead scorecard (S-EVAL-1) and the dashboards: the requests' targets
kept pro rata, the daily tasks' results collected, the daily summaries written, the partners
followed before they report; and each team's leads delivered against its pace, and open."""

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.core import calendar
from duban.core.figures import Figure, figures
from duban.core.scoring import Dimension, Evidence, Period, achieved, measure
from duban.leads import selectors
from duban.leads.choices import OPEN_REQUESTS, RequestStatus
from duban.leads.models import LeadRequest, LeadSummary, LeadTask, PartnerCycle, SalesLead
from duban.org.models import Team
from duban.supervision.choices import Area, CheckInStatus
from duban.supervision.models import CheckIn

LOOK_BACK = dt.timedelta(days=100)  # how far the cycle detector looks for the previous report


def _md(day: dt.date) -> str:
    return f"{day:%m-%d}"


def _last_day_over(end: dt.date) -> dt.date:
    """The last day of a period that is over: ``end``, or yesterday in the running month."""
    return min(end, timezone.localdate() - dt.timedelta(days=1))


# --- measures --------------------------------------------------------------------------------


@measure(
    "lead_targets",
    dimension=Dimension.COMMITMENT,
    label=_("销线需求按进度完成"),
    explain=_(
        "期间内进行中的已定目标需求：截至期末已交付的销线 ÷ 按工作日进度应交付的数量"
        "（承接数量 × 已过工作日 ÷ 全部工作日），最多计 1；还没有应交付的不计"
    ),
)
def lead_targets(period: Period) -> list[Evidence]:
    """Each agreed request the teams work on in the period, credited with its leads delivered
    by the end against its pro-rata target then, as the shortfall detector counts (S-LEAD-3)."""
    requests = list(
        selectors.targeted_requests(period.team_ids)
        .filter(starts_on__lte=period.end, target_on__gte=period.start)
        .select_related("team", "back_team")
        .order_by("target_on", "pk")
    )
    delivered = selectors.delivered_by([r.pk for r in requests], period.end)
    items = []
    for request in requests:
        due = selectors.due_pro_rata(request, period.end)
        if not due:
            continue
        done = delivered.get(request.pk, 0)
        label = gettext(
            "%(team)s 承接 %(back)s 的「%(kind)s」：截至 %(day)s 已交付 %(done)d 条，"
            "按进度应交付 %(due)d 条，目标 %(total)d 条"
        ) % {
            "team": request.team.name,
            "back": request.back_team.name,
            "kind": request.kind,
            "day": _md(period.end),
            "done": done,
            "due": due,
            "total": request.accepted,
        }
        day = min(period.end, request.target_on)
        items.append(Evidence(label, achieved(done, due), request.get_absolute_url(), day))
    return items


@measure(
    "lead_task_results",
    dimension=Dimension.EXECUTION,
    label=_("销线任务结果回收"),
    explain=_("期间内（本月到上一个工作日）安排的每项销线任务：结果已回收计 1，未回收计 0"),
)
def lead_task_results(period: Period) -> list[Evidence]:
    """Each daily task of the teams dated in the period, up to the last working day before
    today: its result collected or not (S-LEAD-2, S-LEAD-7)."""
    last = min(period.end, calendar.previous_workday(timezone.localdate()))
    tasks = (
        LeadTask.objects.filter(team__in=period.team_ids, date__range=(period.start, last))
        .select_related("team", "assignee")
        .order_by("date", "team", "pk")
    )
    collected = gettext("%(team)s %(day)s %(who)s「%(work)s」结果已回收")
    missing = gettext("%(team)s %(day)s %(who)s「%(work)s」结果未回收")
    items = []
    for task in tasks:
        values = {
            "team": task.team.name,
            "day": _md(task.date),
            "who": task.assignee.name,
            "work": task.work,
        }
        done = bool(task.outcome)
        url = reverse("leads:tasks") + f"?team={task.team_id}&day={task.date}"
        items.append(
            Evidence((collected if done else missing) % values, float(done), url, task.date)
        )
    return items


def _working_since(team_ids, start: dt.date, end: dt.date) -> dict[int, dt.date]:
    """The teams of ``team_ids`` with lead work in the period, each since its first: a request
    taken (open, or done with its target in the period) or a lead open then."""
    requests = (
        LeadRequest.objects.filter(team__in=team_ids, raised_on__lte=end)
        .filter(Q(status__in=OPEN_REQUESTS) | Q(status=RequestStatus.DONE, target_on__gte=start))
        .values("team")
        .annotate(first=Min("raised_on"))
    )
    leads = (
        selectors.open_during(team_ids, start, end)
        .values("team")
        .annotate(first=Min("delivered_on"))
    )
    since: dict[int, dt.date] = {}
    for row in [*requests, *leads]:
        since[row["team"]] = max(start, min(row["first"], since.get(row["team"], row["first"])))
    return since


@measure(
    "lead_summary",
    dimension=Dimension.IMPROVEMENT,
    label=_("销线综述每日更新"),
    explain=_(
        "有销线工作（需求或在跟销线）的团队，期间内每个已过去的工作日："
        "当天更新了销线综述计 1，没有计 0"
    ),
)
def lead_summary(period: Period) -> list[Evidence]:
    """Each working day of the period that is over, for each team with lead work then: the
    day's summary written or not (S-LEAD-5). A team with nothing in leads has no items."""
    last = _last_day_over(period.end)
    if last < period.start:
        return []
    since = _working_since(period.team_ids, period.start, last)
    if not since:
        return []
    first = min(since.values())
    written = set(
        LeadSummary.objects.filter(team__in=since, date__range=(first, last)).values_list(
            "team", "date"
        )
    )
    names = dict(Team.objects.filter(pk__in=since).values_list("pk", "name"))
    updated = gettext("%(team)s %(day)s 的销线综述已更新")
    missing = gettext("%(team)s %(day)s 的销线综述未更新")
    items = []
    for day in calendar.workdays_between(first, last):
        for team, begins in sorted(since.items()):
            if day < begins:
                continue
            done = (team, day) in written
            label = (updated if done else missing) % {"team": names[team], "day": _md(day)}
            url = reverse("leads:summary") + f"?team={team}"
            items.append(Evidence(label, float(done), url, day))
    return items


def _follow_ups(cycles, start: dt.date, end: dt.date) -> dict[int, list[dt.date]]:
    """The days each cycle's follow-up check-ins were done, from ``start`` to ``end``."""
    found = defaultdict(list)
    rows = CheckIn.objects.filter(
        subject_type__model="partnercycle",
        subject_id__in=[cycle.pk for cycle in cycles],
        status=CheckInStatus.DONE,
        date__range=(start, end),
    ).values_list("subject_id", "date")
    for pk, day in rows:
        found[pk].append(day)
    return found


def _followed_on(done: list[dt.date], report: dt.date, previous: dt.date | None):
    """The last follow-up that counts for ``report``, as the detector judges: done after the
    ``previous`` reporting day (looking back at most LOOK_BACK) and by the reporting day."""
    since = report - LOOK_BACK
    if previous:
        since = max(since, previous + dt.timedelta(days=1))
    return max((day for day in done if since <= day <= report), default=None)


@measure(
    "partner_cycles",
    dimension=Dimension.EXECUTION,
    label=_("合作单位报计划前跟进"),
    explain=_(
        "期间内每个合作单位的报计划日：上一个报计划日之后、当天及之前已完成跟进计 1，没有跟进计 0"
    ),
)
def partner_cycles(period: Period) -> list[Evidence]:
    """Each reporting day in the period of the partners the teams follow: followed up or not,
    as the detector judges it (a follow-up done after the previous reporting day; S-LEAD-6)."""
    cycles = list(
        PartnerCycle.objects.filter(team__in=period.team_ids, is_active=True).select_related(
            "partner", "team"
        )
    )
    if not cycles:
        return []
    done = _follow_ups(cycles, period.start - LOOK_BACK, period.end)
    followed = gettext("%(team)s · %(partner)s %(day)s 报计划，%(on)s 已跟进")
    missing = gettext("%(team)s · %(partner)s %(day)s 报计划，之前没有跟进")
    items = []
    for cycle in cycles:
        reports = cycle.reporting_days(period.start - LOOK_BACK, period.end)
        for before, day in zip([None, *reports], reports, strict=False):
            if day < period.start:
                continue
            on = _followed_on(done[cycle.pk], day, before)
            values = {"team": cycle.team.name, "partner": cycle.partner.name, "day": _md(day)}
            label = followed % {**values, "on": _md(on)} if on else missing % values
            items.append(Evidence(label, float(on is not None), cycle.get_absolute_url(), day))
    return sorted(items, key=lambda item: item.day)


# --- figures ---------------------------------------------------------------------------------


def _leads_url(team_id: int | None, day: dt.date) -> str:
    """The leads delivered this month for the team's requests with an agreed target."""
    query = {"month": f"{day:%Y-%m}"} | ({"for_team": team_id} if team_id else {})
    return reverse("leads:lead_list") + "?" + urlencode(query)


def _requests_url(team_id: int | None, day: dt.date) -> str:
    """The requests the team took, those done included (their pace makes the target)."""
    query = {"show": "all"} | ({"team": team_id} if team_id else {})
    return reverse("leads:request_board") + "?" + urlencode(query)


def _open_url(team_id: int | None, day: dt.date) -> str:
    return reverse("leads:lead_list") + "?stage=open" + (f"&team={team_id}" if team_id else "")


@figures(
    Figure("leads_delivered_month", Area.LEADS, _("本月交付销线"), "条", link=_leads_url),
    Figure("leads_target_month", Area.LEADS, _("本月按进度应交付"), "条", link=_requests_url),
    Figure("leads_open", Area.LEADS, _("在跟销线"), "条", link=_open_url),
)
def leads_figures(team_ids: list[int], day: dt.date) -> dict[int, dict[str, int]]:
    """As of the end of ``day``, from the dates the data holds: the leads delivered in the
    month for the requests with an agreed target, the pro-rata target of those requests for
    the month up to ``day`` (their pace is the ratio), and the leads open then (delivered,
    not yet closed)."""
    month = day.replace(day=1)
    found: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    requests = selectors.targeted_requests(team_ids)
    delivered = (
        SalesLead.objects.filter(request__in=requests, delivered_on__range=(month, day))
        .values("request__team")
        .annotate(n=Count("pk"))
    )
    for row in delivered:
        found[row["request__team"]]["leads_delivered_month"] = row["n"]
    before = month - dt.timedelta(days=1)
    for request in requests.filter(starts_on__lte=day, target_on__gte=month):
        due = selectors.due_pro_rata(request, day) - selectors.due_pro_rata(request, before)
        found[request.team_id]["leads_target_month"] += due
    opened = selectors.open_during(team_ids, day, day).values("team").annotate(n=Count("pk"))
    for row in opened:
        found[row["team"]]["leads_open"] = row["n"]
    return {team: dict(values) for team, values in found.items()}
