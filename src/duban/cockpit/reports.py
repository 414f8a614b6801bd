"""The weekly and monthly supervision report (督办周报 / 月报) of a set of teams: what was
followed, kept and missed; risks opened, forced, landed, failed; each area's key figures at
the period's start and end (from the daily snapshots); the leads' scorecards; and what needs
the executive's decision. The page, the PDF, the workbook and `duban report` share it."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.cockpit import selectors
from duban.cockpit.models import Snapshot
from duban.core import figures
from duban.core.months import add_months, month_end, month_start
from duban.org.models import Team, User
from duban.supervision.choices import (
    Area,
    CheckInStatus,
    Escalation,
    PlanStatus,
    RiskLevel,
    RiskStatus,
)
from duban.supervision.commitments import kept_and_missed
from duban.supervision.models import CheckIn, Plan, Risk
from duban.supervision.registry import ESCALATING

WEEKLY, MONTHLY = "weekly", "monthly"
KINDS = {WEEKLY: _("督办周报"), MONTHLY: _("督办月报")}


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def title(self) -> str:
        return str(KINDS[self.kind])

    @property
    def label(self) -> str:
        if self.kind == MONTHLY:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m-%d} – {self.end:%m-%d}"

    def previous(self) -> "Period":
        before = self.start - dt.timedelta(days=1)
        return period_of(self.kind, before)

    def following(self) -> "Period":
        return period_of(self.kind, self.end + dt.timedelta(days=1))


def period_of(kind: str, day: dt.date) -> Period:
    """The week (Monday to Sunday) or the month that holds ``day``."""
    if kind == MONTHLY:
        return Period(kind, month_start(day), month_end(day))
    monday = day - dt.timedelta(days=day.weekday())
    return Period(kind, monday, monday + dt.timedelta(days=6))


def last_complete(kind: str, today: dt.date) -> Period:
    """The report one writes today: last week's, or last month's."""
    if kind == MONTHLY:
        return period_of(kind, add_months(month_start(today), -1))
    return period_of(kind, today - dt.timedelta(days=today.weekday() + 1))


def report(teams, period: Period, today: dt.date) -> dict:
    """The report of ``teams`` (a Team queryset) for ``period``, as of ``today``."""
    team_ids = list(teams.values_list("pk", flat=True))
    until = min(period.end, today)
    return {
        "period": period,
        "until": until,
        "teams": list(teams.select_related("line").order_by("line__name", "name")),
        "followed": _followed(team_ids, period, until, today),
        "risks": _risks(team_ids, period, until),
        "figures": _figures(team_ids, period, until),
        "scorecards": selectors.ranking(_leads(team_ids), month_start(until), today),
        "decisions": _decisions(team_ids, period, today),
        "generated_at": timezone.localtime(),
    }


def _leads(team_ids):
    return User.objects.filter(led_teams__in=team_ids, is_active=True).distinct().order_by("name")


def _followed(team_ids, period, until, today) -> dict:
    """Check-ins of the period by team: done, waived, missed (past, not done) and to come;
    and the agreed communication times kept and missed."""
    rows = CheckIn.objects.filter(team__in=team_ids, date__range=(period.start, period.end))
    by_team: dict[str, Counter] = {}
    for name, status, day in rows.values_list("team__name", "status", "date"):
        if status == CheckInStatus.PLANNED:
            status = "missed" if day < today else "planned"
        by_team.setdefault(name, Counter())[status] += 1
    total = sum(by_team.values(), Counter())
    leads = set(_leads(team_ids).values_list("pk", flat=True))
    agreed = Counter()
    for lead, counts in kept_and_missed(period.start, until).items():
        if lead in leads:
            agreed.update(counts)
    return {
        "rows": sorted(by_team.items()),
        "total": total,
        "agreed": agreed,
    }


def _risks(team_ids, period, until) -> dict:
    """Risks opened and resolved in the period, plans demanded (倒逼), landed and failed, and
    the red risks still open at its end, by area."""
    span = (period.start, until)
    risks = Risk.objects.filter(team__in=team_ids)
    plans = Plan.objects.filter(team__in=team_ids)
    opened = Counter(risks.filter(opened_on__range=span).values_list("area", "level"))
    open_red = Counter(
        risks.filter(level=RiskLevel.RED, opened_on__lte=until)
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=until))
        .exclude(status=RiskStatus.MITIGATED)
        .values_list("area", flat=True)
    )
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(until, dt.time.max))
    rows = [
        {
            "area": Area(area).label,
            "red": opened[(area, RiskLevel.RED)],
            "yellow": opened[(area, RiskLevel.YELLOW)],
            "open_red": open_red[area],
        }
        for area in Area.values
        if opened[(area, RiskLevel.RED)] or opened[(area, RiskLevel.YELLOW)] or open_red[area]
    ]
    return {
        "rows": rows,
        "opened": sum(opened.values()),
        "resolved": risks.filter(resolved_on__range=span).count(),
        "forced": plans.filter(created_at__range=(start, end)).count(),
        "landed": plans.filter(status=PlanStatus.LANDED, closed_on__range=span).count(),
        "failed": list(
            plans.filter(status=PlanStatus.FAILED, closed_on__range=span).select_related(
                "team", "lead"
            )
        ),
        "open_red": sum(open_red.values()),
    }


def _figures(team_ids, period, until) -> dict:
    """Each key figure summed over the teams: at the last snapshot before the period and at
    the last one in it, with the change."""
    snapshots = Snapshot.objects.filter(team__in=team_ids)
    before = snapshots.filter(day__lt=period.start).aggregate(day=Max("day"))["day"]
    after = snapshots.filter(day__lte=until).aggregate(day=Max("day"))["day"]

    def sums(day):
        if day is None:
            return {}
        rows = snapshots.filter(day=day).values("code").annotate(total=Sum("value"))
        return {row["code"]: row["total"] for row in rows}

    first, last = sums(before), sums(after if after and after >= period.start else None)
    shown = []
    for code, figure in sorted(figures.FIGURES.items(), key=lambda kv: (kv[1].area, kv[1].order)):
        if code.startswith("risks_"):
            continue  # the risks have their own section
        start, end = first.get(code), last.get(code)
        if start is None and end is None:
            continue
        shown.append(
            {
                "area": Area(figure.area).label if figure.area in Area.values else "",
                "label": figure.label,
                "unit": figure.unit,
                "start": start,
                "end": end,
                "change": (end or Decimal(0)) - (start or Decimal(0))
                if start is not None and end is not None
                else None,
            }
        )
    return {"rows": shown, "from": before, "to": after}


def _decisions(team_ids, period, today) -> list[dict]:
    """What the executive should decide: items escalated to the line and still overdue, and
    plans that failed in the period."""
    found = []
    for kind in ESCALATING.values():
        for item in kind.overdue(today).filter(escalation=Escalation.SUPERVISOR):
            owner = kind.owner(item)
            if getattr(owner, "team_id", None) not in team_ids:
                continue
            found.append(
                {
                    "what": str(kind.reason),
                    "item": str(item),
                    "team": owner.team.name if owner.team_id else "",
                    "due": kind.due(item),
                    "url": item.get_absolute_url() if hasattr(item, "get_absolute_url") else "",
                }
            )
    return sorted(found, key=lambda row: (row["due"] or dt.date.min, row["team"]))


def teams_for(user, line_id: int | None = None):
    teams = Team.objects.visible_to(user).filter(is_active=True)
    return teams.filter(line_id=line_id) if line_id else teams
