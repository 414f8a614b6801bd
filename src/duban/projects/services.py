"""The project workflows: every write of the area goes through here."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duban.core.services import save_versioned
from duban.org.choices import Role, TeamKind
from duban.org.models import Team
from duban.projects.models import (
    Actual,
    Indicator,
    Project,
    ProjectHandover,
    ProjectMilestone,
    ProjectSummary,
)

WRITERS = {Role.ADMIN, Role.SUPERVISOR, Role.LEAD}
PLANNERS = {Role.ADMIN, Role.SUPERVISOR}  # who set a long project's cadence (S-PRJ-4)


def _may(user, *teams) -> None:
    if user.role not in WRITERS:
        raise PermissionDenied
    visible = set(Team.objects.visible_to(user).values_list("pk", flat=True))
    if not all(team.pk in visible for team in teams if team is not None):
        raise PermissionDenied


def project_create(*, by, team: Team, milestones=(), **fields) -> Project:
    _may(by, team)
    fields.setdefault("lead", team.leads.order_by("pk").first())
    if fields["lead"] is None or not team.leads.filter(pk=fields["lead"].pk).exists():
        raise ValidationError(
            _("项目的主管须是这个团队的主管（团队还没有主管时请先在组织架构里指定）")
        )
    with transaction.atomic():
        project = Project(team=team, **fields)
        project.full_clean()
        project.save()
        for milestone in milestones:
            ProjectMilestone.objects.create(project=project, **milestone)
    return project


def project_update(*, project: Project, by, expected_version: int, **fields) -> Project:
    """Change a project; its class follows new dates (and with it the cadence its check-ins
    fall on: the tick re-plans the untouched future ones)."""
    _may(by, project.team)
    if (
        "review_weeks" in fields
        and fields["review_weeks"] != project.review_weeks
        and by.role not in PLANNERS
    ):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    return save_versioned(project, expected_version=expected_version)


def replan(*, today: dt.date) -> int:
    """Re-plan the check-ins of rules that follow projects (a class may have changed)."""
    from duban.supervision.models import FollowUpRule
    from duban.supervision.tick import checkins_materialize

    rules = FollowUpRule.objects.filter(subject_kind="projects.project", is_active=True)
    return checkins_materialize(today=today, rules=rules)


def project_milestone_add(*, by, project: Project, title: str, due_on) -> ProjectMilestone:
    _may(by, project.team)
    milestone = ProjectMilestone(project=project, title=title, due_on=due_on)
    milestone.full_clean()
    milestone.save()
    return milestone


def milestone_done(*, milestone: ProjectMilestone, by, done_on: dt.date) -> ProjectMilestone:
    _may(by, milestone.project.team)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    return milestone


def summary_write(*, by, project: Project, date: dt.date, **fields) -> ProjectSummary:
    _may(by, project.team)
    summary = ProjectSummary.objects.filter(project=project, date=date).first()
    summary = summary or ProjectSummary(project=project, date=date)
    for field, value in fields.items():
        setattr(summary, field, value.strip() if isinstance(value, str) else value)
    summary.written_by = by
    summary.full_clean(validate_unique=False)
    summary.save()
    return summary


def handover_record(
    *, by, project: Project, to_team: Team, what: str, handed_on, to_person=""
) -> ProjectHandover:
    _may(by, project.team)
    if to_team.kind != TeamKind.BACK:
        raise ValidationError(_("项目交接给后端团队"))
    handover = ProjectHandover(
        project=project, to_team=to_team, what=what, handed_on=handed_on, to_person=to_person
    )
    handover.full_clean()
    handover.save()
    return handover


def handover_receive(
    *, by, handover: ProjectHandover, received_on, next_goal: str
) -> ProjectHandover:
    """The back end confirms the hand-over and says its next goal."""
    _may(by, handover.to_team)
    if handover.received_on:
        raise ValidationError(_("这次交接已经确认过"))
    if not next_goal.strip():
        raise ValidationError(_("请写明后端的下一目标"))
    handover.received_on, handover.received_by, handover.next_goal = (
        received_on,
        by,
        next_goal.strip(),
    )
    handover.save()
    return handover


def handover_review(*, by, handover: ProjectHandover, ok: bool, note: str) -> ProjectHandover:
    """At review, the allocation judged reasonable or not, with a note."""
    if by.role not in {Role.ADMIN, Role.SUPERVISOR}:
        raise PermissionDenied
    _may(by, handover.project.team)
    handover.allocation_ok, handover.allocation_note = ok, note.strip()
    handover.save(update_fields=["allocation_ok", "allocation_note"])
    return handover


def indicator_set(*, by, project: Project, name: str, **targets) -> Indicator:
    _may(by, project.team)
    indicator = Indicator.objects.filter(project=project, name=name.strip()).first()
    indicator = indicator or Indicator(project=project, name=name.strip())
    for field, value in targets.items():
        setattr(indicator, field, value)
    indicator.full_clean()
    indicator.save()
    return indicator


def actuals_record(*, by, project: Project, date: dt.date, values: dict) -> int:
    """The day's actuals of a project's indicators: indicator id -> value (None clears)."""
    _may(by, project.team)
    indicators = {i.pk: i for i in project.indicators.all()}
    written = 0
    with transaction.atomic():
        for pk, value in values.items():
            if pk not in indicators:
                raise ValidationError(_("指标不属于这个项目"))
            if value is None:
                Actual.objects.filter(indicator_id=pk, date=date).delete()
                continue
            actual = Actual(indicator_id=pk, date=date, value=value)
            actual.full_clean(exclude=["indicator"], validate_unique=False)
            Actual.objects.update_or_create(
                indicator_id=pk, date=date, defaults={"value": value, "recorded_by": by}
            )
            written += 1
    return written


def projects_import(*, by, projects: list[tuple[Project, dict]], reason: str) -> None:
    """Write the projects of a checked project table as the pages write them: a new one led
    by its team's lead unless the table names one, every field checked, the class following
    the dates; the history names who imported which file. In the import's transaction, which
    has checked the versions."""
    _may(by, *{project.team for project, _fields in projects})
    for project, fields in projects:
        for name, value in fields.items():
            setattr(project, name, value)
        if project.lead_id is None:
            project.lead = project.team.leads.order_by("pk").first() or by
        if project.pk is not None:
            project.version += 1
        project.full_clean()
        project._history_user, project._change_reason = by, reason
        project.save()
