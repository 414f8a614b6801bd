"""The people workflows: every write of the area goes through here."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from duban.core.models import ExportLog
from duban.core.transitions import TransitionError
from duban.org.choices import EmployeeStatus, Post, Role
from duban.org.models import Employee, Team
from duban.people.choices import TRAINING_CHANGES, ChangeKind
from duban.people.models import (
    BestEmployee,
    HeadcountPlan,
    RelationNote,
    StaffBudget,
    StaffChange,
    StructureReview,
    Talk,
    Training,
    TrainingPlan,
    TrainingResult,
)
from duban.supervision.choices import Area
from duban.supervision.services import plan_demand_on_event

EDITORS = {Role.ADMIN, Role.SUPERVISOR, Role.LEAD}  # who record the area's facts
PLANNERS = {Role.ADMIN, Role.SUPERVISOR}  # who set headcount plans and budgets
LANDS_WITHIN = 10  # working days after its plan is due by which a change's matter should land
RECENT_DAYS = 30  # an imported change older than this is history: no plan is demanded for it


def _may_write(user, *teams) -> None:
    """A lead writes for the teams they lead, a supervisor for their lines' teams."""
    if user.role not in EDITORS:
        raise PermissionDenied
    visible = set(Team.objects.visible_to(user).values_list("pk", flat=True))
    if any(team is not None and team.pk not in visible for team in teams):
        raise PermissionDenied


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- staff changes (S-HR-3) ----------------------------------------------------------------


def change_record(
    *,
    by,
    kind: str,
    date: dt.date,
    today: dt.date,
    employee: Employee | None = None,
    name: str = "",
    team: Team | None = None,
    post: str = "",
    position: str = "",
    reason: str = "",
    note: str = "",
    until: dt.date | None = None,
) -> StaffChange:
    """Record a staff change, apply it to the employee (a join adds them), and demand from
    the lead the plans it calls for (S-HR-3), once."""
    with transaction.atomic():
        if kind == ChangeKind.JOIN:
            change = _join(by=by, name=name, team=team, post=post, position=position, date=date)
        else:
            if employee is None:
                raise ValidationError(_("请选择员工"))
            employee = Employee.objects.select_for_update().get(pk=employee.pk)
            _may_write(by, employee.team, team if kind == ChangeKind.TRANSFER else None)
            change = _apply(employee, kind=kind, date=date, team=team, post=post, until=until)
        change.reason = reason if kind == ChangeKind.LEAVE else ""
        change.note, change.recorded_by = note, by
        change.full_clean(exclude=["staffing_matter", "training_matter"])
        change.save()
        return demand_plans(change, today=today)


def _join(*, by, name, team, post, position, date) -> StaffChange:
    name = (name or "").strip()
    if not name or team is None:
        raise ValidationError(_("入职须填写姓名和团队"))
    _may_write(by, team)
    employee = Employee(
        name=name,
        team=team,
        post=post or Post.TRAINEE,
        position=position,
        hire_date=date,
        status=EmployeeStatus.PROBATION,
    )
    employee.full_clean()
    employee.save()
    return StaffChange(
        employee=employee, kind=ChangeKind.JOIN, date=date, team=team, post=employee.post
    )


def _apply(employee: Employee, *, kind, date, team, post, until) -> StaffChange:
    """The change as a record, and the employee as it leaves them; refuses what cannot be."""
    if date < employee.hire_date:
        raise ValidationError(_("变动日期不能早于入职日期 %(day)s") % {"day": employee.hire_date})
    if employee.status == EmployeeStatus.LEFT:
        raise ValidationError(_("%(name)s 已离职") % {"name": employee.name})
    change = StaffChange(employee=employee, kind=kind, date=date, team=employee.team)
    if kind == ChangeKind.LEAVE:
        employee.status, employee.leave_date = EmployeeStatus.LEFT, date
    elif kind == ChangeKind.TRANSFER:
        if team is None or team.pk == employee.team_id:
            raise ValidationError(_("请选择调往的另一个团队"))
        change.from_team, change.team, employee.team = employee.team, team, team
    elif kind == ChangeKind.POST:
        if not post or post == employee.post:
            raise ValidationError(_("请选择新的岗位类别"))
        change.from_post, change.post, employee.post = employee.post, post, post
    elif kind == ChangeKind.LONG_LEAVE:
        if employee.status == EmployeeStatus.ON_LEAVE:
            raise ValidationError(_("%(name)s 已在休假") % {"name": employee.name})
        if until is not None and until <= date:
            raise ValidationError(_("预计返岗日期须晚于休假开始"))
        employee.status, change.until = EmployeeStatus.ON_LEAVE, until
    elif kind == ChangeKind.RETURN:
        if employee.status != EmployeeStatus.ON_LEAVE:
            raise ValidationError(_("%(name)s 不在休假中") % {"name": employee.name})
        employee.status = EmployeeStatus.ACTIVE
    else:
        raise ValidationError(_("未知的变动类型"))
    change.post = change.post or employee.post
    employee.version += 1  # a form loaded before this change may not overwrite it
    employee.full_clean()
    employee.save()
    return change


