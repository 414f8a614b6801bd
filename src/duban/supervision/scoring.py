"""What the supervision loop tells the lead scorecard (S-EVAL-1) and the dashboards.

Measures: plans submitted on time, milestones done on time, agreed times kept, check-in
results collected (目标设定与执行); a red risk answered by a plan, a returned plan resubmitted,
a resolved risk that stays resolved (灵活调整). Their items belong to the lead directly (the
plan's, check-in's, matter's or risk's lead), not to the lead's teams; a risk that names no
lead is its team's lead's (services.responsible_lead). Figures: each team's open risks by
area and level, its overdue and landed plans, its missed check-ins.
"""

import datetime as dt
from collections import defaultdict, namedtuple
from urllib.parse import urlencode

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.core import calendar
from duban.core.figures import Figure, figures
from duban.core.labels import choice_labels
from duban.core.months import month_start
from duban.core.scoring import SPLIT_BY_LEAD, Dimension, Evidence, Period, measure
from duban.core.urls import detail_url
from duban.supervision.choices import Area, CheckInStatus, PlanStatus, RiskLevel, RiskStatus
from duban.supervision.commitments import grace, missed_cutoff
from duban.supervision.filters import ACTIVE, LIVE, OVERDUE
from duban.supervision.models import Chase, CheckIn, Matter, Milestone, Plan, PlanVersion, Risk
from duban.supervision.models.checkins import agreed_moment

RISK_PLAN_WORKDAYS = 3  # a red risk is answered by a plan submitted within these working days
RESUBMIT_WORKDAYS = 2  # a returned plan is submitted again within these working days


def _md(day: dt.date) -> str:
    return f"{day:%m-%d}"


