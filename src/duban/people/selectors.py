"""The people area's shared queries: headcount on a day from the change history, plan
against actual, staff cost, trainings by lead, talk coverage."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from duban.org.choices import EmployeeStatus, Post
from duban.org.models import Employee, Team
from duban.people.choices import ChangeKind, Sentiment
from duban.people.models import (
    BestEmployee,
    HeadcountPlan,
    RelationNote,
    Settings,
    StaffBudget,
    StaffChange,
    Talk,
    Training,
    TrainingPlan,
)

POSTS = [post for post, _label in Post.choices]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def previous_month(day: dt.date) -> dt.date:
    return month_start(month_start(day) - dt.timedelta(days=1))


def roster_for_export(user):
    """The employees ``user`` may see, former ones included, for `duban export people`."""
    return Employee.objects.visible_to(user).select_related("team")


# --- headcount from history (S-HR-1) -------------------------------------------------------


@dataclass
class Placement:
    """Where an employee stood on a day."""

    employee: Employee
    team_id: int
    post: str
    on_leave: bool


def placements(team_ids, on: dt.date) -> list[Placement]:
    """Everyone on the books of these teams on day ``on`` (joined by then, not yet left),
    read from the employees as they are now with the changes after ``on`` undone."""
    return placements_on(team_ids, [on])[on]


def placements_on(team_ids, days) -> dict[dt.date, list[Placement]]:
    """``placements`` for each of ``days``, from one read of the employees and their changes."""
    team_ids, days = set(team_ids), sorted(set(days))
    touched = StaffChange.objects.filter(Q(team__in=team_ids) | Q(from_team__in=team_ids))
    people = list(
        Employee.objects.filter(Q(team__in=team_ids) | Q(pk__in=touched.values("employee"))).only(
            "pk", "name", "team_id", "post", "status", "hire_date", "leave_date"
        )
    )
    later = defaultdict(list)
    rows = StaffChange.objects.filter(employee__in=[p.pk for p in people], date__gt=days[0])
    for change in rows.order_by("-date", "-pk"):
        later[change.employee_id].append(change)
    return {
        day: [p for p in map(_placed(later, day), people) if p and p.team_id in team_ids]
        for day in days
    }


def _placed(later, day):
    def placed(employee) -> Placement | None:
        if employee.hire_date > day or (employee.leave_date and employee.leave_date <= day):
            return None
        team_id, post = employee.team_id, employee.post
        on_leave = employee.status == EmployeeStatus.ON_LEAVE
        for change in later[employee.pk]:  # newest first: those after the day undone
            if change.date <= day:
                break
            if change.kind == ChangeKind.TRANSFER and change.from_team_id:
                team_id = change.from_team_id
            elif change.kind == ChangeKind.POST and change.from_post:
                post = change.from_post
            elif change.kind == ChangeKind.LONG_LEAVE:
                on_leave = False
            elif change.kind == ChangeKind.RETURN:
                on_leave = True
            elif change.kind == ChangeKind.JOIN:
                return None
        return Placement(employee, team_id, post, on_leave)

    return placed


def headcount(team_ids, on: dt.date) -> dict[int, dict[str, int]]:
    """Team id -> post -> people on the books on day ``on``."""
    counts = {team_id: dict.fromkeys(POSTS, 0) for team_id in team_ids}
    for placed in placements(team_ids, on):
        counts[placed.team_id][placed.post] += 1
    return counts


def planned(team_ids, on: dt.date) -> dict[int, dict[str, int | None]]:
    """Team id -> post -> planned headcount in effect on day ``on`` (None: no plan)."""
    plans = {team_id: dict.fromkeys(POSTS) for team_id in team_ids}
    rows = HeadcountPlan.objects.filter(team__in=team_ids, effective_from__lte=on).order_by(
        "team", "post", "-effective_from"
    )
    for row in rows:
        if plans[row.team_id][row.post] is None:
            plans[row.team_id][row.post] = row.count
    return plans


@dataclass
class StructureRow:
    team: Team
    actual: dict[str, int]
    plan: dict[str, int | None]
    on_leave: int = 0

    @property
    def total(self) -> int:
        return sum(self.actual.values())

    @property
    def planned_total(self) -> int | None:
        known = [n for n in self.plan.values() if n is not None]
        return sum(known) if known else None

    @property
    def gap(self) -> int | None:
        """Actual minus plan over the posts that have one (negative: short)."""
        posts = [post for post, n in self.plan.items() if n is not None]
        if not posts:
            return None
        return sum(self.actual[post] - self.plan[post] for post in posts)

    def cells(self) -> list[tuple[str, int, int | None]]:
        return [(post, self.actual[post], self.plan[post]) for post in POSTS]


def structure(teams, on: dt.date) -> list[StructureRow]:
    """Plan against actual, by post, for each team on day ``on``."""
    return structure_on(teams, [on])[on]


def structure_on(teams, days) -> dict[dt.date, list[StructureRow]]:
    """``structure`` for each of ``days``."""
    teams = list(teams)
    ids = [team.pk for team in teams]
    found = {}
    for day, placed in placements_on(ids, days).items():
        actual = {team_id: dict.fromkeys(POSTS, 0) for team_id in ids}
        leave = defaultdict(int)
        for placement in placed:
            actual[placement.team_id][placement.post] += 1
            leave[placement.team_id] += placement.on_leave
        plan = planned(ids, day)
        found[day] = [
            StructureRow(team, actual[team.pk], plan[team.pk], leave[team.pk]) for team in teams
        ]
    return found


def structure_trend(team: Team, days: list[dt.date]) -> list[tuple[dt.date, int, int | None]]:
    """(day, people on the books, planned in total) for each of ``days``."""
    rows = structure_on([team], days)
    return [(day, rows[day][0].total, rows[day][0].planned_total) for day in days]


# --- staff cost (S-HR-3) --------------------------------------------------------------------


@dataclass
class CostRow:
    team: Team
    cost: Decimal
    budget: Decimal | None
    by_post: dict[str, tuple[int, Decimal]] = field(default_factory=dict)

    @property
    def over(self) -> Decimal | None:
        if self.budget is None:
            return None
        return self.cost - self.budget


def staff_cost(
    teams, month: dt.date, *, today: dt.date, settings: Settings | None = None
) -> list[CostRow]:
    """Each team's staff cost for a month: the headcount on its last day (or today, for the
    month under way) × the standard monthly cost of each post, against its budget."""
    settings = settings or Settings.current()
    teams = list(teams)
    day = max(month_start(month), min(month_end(month), today))
    counts = headcount([team.pk for team in teams], day)
    budgets = dict(
        StaffBudget.objects.filter(team__in=teams, month=month_start(month)).values_list(
            "team_id", "amount"
        )
    )
    rows = []
    for team in teams:
        by_post = {
            post: (n, n * settings.cost_of(post)) for post, n in counts[team.pk].items() if n
        }
        cost = sum((amount for _n, amount in by_post.values()), Decimal(0))
        rows.append(CostRow(team, cost, budgets.get(team.pk), by_post))
    return rows


# --- trainings (S-HR-4) ---------------------------------------------------------------------


@dataclass
class TrainingFigures:
    training: Training
    attendees: int
    scored: int
    passed: int
    average: Decimal | None
    uptake: Decimal | None

    @property
    def pass_rate(self) -> int | None:
        """Per cent of the attendees with a result who passed."""
        return round(100 * self.passed / self.scored) if self.scored else None


def training_figures(trainings, settings: Settings | None = None) -> list[TrainingFigures]:
    settings = settings or Settings.current()
    figures = []
    for training in trainings.prefetch_related("results"):
        results = list(training.results.all())
        outcomes = [r.outcome(settings.pass_mark) for r in results]
        known = [o for o in outcomes if o is not None]
        scores = [r.score for r in results if r.score is not None]
        rated = [r.uptake for r in results if r.uptake is not None]
        figures.append(
            TrainingFigures(
                training,
                len(results),
                len(known),
                sum(known),
                (sum(scores) / len(scores)).quantize(Decimal("0.1")) if scores else None,
                (Decimal(sum(rated)) / len(rated)).quantize(Decimal("0.1")) if rated else None,
            )
        )
    return figures


def low_pass_trainings(today: dt.date, settings: Settings | None = None):
    """Trainings whose pass rate is below the bar and that no re-training has answered yet
    (S-HR-4), with their figures, held within the last 90 days."""
    settings = settings or Settings.current()
    recent = Training.objects.filter(
        held_on__gte=today - dt.timedelta(days=90), held_on__lte=today, retrainings__isnull=True
    ).select_related("team", "team__line", "lead")
    return [
        figures
        for figures in training_figures(recent, settings)
        if figures.pass_rate is not None and figures.pass_rate < settings.pass_rate_bar
    ]


@dataclass
class LeadTrainingMonth:
    team: Team
    held: int
    planned: int | None
    average: Decimal | None
    pass_rate: int | None


def training_month(teams, month: dt.date, settings: Settings | None = None):
    """Per team for a month: trainings held, planned (plans overlapping the month, pro rata
    by days), the average score and the pass rate over all their attendees."""
    settings = settings or Settings.current()
    start, end = month_start(month), month_end(month)
    rows = []
    for team in teams:
        held = Training.objects.filter(team=team, held_on__range=(start, end))
        figures = training_figures(held, settings)
        scored = sum(f.scored for f in figures)
        passed = sum(f.passed for f in figures)
        scores = [r.score for t in held for r in t.results.all() if r.score is not None]
        plans = TrainingPlan.objects.filter(team=team, starts_on__lte=end, ends_on__gte=start)
        planned = None
        for plan in plans:
            days = (plan.ends_on - plan.starts_on).days + 1
            overlap = (min(end, plan.ends_on) - max(start, plan.starts_on)).days + 1
            planned = (planned or 0) + round(plan.count * overlap / days)
        rows.append(
            LeadTrainingMonth(
                team,
                len(figures),
                planned,
                (sum(scores) / len(scores)).quantize(Decimal("0.1")) if scores else None,
                round(100 * passed / scored) if scored else None,
            )
        )
    return rows


# --- talks and best employee (S-HR-5/6) -----------------------------------------------------


@dataclass
class TalkCoverage:
    team: Team
    due: list[Employee]
    talked: dict[int, Talk]

    @property
    def missing(self) -> list[Employee]:
        return [person for person in self.due if person.pk not in self.talked]

    @property
    def percent(self) -> int | None:
        return round(100 * len(self.talked) / len(self.due)) if self.due else None


def talk_coverage(teams, month: dt.date) -> list[TalkCoverage]:
    """Per team for a month: who is due a talk (on the books for the whole month's start,
    not on long leave, not the lead) and who had one."""
    start = month_start(month)
    rows = []
    teams = list(teams)
    placed = defaultdict(list)
    for placement in placements([team.pk for team in teams], start):
        if not placement.on_leave and placement.post != Post.LEAD:
            placed[placement.team_id].append(placement.employee)
    talks = Talk.objects.filter(month=start, employee__in=[p for ps in placed.values() for p in ps])
    by_employee = {talk.employee_id: talk for talk in talks}
    for team in teams:
        due = sorted(placed[team.pk], key=lambda person: person.name)
        talked = {p.pk: by_employee[p.pk] for p in due if p.pk in by_employee}
        rows.append(TalkCoverage(team, due, talked))
    return rows


def best_employee_of(teams, month: dt.date) -> dict[int, BestEmployee]:
    rows = BestEmployee.objects.filter(team__in=teams, month=month_start(month))
    return {row.team_id: row for row in rows.select_related("winner")}


# --- relations (S-HR-7) ---------------------------------------------------------------------


def concerns(employee_ids, start: dt.date, end: dt.date) -> dict[int, list[RelationNote]]:
    rows = RelationNote.objects.filter(
        employee__in=employee_ids, sentiment=Sentiment.CONCERN, noted_on__range=(start, end)
    ).order_by("noted_on")
    found = defaultdict(list)
    for note in rows:
        found[note.employee_id].append(note)
    return found