@transaction.atomic
def demand_plans(change: StaffChange, *, today: dt.date) -> StaffChange:
    """The plans a change calls for (S-HR-3), each demanded once: a staffing plan from the
    lead of the team that is short or changed (for a transfer, the team that lost someone),
    and for someone new to a team a training plan from that team's lead."""
    change = StaffChange.objects.select_for_update().select_related("employee").get(pk=change.pk)
    who, what = change.employee.name, change.get_kind_display()
    rule = _("人员变动自动倒逼（S-HR-3）：%(who)s %(what)s") % {"who": who, "what": what}
    if change.staffing_matter_id is None:
        team = change.from_team if change.kind == ChangeKind.TRANSFER else change.team
        lead = team.leads.order_by("pk").first()
        if lead is not None:
            change.staffing_matter = plan_demand_on_event(
                area=Area.PEOPLE,
                team=team,
                lead=lead,
                subject=change,
                title=_("人员计划：%(who)s %(what)s（%(day)s）")
                % {"who": who, "what": what, "day": change.date},
                request=_(
                    "%(who)s %(what)s（%(day)s）。请说明对团队编制和工作安排的影响，"
                    "以及补员或调整的计划、时间节点。"
                )
                % {"who": who, "what": what, "day": change.date},
                rule=rule,
                today=today,
                lands_within=LANDS_WITHIN,
            )
    if change.training_matter_id is None and change.kind in TRAINING_CHANGES:
        lead = change.team.leads.order_by("pk").first()
        if lead is not None:
            change.training_matter = plan_demand_on_event(
                area=Area.PEOPLE,
                team=change.team,
                lead=lead,
                subject=change,
                title=_("培训方案：%(who)s %(what)s（%(day)s）")
                % {"who": who, "what": what, "day": change.date},
                request=_(
                    "%(who)s 新到团队。请提交培训方案：培训内容、讲师、时间，以及如何检验掌握情况。"
                )
                % {"who": who},
                rule=rule,
                today=today,
                lands_within=LANDS_WITHIN,
            )
    change.save(update_fields=["staffing_matter", "training_matter"])
    return change


def is_recent(day: dt.date, *, today: dt.date) -> bool:
    """Whether a change dated ``day`` is recent enough to plan for (RECENT_DAYS)."""
    return (today - day).days <= RECENT_DAYS


def change_import(
    *, by, employee: Employee, kind: str, date: dt.date, today: dt.date, team=None, post="", note=""
) -> StaffChange:
    """A change the roster import found (duban.people.importers), applied and recorded as
    ``change_record`` does, without its check of each row's teams: the import checked them
    for the whole file and locked the employee. A join records the arrival of an employee
    the import has just added. The change demands the lead's plans like any other when it is
    recent (RECENT_DAYS); an older one is history, too late to plan for."""
    with transaction.atomic():
        if kind == ChangeKind.JOIN:
            change = StaffChange(
                employee=employee, kind=kind, date=date, team=employee.team, post=employee.post
            )
        else:
            change = _apply(employee, kind=kind, date=date, team=team, post=post, until=None)
        change.note, change.recorded_by = note, by
        change.save()
        return demand_plans(change, today=today) if is_recent(date, today=today) else change


def roster_export_record(*, user, rows, count: int, via: str = "web") -> ExportLog:
    """Keep who exported the roster, with its phone numbers in full (个人信息保护法);
    ``rows`` is the exported queryset."""
    return ExportLog.objects.create(
        user=user, what="people", rows=count, full_rows=rows.exclude(phone="").count(), via=via
    )


# --- structure (S-HR-1/2) ------------------------------------------------------------------


