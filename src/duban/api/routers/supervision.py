"""Supervision: check-ins, matters, risks, plans with their versions and milestones, the
supervisor's agenda and the lead's to-do; recording a check-in's result; submitting a plan."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StringConstraints

from duban.api.access import editing
from duban.api.errors import invalid
from duban.api.filters import Id, apply, choice, query_schema
from duban.api.pagination import Pages
from duban.api.schemas import READ_ERRORS, WRITE_ERRORS, LocalDateTime, Ref, SubjectRef, UserRef
from duban.api.schemas import subject_of as _subject
from duban.core.access import get_object_for_user
from duban.org.models import BusinessLine
from duban.supervision import selectors, services
from duban.supervision.apps import SUPERVISING
from duban.supervision.choices import Channel, Outcome
from duban.supervision.filters import (
    CheckInFilterSet,
    MatterFilterSet,
    PlanFilterSet,
    RiskFilterSet,
)
from duban.supervision.models import CheckIn, Matter, Milestone, Plan, PlanVersion, Risk

router = Router(tags=[gettext_lazy("督办")])

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10000)]
VERSION = gettext_lazy("读取记录时的版本号（version）：此后有人改过这条记录则拒绝（409）")


class Supervised(Schema):
    """A supervision record: what it is about and how far it has escalated."""

    subject: SubjectRef | None = None

    @staticmethod
    def resolve_subject(obj):
        return _subject(obj)


class CheckInOut(Supervised):
    id: int
    version: int
    area: str
    title: str
    team: Ref
    lead: UserRef | None
    owner_id: int | None
    rule_id: int | None
    date: dt.date
    agreed_time: dt.time | None
    channel: str
    planned: bool
    urgent: bool
    status: str
    findings: str
    outcome: str
    next_step: str
    next_milestone_date: dt.date | None
    waive_reason: str
    done_at: LocalDateTime | None
    done_by_id: int | None
    escalation: int


class CheckInRow(Schema):
    """A check-in as the agenda and the to-do list it."""

    id: int
    date: dt.date
    agreed_time: dt.time | None
    title: str
    team: Ref
    lead: UserRef | None
    channel: str
    urgent: bool
    status: str
    outcome: str
    escalation: int
    missed: bool = Field(description=gettext_lazy("约定时间已过仍未记录结果"))

    @staticmethod
    def resolve_missed(obj) -> bool:
        return getattr(obj, "missed", False)


class MatterOut(Supervised):
    id: int
    version: int
    title: str
    description: str
    area: str
    team: Ref
    owner: UserRef
    supervisor_id: int | None
    deadline: dt.date
    priority: str
    planned: bool
    agreed_at: LocalDateTime | None
    status: str
    risk_id: int | None
    closing_note: str
    closed_at: LocalDateTime | None
    created_at: LocalDateTime
    escalation: int


class RiskItemOut(Schema):
    position: int
    label: str
    level: str

    @staticmethod
    def resolve_label(obj) -> str:
        return obj.shown_label


class RiskOut(Supervised):
    id: int
    version: int
    source: str
    area: str
    level: str
    title: str
    evidence: list[str]
    team: Ref | None
    line_id: int | None
    lead_id: int | None
    status: str
    opened_on: dt.date
    last_seen_on: dt.date | None
    resolved_on: dt.date | None
    reopened_count: int
    subject_label: str

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.shown_title

    @staticmethod
    def resolve_evidence(obj) -> list[str]:
        return [str(line) for line in obj.shown_evidence]


class RiskDetail(RiskOut):
    items: list[RiskItemOut]


class PlanOut(Supervised):
    id: int
    version: int
    status: str
    team: Ref
    lead: UserRef
    demanded_by_id: int | None
    auto_rule: str
    request: str
    requires_forecast: bool
    submit_by: dt.date
    risk_id: int | None
    matter_id: int | None
    verification_note: str
    closed_on: dt.date | None
    created_at: LocalDateTime
    escalation: int


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: dt.date
    owner: Ref | None
    done_on: dt.date | None
    evidence: str


class MilestoneDue(MilestoneOut):
    plan_id: int
    team: Ref

    @staticmethod
    def resolve_plan_id(obj) -> int:
        return obj.version.plan_id

    @staticmethod
    def resolve_team(obj):
        return obj.version.plan.team


class PlanVersionOut(Schema):
    number: int
    cause: str
    measures: str
    forecast: str
    fallback: str
    submitted_by: UserRef | None
    submitted_at: LocalDateTime
    decision: str
    review_comment: str
    reviewed_at: LocalDateTime | None
    milestones: list[MilestoneOut]


class PlanDetail(PlanOut):
    versions: list[PlanVersionOut] = Field(description=gettext_lazy("各次提交，最新的在前"))


class Agenda(Schema):
    today: dt.date
    urgent_matters: list[MatterOut]
    today_checkins: list[CheckInRow]
    today_checkin_count: int
    missed_checkin_count: int
    missed_matters: list[MatterOut]
    overdue_checkins: list[CheckInRow]
    overdue_checkin_count: int
    matters_due: list[MatterOut]
    plans_to_review: list[PlanOut]
    plans_late: list[PlanOut]
    milestones_due: list[MilestoneDue]
    new_red_risks: list[RiskOut]
    new_risks_since: dt.date


class Todo(Schema):
    today: dt.date
    plans_to_submit: list[PlanOut]
    plans_in_review: list[PlanOut]
    milestones: list[MilestoneDue]
    checkins: list[CheckInRow]
    matters: list[MatterOut]


class AgendaParams(Schema):
    line: Id | None = Field(None, description=gettext_lazy("业务条线"))


class CheckInRecordIn(Schema):
    version: int = Field(ge=1, description=VERSION)
    outcome: choice(Outcome) = Field(description=gettext_lazy("结果回收"))
    findings: NonBlank = Field(description=gettext_lazy("沟通情况"))
    next_step: Note = ""
    next_milestone_date: dt.date | None = None
    channel: choice(Channel) | None = Field(None, description=gettext_lazy("沟通方式"))


class MilestoneIn(Schema):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    due_date: dt.date
    owner: Id | None = Field(None, description=gettext_lazy("负责人：本团队在岗员工的编号"))


class PlanSubmitIn(Schema):
    version: int = Field(ge=1, description=VERSION)
    cause: NonBlank = Field(description=gettext_lazy("原因分析"))
    measures: NonBlank = Field(description=gettext_lazy("措施"))
    forecast: Note = Field("", description=gettext_lazy("风险预判（方案要求时必填）"))
    fallback: Note = Field("", description=gettext_lazy("备用办法（方案要求时必填）"))
    milestones: list[MilestoneIn] = Field(min_length=1, max_length=50)


CheckInFilters = query_schema(CheckInFilterSet, "CheckInFilters")
MatterFilters = query_schema(MatterFilterSet, "MatterFilters")
RiskFilters = query_schema(RiskFilterSet, "RiskFilters")
PlanFilters = query_schema(PlanFilterSet, "PlanFilters")


# --- check-ins -------------------------------------------------------------------------------


@router.get(
    "/checkins",
    response=list[CheckInOut],
    summary=gettext_lazy("督办跟进列表"),
    url_name="checkin_list",
)
@paginate(Pages)
def checkin_list(request, filters: Query[CheckInFilters]):
    """Every check-in in scope unless filtered (the page opens on today's and the overdue:
    ``status=due``)."""
    user = request.auth_user
    checkins = CheckIn.objects.visible_to(user).select_related("team", "lead")
    today = timezone.localdate()
    found = apply(CheckInFilterSet, checkins, filters, user=user, today=today)
    return found.order_by("date", "agreed_time", "pk")


@router.get(
    "/checkins/{id}",
    response={200: CheckInOut, **READ_ERRORS},
    summary=gettext_lazy("督办跟进"),
    url_name="checkin",
)
def checkin_detail(request, id: Id):
    return get_object_for_user(_checkins(), request.auth_user, pk=id)


@router.post(
    "/checkins/{id}/record",
    response={200: CheckInOut, **WRITE_ERRORS},
    summary=gettext_lazy("记录跟进结果"),
    url_name="checkin_record",
)
def checkin_record(request, id: Id, payload: CheckInRecordIn):
    """The supervisor records what was found and the result collected (结果回收)."""
    user = request.auth_user
    checkin = get_object_for_user(CheckIn, user, write=True, pk=id)
    with editing(checkin, payload.version):
        services.checkin_record(checkin=checkin, by=user, **payload.model_dump(exclude={"version"}))
    return _checkins().get(pk=checkin.pk)


def _checkins():
    return CheckIn.objects.select_related("team", "lead")


# --- matters and risks -----------------------------------------------------------------------


@router.get(
    "/matters",
    response=list[MatterOut],
    summary=gettext_lazy("督办事项列表"),
    url_name="matter_list",
)
@paginate(Pages)
def matter_list(request, filters: Query[MatterFilters]):
    user = request.auth_user
    matters = Matter.objects.visible_to(user).select_related("team", "owner")
    return apply(MatterFilterSet, matters, filters, user=user).order_by("deadline", "pk")


@router.get(
    "/matters/{id}",
    response={200: MatterOut, **READ_ERRORS},
    summary=gettext_lazy("督办事项"),
    url_name="matter",
)
def matter_detail(request, id: Id):
    matters = Matter.objects.select_related("team", "owner")
    return get_object_for_user(matters, request.auth_user, pk=id)


@router.get(
    "/risks", response=list[RiskOut], summary=gettext_lazy("风险列表"), url_name="risk_list"
)
@paginate(Pages)
def risk_list(request, filters: Query[RiskFilters]):
    user = request.auth_user
    risks = Risk.objects.visible_to(user).select_related("team")
    return apply(RiskFilterSet, risks, filters, user=user).order_by("-opened_on", "pk")


@router.get(
    "/risks/{id}",
    response={200: RiskDetail, **READ_ERRORS},
    summary=gettext_lazy("风险"),
    url_name="risk",
)
def risk_detail(request, id: Id):
    risks = Risk.objects.select_related("team").prefetch_related("items")
    return get_object_for_user(risks, request.auth_user, pk=id)


# --- plans -----------------------------------------------------------------------------------


@router.get(
    "/plans", response=list[PlanOut], summary=gettext_lazy("方案列表"), url_name="plan_list"
)
@paginate(Pages)
def plan_list(request, filters: Query[PlanFilters]):
    user = request.auth_user
    plans = Plan.objects.visible_to(user).select_related("team", "lead")
    return apply(PlanFilterSet, plans, filters, user=user).order_by("submit_by", "pk")


@router.get(
    "/plans/{id}",
    response={200: PlanDetail, **READ_ERRORS},
    summary=gettext_lazy("方案（含各版本和节点）"),
    url_name="plan",
)
def plan_detail(request, id: Id):
    return get_object_for_user(_plans(), request.auth_user, pk=id)


@router.post(
    "/plans/{id}/submit",
    response={200: PlanDetail, **WRITE_ERRORS},
    summary=gettext_lazy("提交方案"),
    url_name="plan_submit",
)
def plan_submit(request, id: Id, payload: PlanSubmitIn):
    """The team's lead submits (or resubmits) a version of the plan with its milestones."""
    user = request.auth_user
    plan = get_object_for_user(Plan.objects.select_related("team"), user, pk=id)
    if not plan.team.leads.filter(pk=user.pk).exists():
        raise PermissionDenied(_("只有该团队的主管可以提交方案。"))
    if plan.requires_forecast and not (payload.forecast and payload.fallback):
        message = _("这个方案要求风险预判：请写明还可能出什么问题，以及备用办法。")
        raise invalid(["body", "payload", "forecast"], message)
    milestones = _milestones(plan, payload.milestones)
    with editing(plan, payload.version):
        services.plan_submit(
            plan=plan,
            by=user,
            milestones=milestones,
            **payload.model_dump(include={"cause", "measures", "forecast", "fallback"}),
        )
    return _plans().get(pk=plan.pk)


