"""Queries the resources pages, exports and detectors share."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Concat

from duban.core import calendar
from duban.core.paging import first_rows
from duban.org.choices import EmployeeStatus, TeamKind
from duban.org.models import Employee, Team
from duban.resources.choices import OPEN_HANDOVER, WORKABLE, HandoverStatus
from duban.resources.models import CoverDay, Handover, Numbers, Resource, Settings

ON_DUTY = [EmployeeStatus.PROBATION, EmployeeStatus.ACTIVE]
BOARD_ROWS = 30  # per column of the hand-over board; a team's own board shows the rest
MASKED = "*"  # marks a number the reader may not see in full (a stored number never starts so)


def resources_for(user):
    return Resource.objects.visible_to(user).select_related("source", "category", "team", "owner")


def full_numbers_q(user) -> Q | None:
    """The rows whose numbers ``user`` sees in full, as a filter (None: all of them)."""
    numbers = Numbers(user)
    if numbers.all:
        return None
    return Q(team__in=numbers.teams) | Q(owner__in=numbers.employee_ids)


def resources_for_export(user, *, full: bool = True):
    """What ``user`` may export, with ``phone_shown``: the number in full where they may see
    it and ``full`` is asked for, else marked to be masked."""
    rows = Resource.objects.visible_to(user)
    condition = full_numbers_q(user) if full else Q(pk__in=[])
    if condition is None:
        return rows.annotate(phone_shown=F("phone"), phone2_shown=F("phone2"))
    return rows.annotate(
        **{
            f"{name}_shown": Case(
                When(condition, then=F(name)),
                When(**{name: ""}, then=Value("")),
                default=Concat(Value(MASKED), F(name)),
            )
            for name in ("phone", "phone2")
        }
    )


def untouched_q(today: dt.date, settings: Settings) -> Q:
    """Received more than the settings' working days ago and not worked since (S-RES-4)."""
    cutoff = calendar.subtract_workdays(today, settings.worked_within_days)
    return Q(status__in=WORKABLE, received_on__lt=cutoff) & (
        Q(last_worked_on__isnull=True) | Q(last_worked_on__lt=F("received_on"))
    )


# --- days of cover (S-RES-7) -----------------------------------------------------------------


@dataclass
class Cover:
    """A team's (or a person's) workable stock against its calling capacity."""

    team: Team
    workable: int = 0
    capacity: int = 0  # calls per working day of the people on duty
    on_duty: int = 0
    incoming: int = 0  # planned hand-overs in within the projection
    outgoing: int = 0
    employee: Employee | None = None
    days: float | None = None
    projected: float | None = None  # days left at the end of the projection
    runs_out_on: dt.date | None = None
    low: bool = False
    low_soon: bool = False
    people: list = field(default_factory=list)


def _capacity(filled: int, people: int, settings: Settings) -> int:
    """A team's calls per working day: what its people's daily capacities add up to; a team
    where no one has one filled in counts the settings' default for each person on duty
    (where some have one, those without are taken not to call: the lead, the back office)."""
    return filled or people * settings.default_capacity


def cover(teams, *, today: dt.date, settings: Settings | None = None) -> list[Cover]:
    """Days of cover of each of ``teams``: workable stock (assigned, not closed, not dormant)
    over what the people on duty call in a working day; when it runs out, counted in working
    days; and what is left after the projection's working days with the hand-overs planned
    meanwhile. Three grouped queries, whatever the number of teams."""
    settings = settings or Settings.current()
    teams = list(teams)
    ids = [team.pk for team in teams]
    stock = dict(
        Resource.objects.workable()
        .filter(team__in=ids)
        .order_by()
        .values("team")
        .annotate(n=Count("*"))
        .values_list("team", "n")
    )
    duty = {
        row["team"]: row
        for row in Employee.objects.filter(team__in=ids, status__in=ON_DUTY)
        .order_by()
        .values("team")
        .annotate(people=Count("pk"), capacity=Sum("daily_capacity"))
    }
    horizon = calendar.add_workdays(today, settings.projection_days)
    planned = Handover.objects.filter(status__in=OPEN_HANDOVER, planned_on__lte=horizon).exclude(
        team=F("to_team")
    )
    incoming = dict(
        planned.filter(to_team__in=ids)
        .order_by()
        .values("to_team")
        .annotate(n=Sum("count"))
        .values_list("to_team", "n")
    )
    outgoing = dict(
        planned.filter(team__in=ids)
        .order_by()
        .values("team")
        .annotate(n=Sum("count"))
        .values_list("team", "n")
    )
    return [
        _figures(
            Cover(
                team=team,
                workable=stock.get(team.pk, 0),
                capacity=_capacity(
                    duty.get(team.pk, {}).get("capacity") or 0,
                    duty.get(team.pk, {}).get("people", 0),
                    settings,
                ),
                on_duty=duty.get(team.pk, {}).get("people", 0),
                incoming=incoming.get(team.pk, 0),
                outgoing=outgoing.get(team.pk, 0),
            ),
            today,
            settings,
        )
        for team in teams
    ]


