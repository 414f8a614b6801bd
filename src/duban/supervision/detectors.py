"""The supervision loop's own detectors: what was promised and is now late."""

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext_noop

from duban.supervision.choices import Area, Priority, RiskLevel
from duban.supervision.models import CheckIn, Matter, Milestone, Plan
from duban.supervision.registry import TABLE_KINDS, Signal, detector, message
from duban.supervision.services import previous_versions

RED_AFTER_DAYS = 3  # late this many calendar days or more: red
EVIDENCE_ROWS = 10


def _level(days_late: int) -> RiskLevel:
    return RiskLevel.RED if days_late >= RED_AFTER_DAYS else RiskLevel.YELLOW


@detector("checkins_overdue", area=Area.GENERAL, seed_ref="S-GEN-1")
def checkins_overdue(today: dt.date):
    """A team whose check-ins were not done by their day: one risk per team."""
    late = defaultdict(list)
    rows = CheckIn.objects.overdue(today).select_related("team").order_by("date", "pk")
    for checkin in rows:
        late[checkin.team].append(checkin)
    for team, checkins in late.items():
        oldest = (today - checkins[0].date).days
        yield Signal(
            key=f"checkins-overdue:team:{team.pk}",
            level=_level(oldest),
            title=message(
                gettext_noop("%(team)s 有 %(n)d 次督办跟进逾期未完成"),
                team=team.name,
                n=len(checkins),
            ),
            evidence=[f"{c.date:%Y-%m-%d} {c.title}" for c in checkins[:EVIDENCE_ROWS]],
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=team.name,
            subject_url=f"{reverse('supervision:checkin_list')}?team={team.pk}&status=overdue",
        )


@detector("plan_submission_overdue", area=Area.GENERAL, seed_ref="S-GEN-1")
def plan_submission_overdue(today: dt.date):
    for plan in Plan.objects.overdue_submission(today).select_related("team", "lead"):
        days = (today - plan.submit_by).days
        yield Signal(
            key=f"plan-submission-overdue:{plan.pk}",
            level=_level(days),
            title=message(
                gettext_noop("%(lead)s 的方案逾期 %(days)d 天未提交"),
                lead=plan.lead.display_name,
                days=days,
            ),
            evidence=[
                message(gettext_noop("提交期限：%(date)s"), date=f"{plan.submit_by:%Y-%m-%d}"),
                plan.request,
            ],
            team_id=plan.team_id,
            line_id=plan.team.line_id,
            subject_label=str(plan),
            subject_url=plan.get_absolute_url(),
        )


@detector("milestones_overdue", area=Area.GENERAL, seed_ref="S-ONE-3")
def milestones_overdue(today: dt.date):
    """A plan with milestones past due: one risk per plan."""
    late = defaultdict(list)
    rows = Milestone.objects.overdue(today).select_related(
        "version__plan__team", "version__plan__lead"
    )
    for milestone in rows.order_by("due_date", "pk"):
        late[milestone.version.plan].append(milestone)
    for plan, milestones in late.items():
        yield Signal(
            key=f"milestones-overdue:plan:{plan.pk}",
            level=_level((today - milestones[0].due_date).days),
            title=message(
                gettext_noop("%(lead)s 的方案有 %(n)d 个节点逾期"),
                lead=plan.lead.display_name,
                n=len(milestones),
            ),
            evidence=[f"{m.due_date:%Y-%m-%d} {m.title}" for m in milestones[:EVIDENCE_ROWS]],
            team_id=plan.team_id,
            line_id=plan.team.line_id,
            subject_label=str(plan),
            subject_url=plan.get_absolute_url(),
        )


@detector("matters_past_deadline", area=Area.GENERAL, seed_ref="S-ONE-1")
def matters_past_deadline(today: dt.date):
    for matter in Matter.objects.past_deadline(today).select_related("team", "owner"):
        days = (today - matter.deadline).days
        urgent = matter.priority == Priority.URGENT
        yield Signal(
            key=f"matter-past-deadline:{matter.pk}",
            level=RiskLevel.RED if urgent else _level(days),
            title=message(
                gettext_noop("督办事项超期 %(days)d 天：%(title)s"), days=days, title=matter.title
            ),
            evidence=[
                message(gettext_noop("截止日期：%(date)s"), date=f"{matter.deadline:%Y-%m-%d}"),
                message(gettext_noop("责任人：%(owner)s"), owner=matter.owner.display_name),
            ],
            team_id=matter.team_id,
            line_id=matter.team.line_id,
            subject_label=matter.title,
            subject_url=matter.get_absolute_url(),
        )


@detector("tables_stale", area=Area.GENERAL, seed_ref="S-RES-1")
def tables_stale(today: dt.date):
    """A team's table of a registered kind not updated within its kind's days (资源大表 weekly,
    应收账表 twice a month …): one risk per team and table, in the table's area."""
    for kind in TABLE_KINDS.values():
        if kind.teams is None:
            continue
        teams = list(kind.teams(today))
        latest = previous_versions(kind.name, [team.pk for team in teams])
        for team in teams:
            version = latest.get(team.pk)
            last = version.as_of if version else None
            if last is not None and (today - last).days <= kind.stale_days:
                continue
            table = str(kind.label)  # the kind's label is marked for the catalogue already
            if last is None:
                title = message(
                    gettext_noop("%(team)s 还没有导入过%(table)s"), team=team.name, table=table
                )
            else:
                title = message(
                    gettext_noop("%(team)s 的%(table)s已 %(days)d 天未更新"),
                    team=team.name,
                    table=table,
                    days=(today - last).days,
                )
            yield Signal(
                key=f"table-stale:{kind.name}:team:{team.pk}",
                level=RiskLevel.YELLOW,
                title=title,
                evidence=[
                    message(gettext_noop("最近一版：%(day)s"), day=f"{last}")
                    if last
                    else message(gettext_noop("没有导入记录")),
                    message(
                        gettext_noop("应在 %(days)d 天内更新（%(ref)s）"),
                        days=kind.stale_days,
                        ref=kind.seed_ref,
                    ),
                ],
                team_id=team.pk,
                line_id=team.line_id,
                subject_label=team.name,
                subject_url=reverse(kind.url_name) if kind.url_name else "",
                area=kind.area,
            )