def headcount_plan_set(*, by, team: Team, post: str, count: int, effective_from, note=""):
    """The team's headcount for a kind of post from a date on (a later row overrides)."""
    if by.role not in PLANNERS:
        raise PermissionDenied
    _may_write(by, team)
    plan, _created = HeadcountPlan.objects.update_or_create(
        team=team,
        post=post,
        effective_from=effective_from,
        defaults={"count": count, "note": note, "set_by": by},
    )
    return plan


def structure_review_record(*, by, team: Team, held_on, proposal, decision, decision_note=""):
    _may_write(by, team)
    review = StructureReview(
        team=team,
        held_on=held_on,
        proposal=proposal,
        decision=decision,
        decision_note=decision_note,
        recorded_by=by,
    )
    review.full_clean()
    review.save()
    return review


def budget_set(*, by, team: Team, month: dt.date, amount: Decimal) -> StaffBudget:
    if by.role not in PLANNERS:
        raise PermissionDenied
    _may_write(by, team)
    budget, _created = StaffBudget.objects.update_or_create(
        team=team, month=_first_of_month(month), defaults={"amount": amount}
    )
    return budget


# --- trainings (S-HR-4, S-PRJ-6) -----------------------------------------------------------


def training_record(*, by, team: Team, attendees, **fields) -> Training:
    """A training held, with its attendees (their results may follow)."""
    _may_write(by, team)
    lead = fields.pop("lead", None) or team.leads.order_by("pk").first()
    if lead is None:
        raise ValidationError(_("这个团队还没有主管：请先在组织架构里指定"))
    retraining_of = fields.get("retraining_of")
    if retraining_of is not None and retraining_of.team_id != team.pk:
        raise ValidationError(_("二次培训须针对本团队的培训"))
    with transaction.atomic():
        training = Training(team=team, lead=lead, recorded_by=by, **fields)
        training.full_clean()
        training.save()
        TrainingResult.objects.bulk_create(
            [TrainingResult(training=training, employee=employee) for employee in attendees]
        )
    return training


def results_record(*, by, training: Training, results: dict) -> Training:
    """Each attendee's result: ``results`` maps a result row's id to its fields (score,
    passed, uptake, note); rows of other trainings are refused."""
    _may_write(by, training.team)
    rows = {row.pk: row for row in training.results.select_for_update()}
    with transaction.atomic():
        for pk, values in results.items():
            row = rows.get(pk)
            if row is None:
                raise TransitionError(_("这份名单已经变化，请刷新页面后再录入。"))
            for field, value in values.items():
                setattr(row, field, value)
            row.full_clean(exclude=["training", "employee"])
            row.save()
    return training


def training_plan_set(
    *, by, team, starts_on, ends_on, count, kind="", content="", project=""
) -> TrainingPlan:
    _may_write(by, team)
    plan = TrainingPlan(
        team=team,
        starts_on=starts_on,
        ends_on=ends_on,
        count=count,
        kind=kind,
        project=project.strip(),
        content=content,
        set_by=by,
    )
    plan.full_clean()
    plan.save()
    return plan


# --- talks, best employee, relations (S-HR-5/6/7) ------------------------------------------


def talk_record(*, by, employee: Employee, held_on: dt.date, **fields) -> Talk:
    """A monthly performance talk; one per employee and month (the month it was held)."""
    _may_write(by, employee.team)
    talk = Talk(
        employee=employee, lead=by, month=_first_of_month(held_on), held_on=held_on, **fields
    )
    talk.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            talk.save()
    except IntegrityError:
        raise ValidationError(_("这位员工这个月已有谈话记录")) from None
    return talk


def best_employee_record(
    *, by, team: Team, month: dt.date, criteria: str, candidates, winner, announced_on
) -> BestEmployee:
    _may_write(by, team)
    candidates = list(candidates)
    if winner not in candidates:
        candidates.append(winner)
    if any(person.team_id != team.pk for person in candidates):
        raise ValidationError(_("候选人须是本团队的员工"))
    selection = BestEmployee(
        team=team,
        month=_first_of_month(month),
        criteria=criteria,
        winner=winner,
        announced_on=announced_on,
        organised_by=by,
    )
    selection.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            selection.save()
            selection.candidates.set(candidates)
    except IntegrityError:
        raise ValidationError(_("这个团队这个月已评选过")) from None
    return selection


def note_record(*, by, employee: Employee, noted_on, kind, sentiment, note) -> RelationNote:
    _may_write(by, employee.team)
    record = RelationNote(
        employee=employee,
        noted_on=noted_on,
        kind=kind,
        sentiment=sentiment,
        note=note,
        recorded_by=by,
    )
    record.full_clean()
    record.save()
    return record