def _hm(time: dt.time) -> str:
    return f"{time:%H:%M}"


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def _days(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The moments from the start of ``start`` to the start of the day after ``end``."""
    begin = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return begin, after


def _first_submission(plan_path: str) -> Subquery:
    """When the first version of the plan at ``plan_path`` (an OuterRef) was submitted."""
    versions = PlanVersion.objects.filter(**{plan_path: OuterRef("pk")}).order_by("submitted_at")
    return Subquery(versions.values("submitted_at")[:1])


def _plan_title(plan: Plan) -> str:
    """What the plan answers: its risk's title or its matter's (select_related both)."""
    return plan.risk.shown_title if plan.risk_id else plan.matter.title


def _risks_of(period: Period):
    """The risks the lead answers: those naming them, and their teams' that name no one."""
    return Risk.objects.filter(Q(lead=period.lead) | Q(lead=None, team__in=period.team_ids))


# --- measures: 目标设定与执行 ------------------------------------------------------------------


@measure(
    "plans_on_time",
    dimension=Dimension.EXECUTION,
    label=_("方案按期提交"),
    explain=_(
        "提交期限在本期的每个方案（已取消的除外）：首次提交不晚于期限记 1，逾期提交或仍未"
        "提交记 0；期限未过又还没提交的暂不计入。"
    ),
    order=10,
)
def plans_on_time(period: Period) -> list[Evidence]:
    """Each plan demanded of the lead with its submit-by date in the period, credited by the
    local date of its first version."""
    today = timezone.localdate()
    plans = (
        Plan.objects.filter(lead=period.lead, submit_by__range=(period.start, period.end))
        .exclude(status=PlanStatus.CANCELLED)
        .annotate(first_at=_first_submission("plan"))
        .select_related("risk", "matter")
        .order_by("submit_by", "pk")
    )
    items = []
    for plan in plans:
        submitted = _local_day(plan.first_at)
        if submitted is None and plan.submit_by >= today:
            continue  # not due yet
        items.append(_plan_evidence(plan, submitted))
    return items


def _plan_evidence(plan: Plan, submitted: dt.date | None) -> Evidence:
    names = {"title": _plan_title(plan), "due": _md(plan.submit_by)}
    if submitted is None:
        label = gettext("方案「%(title)s」%(due)s 前提交，未提交") % names
    else:
        label = gettext("方案「%(title)s」%(due)s 前提交，%(done)s 提交") % {
            **names,
            "done": _md(submitted),
        }
    credit = float(submitted is not None and submitted <= plan.submit_by)
    return Evidence(label=label, credit=credit, url=plan.get_absolute_url(), day=plan.submit_by)


@measure(
    "milestones_on_time",
    dimension=Dimension.EXECUTION,
    label=_("方案节点按期完成"),
    explain=_(
        "本期到期的每个方案节点（通过审核的那一版，已取消的方案除外）：到期日前完成记 1，"
        "逾期完成或过期未完成记 0；今天及以后到期且未完成的暂不计入。"
    ),
    order=20,
)
def milestones_on_time(period: Period) -> list[Evidence]:
    """Each milestone of the approved version of the lead's plans due in the period (the
    milestones of returned versions were superseded)."""
    today = timezone.localdate()
    milestones = (
        Milestone.objects.filter(
            version__plan__lead=period.lead,
            version__decision=PlanVersion.Decision.APPROVED,
            due_date__range=(period.start, period.end),
        )
        .exclude(version__plan__status=PlanStatus.CANCELLED)
        .select_related("version__plan__risk", "version__plan__matter")
        .order_by("due_date", "pk")
    )
    return [
        _milestone_evidence(milestone)
        for milestone in milestones
        if milestone.done_on is not None or milestone.due_date < today
    ]


def _milestone_evidence(milestone: Milestone) -> Evidence:
    plan = milestone.version.plan
    names = {"plan": _plan_title(plan), "title": milestone.title, "due": _md(milestone.due_date)}
    if milestone.done_on is None:
        label = gettext("方案「%(plan)s」节点「%(title)s」%(due)s 到期，未完成") % names
    else:
        label = gettext("方案「%(plan)s」节点「%(title)s」%(due)s 到期，%(done)s 完成") % {
            **names,
            "done": _md(milestone.done_on),
        }
    credit = float(milestone.done_on is not None and milestone.done_on <= milestone.due_date)
    return Evidence(label=label, credit=credit, url=plan.get_absolute_url(), day=milestone.due_date)


# what the check-in measures read: many thousands of rows for many leads, as light rows
CheckInRow = namedtuple(
    "CheckInRow",
    "pk date agreed_time status done_at title outcome lead_id team_id team__name",
)


def _checkin_rows(checkins) -> list[CheckInRow]:
    return [CheckInRow(*values) for values in checkins.values_list(*CheckInRow._fields)]


@measure(
    "agreed_times_kept",
    dimension=Dimension.EXECUTION,
    label=_("约定沟通时间守约"),
    split=SPLIT_BY_LEAD,
    explain=_(
        "本期每个约定了沟通时间的督办跟进和督办事项（免除的跟进除外）：到约定时间（含宽限）"
        "已记录结果或催办记 1，否则记 0；改约后按新的时间算，时间未到的暂不计入。"
    ),
    order=30,
)
def agreed_times_kept(period: Period) -> list[Evidence]:
    """The lead's agreed times (S-GEN-2/3), judged as commitments.kept_and_missed judges
    them: a check-in's by its result or waiver, a matter's by a chase that day."""
    cutoff = missed_cutoff()
    items = _checkin_times(period, cutoff) + _matter_times(period, cutoff)
    return sorted(items, key=lambda item: item.day)


def _checkin_times(period: Period, cutoff: dt.datetime) -> list[Evidence]:
    checkins = (
        CheckIn.objects.filter(
            lead__in=period.leads,
            date__range=(period.start, period.end),
            agreed_time__isnull=False,
        )
        # not waived, written so that the (lead, status, date) index serves it
        .filter(status__in=[CheckInStatus.PLANNED, CheckInStatus.DONE])
        .order_by("date", "agreed_time", "pk")
    )
    items, allowed = [], grace()
    kept_text = gettext("%(day)s %(time)s 约定与%(team)s沟通「%(title)s」，按时跟进")
    missed_text = gettext("%(day)s %(time)s 约定与%(team)s沟通「%(title)s」，未按时跟进")
    for checkin in _checkin_rows(checkins):
        moment = agreed_moment(checkin.date, checkin.agreed_time)
        if moment >= cutoff and checkin.status == CheckInStatus.PLANNED:
            continue  # not due yet
        kept = checkin.done_at is not None and checkin.done_at <= moment + allowed
        names = {
            "day": _md(checkin.date),
            "time": _hm(checkin.agreed_time),
            "team": checkin.team__name,
            "title": checkin.title,
        }
        label = (kept_text if kept else missed_text) % names
        url = detail_url("supervision:checkin_detail", checkin.pk)
        items.append(
            Evidence(label, float(kept), url, checkin.date, checkin.team_id, checkin.lead_id)
        )
    return items


def _matter_times(period: Period, cutoff: dt.datetime) -> list[Evidence]:
    begin, after = _days(period.start, period.end)
    matters = Matter.objects.filter(
        owner__in=period.leads, agreed_at__gte=begin, agreed_at__lt=min(after, cutoff)
    ).order_by("agreed_at", "pk")
    chases = defaultdict(list)
    for matter_id, at in Chase.objects.filter(matter__in=matters).values_list("matter", "at"):
        chases[matter_id].append(at)
    items = []
    for matter in matters:
        agreed = timezone.localtime(matter.agreed_at)
        day_begins = timezone.make_aware(dt.datetime.combine(agreed.date(), dt.time.min))
        kept = any(day_begins <= at <= matter.agreed_at + grace() for at in chases[matter.pk])
        names = {"title": matter.title, "day": _md(agreed.date()), "time": _hm(agreed.time())}
        if kept:
            label = gettext("督办事项「%(title)s」约定 %(day)s %(time)s 沟通，按时跟进") % names
        else:
            label = gettext("督办事项「%(title)s」约定 %(day)s %(time)s 沟通，未按时跟进") % names
        url = matter.get_absolute_url()
        items.append(
            Evidence(label, float(kept), url, agreed.date(), matter.team_id, matter.owner_id)
        )
    return items


@measure(
    "checkin_results",
    dimension=Dimension.EXECUTION,
    label=_("督办跟进结果回收"),
    split=SPLIT_BY_LEAD,
    explain=_("本期今天以前的每次督办跟进（免除的除外）：已记录跟进结果记 1，仍未跟进记 0。"),
    order=40,
)
def checkin_results(period: Period) -> list[Evidence]:
    """Each check-in with the lead dated in the period before today: its result collected
    (结果回收) or not; today's is not missed yet."""
    last = min(period.end, timezone.localdate() - dt.timedelta(days=1))
    checkins = (
        CheckIn.objects.filter(lead__in=period.leads, date__range=(period.start, last))
        # not waived, written so that the (lead, status, date) index serves it
        .filter(status__in=[CheckInStatus.PLANNED, CheckInStatus.DONE])
        .order_by("date", "agreed_time", "pk")
    )
    # translated once, not for each of many thousands of rows
    texts = {
        "done": gettext("%(day)s %(team)s「%(title)s」已回收结果：%(outcome)s"),
        "open": gettext("%(day)s %(team)s「%(title)s」未跟进"),
        "followed": gettext("已跟进"),
    }
    outcome_of = choice_labels(CheckIn, "outcome")
    return [_result_evidence(row, texts, outcome_of) for row in _checkin_rows(checkins)]


def _result_evidence(checkin: CheckInRow, texts: dict, outcome_of) -> Evidence:
    done = checkin.status == CheckInStatus.DONE
    names = {"day": _md(checkin.date), "team": checkin.team__name, "title": checkin.title}
    if done:
        outcome = outcome_of(checkin.outcome) or texts["followed"]
        label = texts["done"] % {**names, "outcome": outcome}
    else:
        label = texts["open"] % names
    url = detail_url("supervision:checkin_detail", checkin.pk)
    return Evidence(label, float(done), url, checkin.date, checkin.team_id, checkin.lead_id)


# --- measures: 灵活调整 --------------------------------------------------------------------------


@measure(
    "risk_to_plan",
    dimension=Dimension.FLEXIBILITY,
    label=_("红色风险及时出方案"),
    explain=format_lazy(
        _(
            "本期发现的每个红色风险：发现后 {days} 个工作日内提交了方案记 1，没有记 0；"
            "不满 {days} 个工作日又还没有方案的暂不计入。"
        ),
        days=RISK_PLAN_WORKDAYS,
    ),
    order=50,
)
def risk_to_plan(period: Period) -> list[Evidence]:
    """Each red risk the lead answers, opened in the period (S-RES-5: force a solution),
    credited by the first version of any plan for it; the working days are counted up to
    min(end, today), so a risk opened at the end of a past period without a plan by then is
    not an item of it."""
    horizon = min(period.end, timezone.localdate())
    risks = (
        _risks_of(period)
        .filter(level=RiskLevel.RED, opened_on__range=(period.start, period.end))
        .annotate(planned_at=_first_submission("plan__risk"))
        .order_by("opened_on", "pk")
    )
    items = []
    for risk in risks:
        due = calendar.add_workdays(risk.opened_on, RISK_PLAN_WORKDAYS)
        planned = _local_day(risk.planned_at)
        on_time = planned is not None and planned <= due
        if on_time or due < horizon:
            items.append(_risk_plan_evidence(risk, due, planned, on_time))
    return items


def _risk_plan_evidence(risk: Risk, due: dt.date, planned, on_time: bool) -> Evidence:
    names = {"title": risk.shown_title, "opened": _md(risk.opened_on), "due": _md(due)}
    if planned is None:
        label = gettext("红色风险「%(title)s」%(opened)s 发现，%(due)s 前未提交方案") % names
    else:
        label = gettext(
            "红色风险「%(title)s」%(opened)s 发现，%(done)s 提交方案（期限 %(due)s）"
        ) % {**names, "done": _md(planned)}
    return Evidence(label=label, credit=float(on_time), url=risk.get_absolute_url(), day=due)


@measure(
    "plans_resubmitted",
    dimension=Dimension.FLEXIBILITY,
    label=_("退回方案及时重交"),
    explain=format_lazy(
        _(
            "本期被退回的每一版方案（已取消的方案除外）：退回后 {days} 个工作日内提交了新版"
            "记 1，没有记 0；期限未过又还没重交的暂不计入。"
        ),
        days=RESUBMIT_WORKDAYS,
    ),
    order=60,
)
def plans_resubmitted(period: Period) -> list[Evidence]:
    """Each version of the lead's plans returned in the period (by the local date of the
    review), credited by when the next version was submitted."""
    today = timezone.localdate()
    begin, after = _days(period.start, period.end)
    next_version = PlanVersion.objects.filter(plan=OuterRef("plan"), number=OuterRef("number") + 1)
    versions = (
        PlanVersion.objects.filter(
            plan__lead=period.lead,
            decision=PlanVersion.Decision.RETURNED,
            reviewed_at__gte=begin,
            reviewed_at__lt=after,
        )
        .exclude(plan__status=PlanStatus.CANCELLED)
        .annotate(again_at=Subquery(next_version.values("submitted_at")[:1]))
        .select_related("plan__risk", "plan__matter")
        .order_by("reviewed_at", "pk")
    )
    items = []
    for version in versions:
        returned = _local_day(version.reviewed_at)
        due = calendar.add_workdays(returned, RESUBMIT_WORKDAYS)
        again = _local_day(version.again_at)
        on_time = again is not None and again <= due
        if on_time or due < today:
            items.append(_resubmit_evidence(version, returned, due, again, on_time))
    return items


def _resubmit_evidence(version, returned: dt.date, due: dt.date, again, on_time) -> Evidence:
    names = {"title": _plan_title(version.plan), "returned": _md(returned), "due": _md(due)}
    if again is None:
        label = gettext("方案「%(title)s」%(returned)s 退回，%(due)s 前未重新提交") % names
    else:
        label = gettext("方案「%(title)s」%(returned)s 退回，%(done)s 重新提交（期限 %(due)s）") % {
            **names,
            "done": _md(again),
        }
    url = version.plan.get_absolute_url()
    return Evidence(label=label, credit=float(on_time), url=url, day=due)


@measure(
    "risks_no_relapse",
    dimension=Dimension.FLEXIBILITY,
    label=_("风险消除后不复发"),
    explain=_(
        "本期每次消除风险：至今没有复发记 1，又复发记 0；本期复发的风险（此前已消除或方案"
        "已落地）也记 0。"
    ),
    order=70,
)
def risks_no_relapse(period: Period) -> list[Evidence]:
    """Each resolution of a risk the lead answers in the period, kept (1) unless the risk
    relapsed after it (0), and each relapse in the period after no such resolution (0).

    A relapse clears ``resolved_on`` and only counts up ``reopened_count``, so both events are
    read from the risk's history: a resolution is a row resolved on a date of the period, a
    relapse the first row with a higher ``reopened_count`` (tick._refresh)."""
    history = Risk.history.filter(id__in=_risks_of(period).values("pk"))
    begin, after = _days(period.start, period.end)
    events = defaultdict(list)  # risk id -> [(recorded at, resolved on or None for a relapse)]
    resolutions = (
        history.filter(status=RiskStatus.RESOLVED, resolved_on__range=(period.start, period.end))
        .values("id", "resolved_on")
        .annotate(at=Min("history_date"))
        .order_by()
    )
    for row in resolutions:
        events[row["id"]].append((row["at"], row["resolved_on"]))
    relapses = (
        history.filter(reopened_count__gte=1)
        .values("id", "reopened_count")
        .annotate(at=Min("history_date"))
        .filter(at__gte=begin)
        .order_by()
    )
    for row in relapses:
        events[row["id"]].append((row["at"], None))
    risks = Risk.objects.in_bulk(list(events))
    items = [
        item
        for risk_id, its_events in events.items()
        for item in _relapse_evidence(risks[risk_id], sorted(its_events, key=_first), after)
    ]
    return sorted(items, key=lambda item: (item.day, item.label))


def _first(event: tuple) -> dt.datetime:
    return event[0]


def _relapse_evidence(risk: Risk, events: list, after: dt.datetime) -> list[Evidence]:
    """The items of one risk from its resolutions in the period and its relapses since the
    period began, in the order they were recorded."""
    items, resolved_on = [], None
    for at, resolved in events:
        if resolved is not None:
            resolved_on = resolved
        elif resolved_on is not None:  # the relapse of a resolution of the period
            items.append(_relapsed(risk, resolved_on, _local_day(at)))
            resolved_on = None
        elif at < after:  # a relapse in the period of an earlier resolution (or landed plan)
            items.append(_relapsed(risk, None, _local_day(at)))
    if resolved_on is not None:
        label = gettext("风险「%(title)s」%(day)s 消除，未复发") % {
            "title": risk.shown_title,
            "day": _md(resolved_on),
        }
        items.append(Evidence(label, 1.0, risk.get_absolute_url(), resolved_on))
    return items


def _relapsed(risk: Risk, resolved_on: dt.date | None, again: dt.date) -> Evidence:
    names = {"title": risk.shown_title, "again": _md(again)}
    if resolved_on is None:
        label = gettext("风险「%(title)s」%(again)s 复发") % names
        return Evidence(label, 0.0, risk.get_absolute_url(), again)
    label = gettext("风险「%(title)s」%(day)s 消除，%(again)s 复发") % {
        **names,
        "day": _md(resolved_on),
    }
    return Evidence(label, 0.0, risk.get_absolute_url(), resolved_on)


# --- figures -----------------------------------------------------------------------------------


def _list_url(name: str, team_id: int | None, *params: tuple[str, str]) -> str:
    """A supervision list page, filtered to the team (None: every team the reader sees)."""
    query = ([("team", team_id)] if team_id is not None else []) + list(params)
    return f"{reverse(name)}?{urlencode(query)}"


def _risk_link(area: str, level: str):
    def link(team_id: int | None, day: dt.date) -> str:
        """The team's active risks of the area and level (the list holds no past state)."""
        params = ("area", area), ("level", level), ("status", ACTIVE)
        return _list_url("supervision:risk_list", team_id, *params)

    return link


def plans_overdue_url(team_id: int | None, day: dt.date) -> str:
    """The team's plans under way: the list has no overdue filter; the late ones are those
    past their submit-by date or with a milestone past due."""
    return _list_url("supervision:plan_list", team_id, ("status", LIVE))


def plans_landed_url(team_id: int | None, day: dt.date) -> str:
    return _list_url("supervision:plan_list", team_id, ("status", PlanStatus.LANDED))


def checkins_missed_url(team_id: int | None, day: dt.date) -> str:
    params = ("status", OVERDUE), ("date_to", f"{day:%Y-%m-%d}")
    return _list_url("supervision:checkin_list", team_id, *params)


RISK_LABELS = {RiskLevel.RED: _("{area}红色风险"), RiskLevel.YELLOW: _("{area}黄色风险")}
RISK_FIGURES = [
    Figure(
        f"risks_{level}_{area}",
        area,
        format_lazy(RISK_LABELS[level], area=label),
        "条",
        link=_risk_link(area, level),
        order=10 + index,
    )
    for index, (area, label) in enumerate(Area.choices)
    for level in [RiskLevel.RED, RiskLevel.YELLOW]
]


@figures(
    *RISK_FIGURES,
    Figure("plans_overdue", Area.GENERAL, _("逾期方案"), "个", link=plans_overdue_url, order=30),
    Figure("plans_landed", Area.GENERAL, _("本月落地方案"), "个", link=plans_landed_url, order=40),
    Figure(
        "checkins_missed", Area.GENERAL, _("逾期未跟进"), "次", link=checkins_missed_url, order=50
    ),
)
def supervision_figures(team_ids: list[int], day: dt.date) -> dict[int, dict[str, int]]:
    """Each team's supervision figures on ``day``, one grouped query each.

    Risks open at the end of ``day``: opened by then and not resolved by then (``resolved_on``
    empty or later), mitigated ones (plan landed) left out as the board does. A relapse clears
    ``resolved_on`` and keeps ``opened_on``, so a relapsed risk counts as open on the days
    between its resolution and its relapse too. Plans overdue are the state now: waiting for a
    submission past their submit-by date, or approved with a milestone not done and due before
    ``day``. Plans landed are those closed as landed from the first of ``day``'s month to
    ``day``. Check-ins missed are those dated by ``day`` still not done nor waived now (today's
    are not missed yet).
    """
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for team, area, level, n in _open_risks(team_ids, day):
        found[team][f"risks_{level}_{area}"] = n
    today = timezone.localdate()
    counts = [
        ("plans_overdue", _overdue_plans(day).filter(team__in=team_ids)),
        (
            "plans_landed",
            Plan.objects.filter(
                team__in=team_ids,
                status=PlanStatus.LANDED,
                closed_on__range=(month_start(day), day),
            ),
        ),
        (
            "checkins_missed",
            CheckIn.objects.overdue(today).filter(date__lte=day, team__in=team_ids),
        ),
    ]
    for code, rows in counts:
        for team, n in rows.values_list("team").annotate(n=Count("pk")).order_by():
            found[team][code] = n
    return dict(found)


def _open_risks(team_ids: list[int], day: dt.date):
    return (
        Risk.objects.filter(team__in=team_ids, opened_on__lte=day)
        .filter(Q(resolved_on=None) | Q(resolved_on__gt=day))
        .exclude(status=RiskStatus.MITIGATED)
        .values_list("team", "area", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _overdue_plans(day: dt.date):
    late_milestones = Milestone.objects.overdue(day).values("version__plan")
    return Plan.objects.filter(
        Q(pk__in=Plan.objects.overdue_submission(day).values("pk")) | Q(pk__in=late_milestones)
    )