def _milestones(plan, rows: list[MilestoneIn]) -> list[dict]:
    """The milestones as the service takes them; an owner must be one of the team's staff."""
    wanted = {row.owner for row in rows if row.owner is not None}
    staff = {e.pk: e for e in plan.team.employees.current().filter(pk__in=wanted)}
    for index, row in enumerate(rows):
        if row.owner is not None and row.owner not in staff:
            loc = ["body", "payload", "milestones", index, "owner"]
            raise invalid(loc, _("负责人须是该团队的在岗员工。"))
    return [
        {"title": row.title, "due_date": row.due_date, "owner": staff.get(row.owner)}
        for row in rows
    ]


def _plans():
    milestones = Prefetch("milestones", queryset=Milestone.objects.select_related("owner"))
    versions = PlanVersion.objects.select_related("submitted_by").prefetch_related(milestones)
    return Plan.objects.select_related("team", "lead").prefetch_related(
        Prefetch("versions", queryset=versions.order_by("-number"))
    )


# --- the day ---------------------------------------------------------------------------------


@router.get(
    "/agenda",
    response={200: Agenda, **READ_ERRORS, 403: READ_ERRORS[401]},
    summary=gettext_lazy("今日督办"),
    url_name="agenda",
)
def agenda(request, params: Query[AgendaParams]):
    """What the supervisor must do today, urgent first (admins and executives see it too);
    of one business line when ``line`` is given. A lead's day is ``/todo``."""
    user = request.auth_user
    if user.role not in SUPERVISING:
        raise PermissionDenied(_("今日督办只对督办、领导和管理员开放；主管的待办请看 /todo。"))
    chosen = None
    if params.line is not None:
        chosen = BusinessLine.objects.visible_to(user).filter(pk=params.line).first()
        if chosen is None:
            raise invalid(["query", "line"], _("选择一个有效的选项：该条线不存在，或您无权查看。"))
    today = timezone.localdate()
    return {"today": today, **selectors.agenda(user, today, line=chosen)}


@router.get(
    "/todo", response={200: Todo, **READ_ERRORS}, summary=gettext_lazy("我的待办"), url_name="todo"
)
def todo(request):
    """What the caller owes: plans to submit, milestones, check-ins with them, their matters."""
    today = timezone.localdate()
    return {"today": today, **selectors.todo(request.auth_user, today)}
