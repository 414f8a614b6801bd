"""Project risks (S-PRJ-1 … S-PRJ-5), found in the projects, their summaries, hand-overs,
milestones and indicators for the loop."""

import datetime as dt

from django.utils.translation import gettext_noop

from duban.core import calendar
from duban.core.labels import as_msgid
from duban.projects import selectors
from duban.projects.choices import CycleClass, Period
from duban.projects.models import Project, ProjectHandover, Settings
from duban.supervision.choices import Area, CheckInStatus, RiskLevel
from duban.supervision.models import CheckIn
from duban.supervision.registry import Signal, SignalItem, detector, message, per_team


def _active():
    return Project.objects.active().select_related("team__line")


def _signal(project, key, level, title, evidence=()):
    return Signal(
        key=key,
        level=level,
        title=title,
        evidence=list(evidence),
        team_id=project.team_id,
        line_id=project.team.line_id,
        subject=project,
        subject_label=project.name,
        subject_url=project.get_absolute_url(),
        lead_id=project.lead_id,
    )


@detector("prj_behind_schedule", area=Area.PROJECTS, seed_ref="S-PRJ-2")
def behind_schedule(today: dt.date):
    """Milestones past their day and not done: the project is behind its schedule."""
    for project in _active().prefetch_related("milestones"):
        late = [m for m in project.milestones.all() if m.due_on < today and not m.done_on]
        if not late:
            continue
        yield _signal(
            project,
            f"prj-behind:project:{project.pk}",
            RiskLevel.RED,
            message(
                gettext_noop("项目「%(name)s」有 %(n)d 个节点过期未完成"),
                name=project.name,
                n=len(late),
            ),
            [
                message(
                    gettext_noop("%(title)s：应于 %(day)s 完成"), title=m.title, day=f"{m.due_on}"
                )
                for m in late[:10]
            ],
        )


@detector("prj_summary_stale", area=Area.PROJECTS, seed_ref="S-PRJ-3")
def summary_stale(today: dt.date):
    """No summary since the last day the project's class has it followed on."""
    items = []
    for project in _active().prefetch_related("summaries"):
        due = selectors.last_due(project, today)
        if due is None:
            continue
        latest = max((s.date for s in project.summaries.all()), default=None)
        if latest is not None and latest >= due:
            continue
        label = message(
            gettext_noop("「%(name)s」（%(cycle)s）应在 %(due)s 更新综述，最近一次 %(latest)s"),
            name=project.name,
            _cycle=as_msgid(CycleClass(project.cycle).label),
            due=f"{due}",
            latest=f"{latest}" if latest else "—",
        )
        items.append(
            (project.team, SignalItem(label, RiskLevel.YELLOW, project, project.get_absolute_url()))
        )
    yield from per_team(
        items,
        key="prj-summary",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 个项目的综述没有按周期更新"),
            team=team.name,
            n=len(found),
        ),
    )


@detector("prj_handover_unreceived", area=Area.PROJECTS, seed_ref="S-PRJ-2")
def handover_unreceived(today: dt.date):
    """A hand-over to the back end not confirmed by the end of the next working day."""
    rows = ProjectHandover.objects.filter(received_on=None, handed_on__lt=today).select_related(
        "project__team__line", "to_team"
    )
    for handover in rows:
        if calendar.next_workday(handover.handed_on) >= today:
            continue
        project = handover.project
        yield _signal(
            project,
            f"prj-handover:handover:{handover.pk}",
            RiskLevel.YELLOW,
            message(
                gettext_noop("「%(name)s」交给 %(team)s 的「%(what)s」（%(day)s）还没有确认接收"),
                name=project.name,
                team=handover.to_team.name,
                what=handover.what,
                day=f"{handover.handed_on}",
            ),
        )


@detector("prj_indicator_miss", area=Area.PROJECTS, seed_ref="S-PRJ-5")
def indicator_miss(today: dt.date):
    """A new project's indicator projected to miss its week's or month's target (or yesterday
    short of its daily one) by more than the margin: the lead is asked for a plan."""
    margin = Settings.current().miss_margin
    yesterday = calendar.previous_workday(today)
    for project, cells in selectors.board(selectors.new_projects(_active(), today), today):
        misses = []
        for indicator, forecasts in cells:
            for found in forecasts:
                if found.period != Period.DAY and found.elapsed < 2:
                    continue  # too early in the week or month to judge
                if found.misses(margin):
                    misses.append(
                        message(
                            gettext_noop(
                                "%(indicator)s（%(period)s）：目标 %(target)s，"
                                "实际 %(actual)s，预计 %(projected)s"
                            ),
                            indicator=indicator.name,
                            _period=as_msgid(Period(found.period).label),
                            target=f"{found.target.normalize():f}",
                            actual=f"{found.actual.normalize():f}",
                            projected=f"{found.projected.normalize():f}",
                        )
                    )
        if not misses:
            continue
        yield _signal(
            project,
            f"prj-indicator:project:{project.pk}",
            RiskLevel.RED,
            message(
                gettext_noop("新项目「%(name)s」有 %(n)d 项指标预计完不成（截至 %(day)s）"),
                name=project.name,
                n=len(misses),
                day=f"{yesterday}",
            ),
            misses,
        )


@detector("prj_long_unreviewed", area=Area.PROJECTS, seed_ref="S-PRJ-4")
def long_unreviewed(today: dt.date):
    """A long project with no follow-up done for its set cadence."""
    for project in _active().filter(cycle=CycleClass.LONG):
        since = today - dt.timedelta(weeks=project.review_weeks)
        if project.starts_on > since:
            continue
        done = CheckIn.objects.filter(
            subject_type__model="project",
            subject_id=project.pk,
            status=CheckInStatus.DONE,
            date__gte=since,
        ).exists()
        if done:
            continue
        yield _signal(
            project,
            f"prj-long:project:{project.pk}",
            RiskLevel.YELLOW,
            message(
                gettext_noop("长周期项目「%(name)s」已 %(weeks)d 周没有跟进"),
                name=project.name,
                weeks=project.review_weeks,
            ),
        )
