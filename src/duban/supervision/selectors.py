"""Queries behind the agenda, the lead's to-do, the risk board and the lists."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q

from duban.core import calendar
from duban.core.paging import Capped, first_rows
from duban.org.models import Team
from duban.supervision.choices import (
    LIVE_PLAN_STATUSES,
    Area,
    CheckInStatus,
    MatterStatus,
    PlanStatus,
    Priority,
    RiskLevel,
)
from duban.supervision.commitments import mark_missed, matters_missed_today, missed_today_q
from duban.supervision.models import CheckIn, Matter, Milestone, Plan, Risk, RiskItem

AGENDA_ROWS = 20  # per long list on the agenda; the rest are one click away
CALENDAR_ROWS = 300  # the calendar page's first rows; the check-in list has them all
CHECKIN_ROW_FIELDS = [  # what a row of check-ins shows (supervision/_checkins.html)
    "date",
    "agreed_time",
    "title",
    "urgent",
    "escalation",
    "channel",
    "status",
    "outcome",
    "team__name",
    "team__line__name",
    "lead__name",
    "lead__first_name",
    "lead__last_name",
    "lead__username",
]
TODO_DAYS_AHEAD = 2
LIST_LIMIT = 50


def capped(queryset) -> Capped:
    return first_rows(queryset, AGENDA_ROWS)


def agenda(user, today: dt.date, line=None) -> dict:
    """今日督办: what the supervisor must do today, urgent first; of one business line when
    ``line`` is given (S-GEN-1: by time and by line)."""
    on_line = {} if line is None else {"team__line": line}
    checkins = (
        CheckIn.objects.visible_to(user)
        .filter(**on_line)
        .select_related("team__line", "lead")
        .only(*CHECKIN_ROW_FIELDS)
    )
    matters = (
        Matter.objects.visible_to(user).filter(**on_line).open().select_related("team", "owner")
    )
    plans = Plan.objects.visible_to(user).filter(**on_line).select_related("team", "lead")
    overdue = checkins.overdue(today).order_by("date", "team__name")
    since = new_risks_since(today)
    today_checkins = checkins.filter(date=today).order_by(
        "-urgent", "team__line__name", "team__name", "agreed_time", "pk"
    )
    risks = Risk.objects.visible_to(user)
    if line is not None:
        risks = risks.filter(Q(team__line=line) | Q(team=None, line=line))
    milestones = Milestone.objects.visible_to(user)
    if line is not None:
        milestones = milestones.filter(version__plan__team__line=line)
    return {
        "urgent_matters": capped(matters.filter(priority=Priority.URGENT).order_by("deadline")),
        "today_checkins": mark_missed(today_checkins[:AGENDA_ROWS]),
        **_today_counts(today_checkins, today),
        "missed_matters": list(matters_missed_today(matters, today).order_by("agreed_at")),
        "overdue_checkins": list(overdue[:AGENDA_ROWS]),
        "overdue_checkin_count": overdue.count(),
        "matters_due": capped(
            matters.exclude(priority=Priority.URGENT)
            .filter(deadline__lte=today)
            .order_by("deadline")
        ),
        "plans_to_review": capped(plans.filter(status=PlanStatus.SUBMITTED).order_by("created_at")),
        "plans_late": capped(plans.overdue_submission(today).order_by("submit_by")),
        "milestones_due": capped(
            milestones.live()
            .filter(due_date__lte=today)
            .select_related("version__plan__team", "owner")
            .order_by("due_date")
        ),
        "new_red_risks": capped(
            risks.active()
            .filter(level=RiskLevel.RED, opened_on__gte=since)
            .select_related("team")
            .order_by("-opened_on")
        ),
        "new_risks_since": since,
    }


def todo(user, today: dt.date) -> dict:
    """我的待办: what a lead owes — plans to submit, milestones, check-ins with them, matters."""
    plans = Plan.objects.visible_to(user).filter(lead=user).select_related("team", "risk", "matter")
    return {
        "plans_to_submit": list(
            plans.filter(status__in=[PlanStatus.DEMANDED, PlanStatus.RETURNED]).order_by(
                "submit_by"
            )
        ),
        "plans_in_review": list(plans.filter(status=PlanStatus.SUBMITTED)),
        "milestones": list(
            Milestone.objects.live()
            .filter(version__plan__lead=user)
            .select_related("version__plan__team", "owner")
            .order_by("due_date")
        ),
        "checkins": mark_missed(
            CheckIn.objects.visible_to(user)
            .open()
            .filter(lead=user, date__lte=today + dt.timedelta(days=TODO_DAYS_AHEAD))
            .select_related("team", "lead")
            .order_by("date", "agreed_time")[:LIST_LIMIT]
        ),
        "matters": list(
            Matter.objects.visible_to(user)
            .open()
            .filter(owner=user)
            .exclude(status=MatterStatus.AWAITING_VERIFICATION)
            .select_related("team")
            .order_by("deadline")
        ),
    }


@dataclass
class BoardCell:
    area: str
    red: int = 0
    yellow: int = 0


def risk_board(user) -> dict:
    """Active risks counted by team × area, each count a link to its rows."""
    counts = (
        Risk.objects.visible_to(user)
        .active()
        .values_list("team_id", "area", "level")
        .annotate(n=Count("pk"))
    )
    red, yellow = defaultdict(int), defaultdict(int)
    for team_id, area, level, n in counts:
        (red if level == RiskLevel.RED else yellow)[(team_id, area)] += n

    def row(team_id):
        return [
            BoardCell(area, red[(team_id, area)], yellow[(team_id, area)]) for area in Area.values
        ]

    rows = [(team, row(team.pk)) for team in Team.objects.visible_to(user).select_related("line")]
    if any(team_id is None for team_id, _ in [*red, *yellow]):
        rows.append((None, row(None)))
    return {"areas": Area.choices, "rows": rows}


def upcoming_checkins(user, today: dt.date, days: int = 28) -> list[tuple[dt.date, list]]:
    """Open check-ins from today on, by day: the calendar of agreed times."""
    rows = (
        calendar_checkins(user, today, today + dt.timedelta(days=days))
        .filter(status=CheckInStatus.PLANNED)
        .order_by("date", "agreed_time", "team__name")
    )
    by_day = defaultdict(list)
    for checkin in rows.only(*CHECKIN_ROW_FIELDS)[:CALENDAR_ROWS]:
        by_day[checkin.date].append(checkin)
    return sorted(by_day.items())


def calendar_checkins(user, start: dt.date, end: dt.date):
    """The check-ins of a person's calendar: those they own (a supervisor's) or attend (a
    lead's), not every one a supervisor may see."""
    checkins = CheckIn.objects.visible_to(user).filter(date__range=(start, end))
    return checkins.filter(Q(owner=user) | Q(lead=user)).select_related("team", "lead")


def _today_counts(checkins, today: dt.date) -> dict:
    """Today's check-ins, and those of them past their agreed time: one query."""
    counts = checkins.order_by().aggregate(
        total=Count("pk"), missed=Count("pk", filter=missed_today_q(today))
    )
    return {"today_checkin_count": counts["total"], "missed_checkin_count": counts["missed"]}


def new_risks_since(today: dt.date) -> dt.date:
    """A risk is new on the agenda from the previous working day on: what opened since the
    supervisor last looked, a Monday counting the weekend."""
    return calendar.previous_workday(today)


def open_about(obj, user) -> dict:
    """Everything open about one object that ``user`` may see: check-ins, active risks (its
    own, and grouped risks that list it), matters and live plans."""
    subject = {"subject_type": ContentType.objects.get_for_model(obj), "subject_id": obj.pk}
    listed = RiskItem.objects.filter(risk=OuterRef("pk"), **subject)
    return {
        "checkins": list(
            CheckIn.objects.visible_to(user)
            .open()
            .filter(**subject)
            .select_related("team", "lead")
            .order_by("date")[:LIST_LIMIT]
        ),
        "risks": list(
            Risk.objects.visible_to(user)
            .active()
            .filter(Q(**subject) | Q(Exists(listed)))
            .select_related("team", "lead")
            .order_by("level", "-opened_on")[:LIST_LIMIT]
        ),
        "matters": list(
            Matter.objects.visible_to(user)
            .open()
            .filter(**subject)
            .select_related("team", "owner")
            .order_by("deadline")[:LIST_LIMIT]
        ),
        "plans": list(
            Plan.objects.visible_to(user)
            .filter(status__in=LIVE_PLAN_STATUSES, **subject)
            .select_related("team", "lead")
            .order_by("submit_by")[:LIST_LIMIT]
        ),
    }
