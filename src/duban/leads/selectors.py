"""The sales-lead area's shared queries: a request's run-rate projection on working days, the
calibration of cooperation probabilities, the day's figures of a team."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from duban.core import calendar
from duban.leads.choices import OPEN_STAGES, RequestStatus, Stage
from duban.leads.models import LeadRequest, LeadSummary, LeadTask, SalesLead

BANDS = [(0, 20), (20, 40), (40, 60), (60, 80), (80, 101)]  # probability bands, per cent


@dataclass
class Projection:
    """Leads delivered so far against the pro-rata target on working days (S-LEAD-3)."""

    request: LeadRequest
    delivered: int
    due_so_far: int  # pro rata: accepted × working days elapsed ÷ working days in all
    projected: int  # at the current rate, by the target date
    days_done: int
    days_total: int
    # (day, done by then — None for days to come —, due by then)
    points: list[tuple[dt.date, int | None, int]] = field(default_factory=list)

    @property
    def shortfall(self) -> int:
        return max(0, (self.request.accepted or 0) - self.projected)

    def misses(self, margin_percent: int) -> bool:
        accepted = self.request.accepted or 0
        return accepted > 0 and self.shortfall > accepted * margin_percent / 100


def projection(request: LeadRequest, today: dt.date, *, points: bool = False) -> Projection | None:
    """None for a request without an agreed target."""
    if not (request.accepted and request.starts_on and request.target_on):
        return None
    days = calendar.workdays_between(request.starts_on, request.target_on)
    elapsed = [day for day in days if day <= today]
    delivered_on = list(
        SalesLead.objects.filter(request=request, delivered_on__lte=today)
        .order_by("delivered_on")
        .values_list("delivered_on", flat=True)
    )
    delivered = len(delivered_on)
    total = max(len(days), 1)
    due = round(request.accepted * len(elapsed) / total)
    if not elapsed:
        projected = delivered
    elif today >= request.target_on:
        projected = delivered
    else:
        projected = delivered + round(delivered / len(elapsed) * (total - len(elapsed)))
    found = Projection(request, delivered, due, projected, len(elapsed), total)
    if points:
        done, index = 0, 0
        for number, day in enumerate(days, start=1):
            while index < len(delivered_on) and delivered_on[index] <= day:
                done, index = done + 1, index + 1
            found.points.append(
                (day, done if day <= today else None, round(request.accepted * number / total))
            )
    return found


def due_pro_rata(request: LeadRequest, day: dt.date) -> int:
    """The leads a request owes by ``day`` as ``projection`` counts them (its ``due_so_far``,
    held to it by a test): accepted × working days elapsed ÷ working days in all; 0 without
    an agreed target."""
    if not (request.accepted and request.starts_on and request.target_on):
        return 0
    days = calendar.workdays_between(request.starts_on, request.target_on)
    elapsed = sum(1 for one in days if one <= day)
    return round(request.accepted * elapsed / max(len(days), 1))


def targeted_requests(team_ids):
    """The requests ``team_ids`` took with an agreed target (agreed, or done since)."""
    return LeadRequest.objects.filter(
        team__in=team_ids,
        status__in=[RequestStatus.AGREED, RequestStatus.DONE],
        accepted__gt=0,
        starts_on__isnull=False,
        target_on__isnull=False,
    )


def delivered_by(request_ids, day: dt.date) -> dict[int, int]:
    """The leads delivered for each request up to ``day``, in one grouped query."""
    rows = (
        SalesLead.objects.filter(request__in=request_ids, delivered_on__lte=day)
        .values("request")
        .annotate(n=Count("pk"))
    )
    return {row["request"]: row["n"] for row in rows}


def open_during(team_ids, start: dt.date, end: dt.date):
    """The leads of ``team_ids`` open at the end of a day from ``start`` to ``end``: delivered
    by ``end`` and not closed by ``start`` (a lead won or lost without a closing day counts as
    closed all along)."""
    return SalesLead.objects.filter(team__in=team_ids, delivered_on__lte=end).filter(
        Q(closed_on__gt=start) | Q(closed_on__isnull=True, stage__in=OPEN_STAGES)
    )


@dataclass
class Workload:
    """What a front team must still deliver a working day for its agreed requests, against
    what it delivered a working day lately (S-LEAD-8)."""

    team: object
    needed: float  # leads a working day, over each request's remaining working days
    pace: float  # leads delivered a working day over the last PACE_DAYS working days
    remaining: int


PACE_DAYS = 10


def workloads(teams, today: dt.date) -> list[Workload]:
    """Each team's workload with agreed requests still to deliver."""
    since = calendar.subtract_workdays(today, PACE_DAYS - 1)
    rows = []
    for team in teams:
        requests = LeadRequest.objects.filter(team=team, status="agreed", target_on__gte=today)
        needed, remaining = 0.0, 0
        for request in requests:
            if not request.accepted:
                continue
            left = max(0, request.accepted - request.leads.filter(delivered_on__lte=today).count())
            days = len(calendar.workdays_between(today, request.target_on)) or 1
            needed += left / days
            remaining += left
        if not remaining:
            continue
        delivered = SalesLead.objects.filter(team=team, delivered_on__range=(since, today)).count()
        rows.append(Workload(team, needed, delivered / PACE_DAYS, remaining))
    return rows


