"""What resources tell the lead scorecard and the dashboards (S-EVAL-1): days of cover kept
above the minimum week by week, hand-overs received on time, resources worked within their
window, the big table updated every week; and each team's workable stock, calling capacity and
hand-overs sent but not yet received."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.core import calendar
from duban.core.figures import Figure, figures
from duban.core.scoring import SPLIT_BY_TEAM, Dimension, Evidence, Period, achieved, measure
from duban.core.urls import detail_url
from duban.org.models import Team
from duban.resources import selectors
from duban.resources.choices import HandoverStatus
from duban.resources.models import CoverDay, Handover, Resource, Settings
from duban.resources.supervised import RESOURCE_TABLE
from duban.supervision.choices import Area
from duban.supervision.models import TableVersion

# how far back a past day's figures look for the last recorded cover (a long holiday has no
# working day to record on)
RECORDED_WITHIN = dt.timedelta(days=14)


def _url(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return reverse(name) + (f"?{query}" if query else "")


def _names(team_ids) -> dict[int, str]:
    return dict(Team.objects.filter(pk__in=list(team_ids)).values_list("pk", "name"))


def _mondays(start: dt.date, end: dt.date) -> list[dt.date]:
    """The Mondays of the weeks from the one holding ``start`` to the one holding ``end``."""
    monday = start - dt.timedelta(days=start.weekday())
    last = end - dt.timedelta(days=end.weekday())
    return [monday + dt.timedelta(weeks=n) for n in range((last - monday).days // 7 + 1)]


# --- measures ------------------------------------------------------------------------------


@measure(
    "cover_days",
    dimension=Dimension.RESOURCES,
    label=_("资源可用天数达标"),
    explain=_(
        "每个团队每周一项（与本期重叠的周，本周到截至日）：周内最后一次记录的可用天数"
        "（可打资源 ÷ 日呼叫能力）达到资源设置的最少天数为 1，否则按 天数 ÷ 最少天数 计；"
        "没有记录的周不计（S-RES-7）"
    ),
)
def cover_days(period: Period) -> list[Evidence]:
    """One item per team and Monday-start week overlapping the period (up to its end): the
    days of cover on the week's last recorded working day (in the running week, the last by
    the end of the period) against the settings' minimum. The pool keeps no history, so the
    days are read from what ``duban tick`` records each working day (``CoverDay``, through
    ``selectors.cover_trend``); a week without a record, or without anyone on duty to call,
    is not an item."""
    if not period.team_ids:
        return []
    weeks = len(_mondays(period.start, period.end))
    trend = selectors.cover_trend(period.team_ids, today=period.end, weeks=weeks)
    if not trend:
        return []
    minimum = Settings.current().min_days_cover
    names = _names(trend)
    items = []
    for team_id, by_week in trend.items():
        url = _url("resources:cover", team=team_id)
        for record in by_week.values():
            if record.days is None:
                continue
            label = gettext(
                "%(team)s %(day)s 可打资源 %(stock)d 条，日呼叫能力 %(capacity)d 条，"
                "够打 %(days)s 个工作日（最少 %(min)d 天）"
            ) % {
                "team": names[team_id],
                "day": f"{record.day:%m-%d}",
                "stock": record.workable,
                "capacity": record.capacity,
                "days": f"{record.days}",
                "min": minimum,
            }
            items.append(Evidence(label, achieved(record.days, minimum), url, record.day))
    return sorted(items, key=lambda item: (item.day, item.label))


@measure(
    "handovers_received",
    dimension=Dimension.RESOURCES,
    label=_("流转按时接收"),
    explain=_(
        "接收方是本人团队、计划日期在期内的流转和调换每笔一项：计划日的下一个工作日结束前"
        "确认接收为 1，逾期才接收或过了那天仍未接收为 0；还没到那天的不计，已取消的不计"
        "（S-RES-2、S-RES-3、S-RES-7）"
    ),
)
def handovers_received(period: Period) -> list[Evidence]:
    """One item per hand-over or swap to one of the lead's teams planned for a day in the
    period (the receiving side answers for receipt, as ``detectors.handover_unreceived``
    says; a hand-over within a team counts once): 1 when the receiver confirmed it by the end
    of the working day after the planned one (``selectors.handover_due_by``), 0 when later or
    not at all once that day has passed (judged as of today for a past period, whose
    hand-overs late at its end may be due after it). One not yet due is not an item; a
    cancelled one never is."""
    rows = (
        Handover.objects.filter(
            to_team__in=period.team_ids, planned_on__range=(period.start, period.end)
        )
        .exclude(status=HandoverStatus.CANCELLED)
        .select_related("to_team", "from_employee", "to_employee")
        .order_by("planned_on", "pk")
    )
    as_of = max(period.end, timezone.localdate())
    items = []
    for handover in rows:
        due = selectors.handover_due_by(handover)
        received = (
            timezone.localtime(handover.received_at).date()
            if handover.status == HandoverStatus.RECEIVED
            else None
        )
        if received is None and due >= as_of:
            continue  # its day has not passed yet
        credit = 1.0 if received is not None and received <= due else 0.0
        label = _handover_label(handover, due, received)
        items.append(Evidence(label, credit, handover.get_absolute_url(), due))
    return items


def _handover_label(handover: Handover, due: dt.date, received: dt.date | None) -> str:
    values = {
        "team": handover.to_team.name,
        "kind": handover.get_kind_display(),
        "giver": handover.from_employee.name,
        "receiver": handover.to_employee.name,
        "n": handover.count,
        "day": f"{handover.planned_on:%m-%d}",
        "due": f"{due:%m-%d}",
        "received": f"{received:%m-%d}" if received else "",
        "status": handover.get_status_display(),
    }
    if received is None:
        text = gettext(
            "%(team)s %(kind)s %(giver)s → %(receiver)s %(n)d 条，计划 %(day)s，"
            "到 %(due)s 仍未确认接收（%(status)s）"
        )
    elif received <= due:
        text = gettext(
            "%(team)s %(kind)s %(giver)s → %(receiver)s %(n)d 条，计划 %(day)s，"
            "%(received)s 确认接收"
        )
    else:
        text = gettext(
            "%(team)s %(kind)s %(giver)s → %(receiver)s %(n)d 条，计划 %(day)s，"
            "%(received)s 才确认接收（应不晚于 %(due)s）"
        )
    return text % values


@measure(
    "resources_worked",
    dimension=Dimension.RESOURCES,
    split=SPLIT_BY_TEAM,
    label=_("领取资源按时跟进"),
    explain=_(
        "每个团队一项：领取已满跟进时限（资源设置的工作日数）的可打资源中，领取后跟进过的比例；"
        "资源池不保存历史，只有截至今天的本期才有数据（S-RES-4）"
    ),
)
def resources_worked(period: Period) -> list[Evidence]:
    """One item per team of the lead holding workable resources whose window has passed
    (received more than the settings' working days ago): the share of them worked since they
    were received, i.e. not untouched as ``selectors.untouched_q`` (the detector's and the
    list filter's rule) says. A resource without a received date has no window and is left
    out. The pool keeps no history of a resource's state, so this is the state now: a period
    that ended before today has no data rather than today's figures."""
    today = timezone.localdate()
    if period.end < today or not period.team_ids:
        return []
    settings = Settings.current()
    cutoff = calendar.subtract_workdays(today, settings.worked_within_days)
    rows = (
        Resource.objects.workable()
        .filter(team__in=list(period.team_ids), received_on__lt=cutoff)
        .order_by()
        .values("team")
        .annotate(
            due=Count("pk"), untouched=Count("pk", filter=selectors.untouched_q(today, settings))
        )
    )
    counts = {row["team"]: row for row in rows}
    names = _names(counts)
    items = []
    for team_id, row in sorted(counts.items(), key=lambda kv: names[kv[0]]):
        worked = row["due"] - row["untouched"]
        label = gettext(
            "%(team)s %(day)s 领取满 %(days)d 个工作日的可打资源 %(due)d 条，已跟进 %(worked)d 条"
        ) % {
            "team": names[team_id],
            "day": f"{today:%m-%d}",
            "days": settings.worked_within_days,
            "due": row["due"],
            "worked": worked,
        }
        url = _url("resources:resource_list", team=team_id, untouched="true")
        items.append(Evidence(label, achieved(worked, row["due"]), url, today, team=team_id))
    return items


@measure(
    "big_table_weekly",
    dimension=Dimension.IMPROVEMENT,
    label=_("资源大表每周更新"),
    explain=_(
        "每个持有资源的团队每周一项（周日在期内的周）：当周有一版资源大表（按截至日期）为 1，"
        "没有为 0；进行中的一周，已更新的计 1，按超过 7 天未更新的规则已逾期的计 0，"
        "其余还没到期不计（S-RES-1）"
    ),
)
def big_table_weekly(period: Period) -> list[Evidence]:
    """One item per team that keeps the big table (holds resources, as
    ``supervised.teams_with_resources`` says, now) and Monday-start week ending in the period:
    1 when a version dated (``as_of``, what ``tables_stale`` reads) in that week was imported,
    0 when none. The running week, which ends after the period, is an item once settled: kept
    when a version is already dated in it, missed when the table is already overdue by
    ``tables_stale``'s rule (no version in the ``stale_days`` before the end of the period),
    else not yet due."""
    teams = dict(
        RESOURCE_TABLE.teams(period.end)
        .filter(pk__in=list(period.team_ids))
        .values_list("pk", "name")
    )
    if not teams:
        return []
    mondays = _mondays(period.start, period.end)
    since = min(mondays[0], period.end - dt.timedelta(days=RESOURCE_TABLE.stale_days))
    versions = defaultdict(list)
    for team_id, as_of, pk in (
        TableVersion.objects.filter(
            kind=RESOURCE_TABLE.name, team__in=list(teams), as_of__range=(since, period.end)
        )
        .order_by("as_of", "pk")
        .values_list("team", "as_of", "pk")
    ):
        versions[team_id].append((as_of, pk))
    items = []
    for monday in mondays:
        for team_id, name in sorted(teams.items(), key=lambda kv: kv[1]):
            item = _week_item(period, monday, name, versions[team_id])
            if item is not None:
                items.append(item)
    return items


def _week_item(period: Period, monday: dt.date, team: str, versions) -> Evidence | None:
    sunday = monday + dt.timedelta(days=6)
    dated = [(as_of, pk) for as_of, pk in versions if monday <= as_of <= sunday]
    if sunday > period.end and not dated:
        stale_since = period.end - dt.timedelta(days=RESOURCE_TABLE.stale_days)
        if any(as_of >= stale_since for as_of, _pk in versions):
            return None  # the running week's table is not due yet
    values = {"team": team, "week": f"{monday:%m-%d}"}
    day = min(sunday, period.end)
    if not dated:
        label = gettext("%(team)s %(week)s 当周的资源大表未更新") % values
        return Evidence(label, 0.0, _url("resources:version_list"), day)
    as_of, pk = dated[-1]
    label = gettext("%(team)s %(week)s 当周的资源大表已更新（%(day)s）") % {
        **values,
        "day": f"{as_of:%m-%d}",
    }
    return Evidence(label, 1.0, detail_url("resources:version_detail", pk), day)


# --- figures -------------------------------------------------------------------------------


def workable_url(team_id: int | None, day: dt.date) -> str:
    return _url("resources:resource_list", team=team_id, workable="true")


def cover_url(team_id: int | None, day: dt.date) -> str:
    return _url("resources:cover", team=team_id)


def handovers_url(team_id: int | None, day: dt.date) -> str:
    return _url("resources:handover_board", team=team_id)


@figures(
    Figure("res_workable", Area.RESOURCES, _("可打资源"), "条", link=workable_url),
    Figure("res_capacity", Area.RESOURCES, _("日呼叫能力"), "条", link=cover_url),
    Figure(
        "res_handovers_pending",
        Area.RESOURCES,
        _("已交出待接收的流转"),
        "笔",
        link=handovers_url,
    ),
)
def resource_figures(team_ids: list[int], day: dt.date) -> dict[int, dict[str, int]]:
    """Of each calling team (the active front teams, as the cover page counts them; other
    teams count 0): its workable stock and its calls per working day, so that days of cover
    = res_workable / res_capacity, adding up to a line's. The pool keeps no history, so a past
    day reads what ``duban tick`` recorded (the last ``CoverDay`` up to ``day``) and today, or
    a past day with no record, the state now. Of every team: the hand-overs to it sent by the
    end of ``day`` and not received by then (from their times; cancelled ones left out, when
    they were cancelled is not kept)."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for team_id, (workable, capacity) in _cover_on(team_ids, day).items():
        found[team_id]["res_workable"] = workable
        found[team_id]["res_capacity"] = capacity
    for team_id, n in _pending(team_ids, day).items():
        found[team_id]["res_handovers_pending"] = n
    return dict(found)


def _cover_on(team_ids: list[int], day: dt.date) -> dict[int, tuple[int, int]]:
    """Each calling team's (workable, capacity) as of ``day``: recorded for a past day, else
    now (``selectors.cover``)."""
    teams = selectors.calling_teams().filter(pk__in=list(team_ids))
    found = {}
    if day < timezone.localdate():
        recorded = CoverDay.objects.filter(
            team__in=teams, day__range=(day - RECORDED_WITHIN, day)
        ).values_list("team", "workable", "capacity")
        for team_id, workable, capacity in recorded:  # ordered by day: the last one stays
            found[team_id] = (workable, capacity)
    missing = teams.exclude(pk__in=list(found))
    for row in selectors.cover(missing, today=day):
        found[row.team.pk] = (row.workable, row.capacity)
    return found


def _pending(team_ids: list[int], day: dt.date) -> dict[int, int]:
    """Hand-overs to each team sent by the end of ``day`` and not received by then."""
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    rows = (
        Handover.objects.filter(to_team__in=list(team_ids), sent_at__lt=end)
        .exclude(status=HandoverStatus.CANCELLED)
        .filter(Q(received_at__isnull=True) | Q(received_at__gte=end))
    )
    return dict(
        rows.order_by().values("to_team").annotate(n=Count("pk")).values_list("to_team", "n")
    )