def _figures(row: Cover, today: dt.date, settings: Settings) -> Cover:
    if not row.capacity:
        return row  # no one on duty to call: cover is not a number
    row.days = round(row.workable / row.capacity, 1)
    row.runs_out_on = calendar.add_workdays(today, int(row.days))
    after = row.workable + row.incoming - row.outgoing - settings.projection_days * row.capacity
    row.projected = round(max(after, 0) / row.capacity, 1)
    row.low = row.days < settings.min_days_cover
    row.low_soon = not row.low and row.projected < settings.min_days_cover
    return row


def cover_people(team: Team, *, today: dt.date, settings: Settings | None = None) -> list[Cover]:
    """Each person on duty in ``team``: what they hold to call against their own capacity."""
    settings = settings or Settings.current()
    held = dict(
        Resource.objects.workable()
        .filter(team=team)
        .order_by()
        .values("owner")
        .annotate(n=Count("*"))
        .values_list("owner", "n")
    )
    people = list(Employee.objects.filter(team=team, status__in=ON_DUTY).order_by("name"))
    unfilled = not any(person.daily_capacity for person in people)
    rows = []
    for person in people:
        row = Cover(team=team, employee=person, workable=held.get(person.pk, 0), on_duty=1)
        row.capacity = settings.default_capacity if unfilled else person.daily_capacity
        if row.capacity:
            row.days = round(row.workable / row.capacity, 1)
            row.low = row.days < settings.min_days_cover
        rows.append(row)
    return rows


def cover_trend(team_ids, *, today: dt.date, weeks: int = 8) -> dict[int, dict]:
    """Each team's cover recorded on the last working day recorded of each of the last
    ``weeks`` weeks, by the week's Monday (CoverDay, written by ``duban tick``)."""
    start = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    by_team = defaultdict(dict)
    for day in CoverDay.objects.filter(team__in=list(team_ids), day__range=(start, today)):
        monday = day.day - dt.timedelta(days=day.day.weekday())
        by_team[day.team_id][monday] = day  # ordered by day: the week's last one stays
    return dict(by_team)


def calling_teams():
    """The teams whose people call resources: the active telesales (front) teams."""
    return Team.objects.filter(is_active=True, kind=TeamKind.FRONT)


def cover_record(today: dt.date) -> int:
    """Record every calling team's cover for ``today`` (one row per team, kept if re-run)."""
    rows = cover(calling_teams(), today=today)
    CoverDay.objects.bulk_create(  # an upsert: two ticks at once both write, neither fails
        [
            CoverDay(team=row.team, day=today, workable=row.workable, capacity=row.capacity)
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["team", "day"],
        update_fields=["workable", "capacity"],
    )
    return len(rows)


# --- hand-overs ------------------------------------------------------------------------------


def handover_due_by(handover: Handover) -> dt.date:
    """A planned hand-over is late when not received by the end of the next working day
    (S-RES-7)."""
    return calendar.next_workday(handover.planned_on)


def handovers_for(user):
    return Handover.objects.visible_to(user).select_related(
        "team", "to_team", "from_employee", "to_employee"
    )


def handover_board(user, *, today: dt.date, team=None) -> dict[str, list[Handover]]:
    """Today's hand-overs as the supervisor and the lead follow them: late (not received by
    the end of the working day after the planned one), swaps waiting for a lead's approval,
    planned for today or yesterday, sent and waiting for the receiver, received today.
    ``team``: from or to that team only."""
    rows = handovers_for(user)
    if team is not None:
        rows = rows.filter(Q(team=team) | Q(to_team=team))
    yesterday = calendar.previous_workday(today)
    waiting = rows.filter(status__in=OPEN_HANDOVER)
    return {
        "requested": first_rows(
            waiting.filter(status=HandoverStatus.REQUESTED, planned_on__gte=yesterday).order_by(
                "planned_on", "pk"
            ),
            BOARD_ROWS,
        ),
        "late": first_rows(
            waiting.filter(planned_on__lt=yesterday).order_by("planned_on", "pk"), BOARD_ROWS
        ),
        "planned": first_rows(
            waiting.filter(status=HandoverStatus.PLANNED)
            .filter(planned_on__gte=yesterday, planned_on__lte=today)
            .order_by("planned_on", "pk"),
            BOARD_ROWS,
        ),
        "sent": first_rows(
            waiting.filter(status=HandoverStatus.SENT, planned_on__gte=yesterday).order_by(
                "sent_at", "pk"
            ),
            BOARD_ROWS,
        ),
        "received": first_rows(
            rows.filter(status=HandoverStatus.RECEIVED, received_at__date=today).order_by(
                "-received_at"
            ),
            BOARD_ROWS,
        ),
    }


def to_confirm(user):
    """Hand-overs waiting for ``user`` to confirm receipt (their phone's to-do)."""
    if not user.is_authenticated:
        return Handover.objects.none()
    return (
        Handover.objects.filter(
            to_employee__user=user, status__in=[HandoverStatus.PLANNED, HandoverStatus.SENT]
        )
        .select_related("from_employee", "team", "to_team")
        .order_by("planned_on", "pk")
    )