@dataclass
class Band:
    low: int
    high: int
    leads: int = 0
    won: int = 0
    predicted: float = 0.0  # the mean stated probability, 0–1

    @property
    def actual(self) -> float | None:
        return self.won / self.leads if self.leads else None

    @property
    def label(self) -> str:
        return f"{self.low}–{min(self.high, 100)}%"


@dataclass
class Calibration:
    """How a set of closed leads' last stated probabilities compare with what happened."""

    bands: list[Band]
    closed: int
    brier: float | None  # mean of (p − outcome)², 0 best; 0.25 is a constant 50 %


def calibration(leads) -> Calibration:
    """Over closed leads (won or lost): per probability band the mean stated probability and
    the share won, and the Brier score."""
    bands = [Band(low, high) for low, high in BANDS]
    squares, count = 0.0, 0
    for probability, stage in leads.filter(stage__in=[Stage.WON, Stage.LOST]).values_list(
        "probability", "stage"
    ):
        p, won = probability / 100, stage == Stage.WON
        band = next(b for b in bands if b.low <= probability < b.high)
        band.predicted = (band.predicted * band.leads + p) / (band.leads + 1)
        band.leads += 1
        band.won += won
        squares += (p - won) ** 2
        count += 1
    return Calibration(bands, count, squares / count if count else None)


def calibration_by_owner(leads) -> list[tuple[object, Calibration]]:
    """Each owner's calibration over their closed leads, most closed first."""
    owners = defaultdict(list)
    for lead in leads.filter(stage__in=[Stage.WON, Stage.LOST]).select_related("owner"):
        owners[lead.owner].append(lead.pk)
    rows = [
        (owner, calibration(SalesLead.objects.filter(pk__in=pks))) for owner, pks in owners.items()
    ]
    return sorted(rows, key=lambda row: -row[1].closed)


def day_figures(team, day: dt.date) -> dict:
    """The day's figures of a team that its summary shows beside the text (S-LEAD-5)."""
    tasks = LeadTask.objects.filter(team=team, date=day)
    counted = tasks.aggregate(
        n=Count("pk"),
        collected=Count("pk", filter=~Q(outcome="")),
    )
    leads = SalesLead.objects.filter(team=team)
    return {
        "tasks": counted["n"],
        "collected": counted["collected"],
        "delivered": leads.filter(delivered_on=day).count(),
        "open": leads.open().count(),
        "won": leads.filter(stage=Stage.WON, closed_on=day).count(),
    }


def latest_summaries(teams) -> dict[int, LeadSummary]:
    found = {}
    for summary in LeadSummary.objects.filter(team__in=teams).order_by("team", "-date"):
        found.setdefault(summary.team_id, summary)
    return found


def leads_for_export(user):
    """The leads table of the teams ``user`` sees (`duban export leads`): not the leads seen
    only as the back end they were delivered to, which their own team imports; so what it
    exports, the user may import again."""
    from duban.org.models import Team

    visible = SalesLead.objects.visible_to(user).values("pk")
    return SalesLead.objects.filter(pk__in=visible, team__in=Team.objects.visible_to(user))
