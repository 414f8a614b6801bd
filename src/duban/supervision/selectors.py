"""Queries behind the agenda, the lead's to-do, the risk board and the lists."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from duban.org.choices import Role
from duban.org.models import Team
from duban.supervision.choices import (
    Area,
    CheckInStatus,
    MatterStatus,
    PlanStatus,
    Priority,
    RiskLevel,
)
from duban.supervision.models import CheckIn, Matter, Milestone, Plan, Risk

NEW_RISK_DAYS = 7
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


class Capped(list):
    """The first rows of a list, and whether there are more (without counting them)."""

    more = False


def capped(queryset) -> Capped:
    rows = list(queryset[: AGENDA_ROWS + 1])
    result = Capped(rows[:AGENDA_ROWS])
    result.more = len(rows) > AGENDA_ROWS
    return result


def agenda(user, today: dt.date) -> dict:
    """今日督办: what the supervisor must do today, urgent first."""
    checkins = (
        CheckIn.objects.visible_to(user)
        .select_related("team__line", "lead")
        .only(*CHECKIN_ROW_FIELDS)
    )
    matters = Matter.objects.visible_to(user).open().select_related("team", "owner")
    plans = Plan.objects.visible_to(user).select_related("team", "lead")
    overdue = checkins.overdue(today).order_by("date", "team__name")
    today_checkins = checkins.filter(date=today).order_by(
        "-urgent", "team__line__name", "team__name", "agreed_time", "pk"
    )
    return {
        "urgent_matters": list(matters.filter(priority=Priority.URGENT).order_by("deadline")),
        "today_checkins": list(today_checkins[:AGENDA_ROWS]),
        "today_checkin_count": today_checkins.count(),
        "overdue_checkins": list(overdue[:AGENDA_ROWS]),
        "overdue_checkin_count": overdue.count(),
        "matters_due": capped(
            matters.exclude(priority=Priority.URGENT)
            .filter(deadline__lte=today)
            .order_by("deadline")
        ),
        "plans_to_review": list(plans.filter(status=PlanStatus.SUBMITTED).order_by("created_at")),
        "plans_late": list(plans.overdue_submission(today).order_by("submit_by")),
        "milestones_due": list(
            Milestone.objects.visible_to(user)
            .live()
            .filter(due_date__lte=today)
            .select_related("version__plan__team", "owner")
            .order_by("due_date")
        ),
        "new_red_risks": capped(
            Risk.objects.visible_to(user)
            .active()
            .filter(level=RiskLevel.RED, opened_on__gte=today - dt.timedelta(days=NEW_RISK_DAYS))
            .select_related("team")
            .order_by("-opened_on")
        ),
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
        "checkins": list(
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
    """The check-ins of a person's calendar: a lead's own, or all a supervisor oversees."""
    checkins = CheckIn.objects.visible_to(user).filter(date__range=(start, end))
    if user.role == Role.LEAD:
        checkins = checkins.filter(lead=user)
    return checkins.select_related("team", "lead")
