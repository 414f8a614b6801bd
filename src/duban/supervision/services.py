"""The supervision workflows: check-ins, matters, risks and plans (倒逼方案 → 落地)."""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duban.core import calendar
from duban.core.transitions import TransitionError, transition
from duban.notify.models import MessageKind
from duban.notify.services import Message as Notice
from duban.notify.services import outbox_enqueue
from duban.org.choices import Role
from duban.supervision.caching import agenda_changed
from duban.supervision.choices import (
    LIVE_PLAN_STATUSES,
    OPEN_MATTER_STATUSES,
    PENDING_PLAN_STATUSES,
    CheckInStatus,
    MatterStatus,
    PlanStatus,
    RiskStatus,
)
from duban.supervision.models import (
    AreaPolicy,
    Chase,
    CheckIn,
    Matter,
    Milestone,
    Plan,
    PlanVersion,
    Risk,
    TableVersion,
)
from duban.supervision.models.risks import MANUAL
from duban.supervision.scoping import is_supervisor

CLOSED = gettext_lazy("这条记录的状态已经变化，请刷新页面后再操作。")


def _require_supervisor(user, *, not_lead_of: Plan | Matter | None = None) -> None:
    if not is_supervisor(user):
        raise PermissionDenied(_("只有督办可以执行这个操作。"))
    if not_lead_of is not None and user.pk in {
        getattr(not_lead_of, "lead_id", None),
        getattr(not_lead_of, "owner_id", None),
    }:
        raise PermissionDenied(_("不能审核或验证自己负责的事项。"))


# --- check-ins -------------------------------------------------------------------------------


def checkin_record(
    *, checkin: CheckIn, by, outcome, findings, next_step="", next_milestone_date=None, channel=None
) -> CheckIn:
    """The supervisor records what was found and the result collected (结果回收)."""
    _require_supervisor(by)
    return transition(
        checkin,
        allowed_from=[CheckInStatus.PLANNED],
        to=CheckInStatus.DONE,
        message=CLOSED,
        outcome=outcome,
        findings=findings,
        next_step=next_step,
        next_milestone_date=next_milestone_date,
        channel=channel or checkin.channel,
        done_at=timezone.now(),
        done_by=by,
    )


def checkin_waive(*, checkin: CheckIn, by, reason: str) -> CheckIn:
    _require_supervisor(by)
    if not reason.strip():
        raise TransitionError(_("免除跟进必须写明原因。"))
    return transition(
        checkin,
        allowed_from=[CheckInStatus.PLANNED],
        to=CheckInStatus.WAIVED,
        message=CLOSED,
        waive_reason=reason.strip(),
        done_at=timezone.now(),
        done_by=by,
    )


def checkin_reschedule(*, checkin: CheckIn, by, date: dt.date, agreed_time, reason: str):
    """Move an open check-in to another working day or time (S-GEN-3). Its history keeps the
    old day and time with the reason; its rule does not schedule it again on the old day."""
    _require_supervisor(by)
    if not reason.strip():
        raise TransitionError(_("改约必须写明原因。"))
    if not calendar.is_workday(date):
        raise TransitionError(_("%(day)s 不是工作日。") % {"day": f"{date:%Y-%m-%d}"})
    return _reschedule(checkin, reason, date=date, agreed_time=agreed_time, planned_ok=True)


def matter_reschedule(*, matter: Matter, by, agreed_at, reason: str) -> Matter:
    """Agree another communication time for a matter; the history keeps the old one."""
    _require_supervisor(by)
    if not reason.strip():
        raise TransitionError(_("改约必须写明原因。"))
    if not matter.is_open:
        raise TransitionError(CLOSED)
    return _reschedule(matter, reason, agreed_at=agreed_at)


def _reschedule(obj, reason: str, *, planned_ok: bool = False, **changes):
    model = type(obj)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=obj.pk)
        if planned_ok and current.status != CheckInStatus.PLANNED:
            raise TransitionError(CLOSED)
        for name, value in changes.items():
            setattr(current, name, value)
        current.version += 1
        current._change_reason = _("改约：%(reason)s") % {"reason": reason.strip()[:80]}
        current.save()
    for name in ["version", *changes]:
        setattr(obj, name, getattr(current, name))
    return obj


# --- matters ---------------------------------------------------------------------------------


def matter_start(*, matter: Matter, by) -> Matter:
    if by.pk != matter.owner_id and not is_supervisor(by):
        raise PermissionDenied
    return transition(
        matter, allowed_from=[MatterStatus.OPEN], to=MatterStatus.IN_PROGRESS, message=CLOSED
    )


def matter_submit(*, matter: Matter, by) -> Matter:
    """The owner reports the matter done; the supervisor verifies it."""
    if by.pk != matter.owner_id and not is_supervisor(by):
        raise PermissionDenied
    return transition(
        matter,
        allowed_from=[MatterStatus.OPEN, MatterStatus.IN_PROGRESS],
        to=MatterStatus.AWAITING_VERIFICATION,
        message=CLOSED,
    )


def matter_verify(*, matter: Matter, by, landed: bool, note: str) -> Matter:
    _require_supervisor(by, not_lead_of=matter)
    return transition(
        matter,
        allowed_from=[MatterStatus.AWAITING_VERIFICATION],
        to=MatterStatus.LANDED if landed else MatterStatus.FAILED,
        message=CLOSED,
        closing_note=note,
        closed_at=timezone.now(),
    )


def matter_cancel(*, matter: Matter, by, note: str) -> Matter:
    _require_supervisor(by)
    return transition(
        matter,
        allowed_from=OPEN_MATTER_STATUSES,
        to=MatterStatus.CANCELLED,
        message=CLOSED,
        closing_note=note,
        closed_at=timezone.now(),
    )


def matter_chase(*, matter: Matter, by, channel: str, note: str) -> Chase:
    _require_supervisor(by)
    if not matter.is_open:
        raise TransitionError(_("事项已关闭，无需再催办。"))
    return Chase.objects.create(matter=matter, by=by, channel=channel, note=note)


# --- risks -----------------------------------------------------------------------------------


def risk_raise(
    *, by, area, level, title, evidence: str, team, today: dt.date, lead=None, subject=None
) -> Risk:
    """A risk raised by hand (S-ONE-2: a risk forecast the supervisor forces). A risk of no
    team is company-wide and names the lead who must answer it."""
    if by.role not in {Role.ADMIN, Role.SUPERVISOR, Role.LEAD}:
        raise PermissionDenied
    if team is None and lead is None:
        raise TransitionError(_("全公司的风险请指定负责的主管。"))
    risk = Risk(
        key=f"{MANUAL}:{uuid.uuid4().hex}",
        source=MANUAL,
        area=area,
        level=level,
        title=title,
        evidence=[line for line in evidence.splitlines() if line.strip()],
        team=team,
        line=team.line if team else None,
        lead=lead,
        opened_on=today,
        last_seen_on=today,
        raised_by=by,
    )
    risk.set_subject(subject)
    risk.save()
    return risk


def risk_close(*, risk: Risk, by, today: dt.date) -> Risk:
    """Close a hand-raised risk; detector risks close themselves when the data says so."""
    _require_supervisor(by)
    if risk.source != MANUAL:
        raise TransitionError(_("这条风险由系统检测，数据恢复正常后会自动消除。"))
    return transition(
        risk,
        allowed_from=[RiskStatus.OPEN, RiskStatus.PLANNING, RiskStatus.MITIGATED],
        to=RiskStatus.RESOLVED,
        message=CLOSED,
        resolved_on=today,
    )


# --- plans -----------------------------------------------------------------------------------


def plan_demand(
    *,
    subject: Risk | Matter,
    by,
    lead,
    submit_by: dt.date,
    request: str,
    requires_forecast: bool | None = None,
) -> Plan:
    """倒逼: demand a remediation plan for a risk or a matter from a lead by a date.

    A company-wide risk (no team) is answered by the team of the lead it names. Whether the
    plan must forecast what could still go wrong (S-ONE-2) defaults to the area's policy.
    """
    _require_supervisor(by)
    return _demand(
        subject,
        lead=lead,
        submit_by=submit_by,
        request=request,
        by=by,
        requires_forecast=requires_forecast,
    )


def plan_demand_auto(*, risk: Risk, today: dt.date) -> Plan | None:
    """The system's own 倒逼: a red risk still without a plan after the area's number of
    working days gets one demanded from its responsible lead, once (a risk that ever had a
    plan is left to the supervisor). Returns the plan, or None when nothing was due."""
    policy = AreaPolicy.for_area(risk.area)
    if not policy.auto_demand_after or risk.plans.exists():
        return None
    lead = responsible_lead(risk)
    if lead is None:
        return None
    rule = _("红色风险 %(days)d 个工作日没有方案，系统自动倒逼（%(area)s）") % {
        "days": policy.auto_demand_after,
        "area": risk.get_area_display(),
    }
    request = _("请分析原因，提出措施和节点：%(title)s") % {"title": risk.title}
    submit_by = calendar.add_workdays(today, policy.submit_within)
    try:
        return _demand(risk, lead=lead, submit_by=submit_by, request=request, auto_rule=rule)
    except TransitionError:  # another tick (or a supervisor) demanded one meanwhile
        return None


def plan_demand_on_event(
    *, area, team, lead, subject, title: str, request: str, rule: str, today: dt.date, lands_within
) -> Matter:
    """The system's own 倒逼 on an event an area records (a staff change, say): a matter about
    ``subject`` owned by ``lead``, with a plan demanded from them within the area's submit days
    (AreaPolicy.submit_within); the matter is due ``lands_within`` working days later. The
    area keeps the matter, so as to demand once per event."""
    submit_by = calendar.add_workdays(today, AreaPolicy.for_area(area).submit_within)
    with transaction.atomic():
        matter = Matter(
            title=title[:200],
            description=request,
            area=area,
            team=team,
            owner=lead,
            deadline=calendar.add_workdays(submit_by, lands_within),
        )
        matter.set_subject(subject)
        matter.save()
        _demand(matter, lead=lead, submit_by=submit_by, request=request, auto_rule=rule)
    return matter


def responsible_lead(risk: Risk):
    """The lead who answers a risk: the one it names, else the first lead of its team."""
    if risk.lead_id:
        return risk.lead
    if risk.team_id:
        return risk.team.leads.order_by("pk").first()
    return None


def _demand(subject, *, lead, submit_by, request, by=None, auto_rule="", requires_forecast=None):
    team = subject.team or lead.led_teams.order_by("pk").first()
    if team is None or not team.leads.filter(pk=lead.pk).exists():
        raise TransitionError(_("请选择该团队的主管来提交方案。"))
    if requires_forecast is None:
        requires_forecast = AreaPolicy.for_area(subject.area).requires_forecast
    field = "risk" if isinstance(subject, Risk) else "matter"
    with transaction.atomic():
        if Plan.objects.filter(**{field: subject}, status__in=LIVE_PLAN_STATUSES).exists():
            raise TransitionError(_("这一项已有进行中的方案，请先处理它。"))
        plan = Plan(
            **{field: subject},
            team=team,
            lead=lead,
            demanded_by=by,
            auto_rule=auto_rule,
            submit_by=submit_by,
            request=request,
            requires_forecast=requires_forecast,
            subject_type_id=subject.subject_type_id,
            subject_id=subject.subject_id,
        )
        try:
            with transaction.atomic():
                plan.save()
        except IntegrityError:  # one live plan per risk: another demand won the race
            raise TransitionError(_("这一项已有进行中的方案，请先处理它。")) from None
        if isinstance(subject, Risk) and subject.status == RiskStatus.OPEN:
            transition(
                subject, allowed_from=[RiskStatus.OPEN], to=RiskStatus.PLANNING, message=CLOSED
            )
        _tell_lead(plan, MessageKind.PLAN_DEMANDED, _("倒逼方案：%(what)s") % {"what": subject})
    return plan


def _tell_lead(plan: Plan, kind: str, reason: str, comment: str = "") -> None:
    """The lead hears of a plan demanded of them, or returned to them (notify's outbox)."""
    lines = [
        (_("团队"), plan.team.name),
        (_("要求"), plan.request),
        (_("提交期限"), f"{plan.submit_by:%Y-%m-%d}"),
    ]
    if comment:
        lines.append((_("审核意见"), comment))
    outbox_enqueue(
        messages=[
            Notice(
                plan.lead_id,
                reason,
                plan.get_absolute_url(),
                f"plan:{plan.pk}:{kind}:v{plan.versions.count()}",
                kind=kind,
                lines=tuple(lines),
            )
        ]
    )


def plan_submit(
    *,
    plan: Plan,
    by,
    cause: str,
    measures: str,
    milestones: list[dict],
    forecast: str = "",
    fallback: str = "",
) -> PlanVersion:
    """The lead submits (or resubmits) cause, measures and milestones, and when the plan asks
    for it, a risk forecast and a fallback (S-ONE-2); every version is kept."""
    if by.pk != plan.lead_id and not plan.team.leads.filter(pk=by.pk).exists():
        raise PermissionDenied(_("只有该团队的主管可以提交方案。"))
    if not milestones:
        raise TransitionError(_("方案至少要有一个节点。"))
    if plan.requires_forecast and not (forecast.strip() and fallback.strip()):
        raise TransitionError(_("这个方案要求风险预判：请写明还可能出什么问题，以及备用办法。"))
    with transaction.atomic():
        transition(
            plan, allowed_from=PENDING_PLAN_STATUSES, to=PlanStatus.SUBMITTED, message=CLOSED
        )
        number = (
            plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = PlanVersion.objects.create(
            plan=plan,
            number=number,
            cause=cause,
            measures=measures,
            forecast=forecast.strip(),
            fallback=fallback.strip(),
            submitted_by=by,
        )
        Milestone.objects.bulk_create(Milestone(version=version, **m) for m in milestones)
    return version


def plan_review(*, plan: Plan, by, approve: bool, comment: str) -> Plan:
    """The supervisor approves the submitted plan, or returns it with a comment."""
    _require_supervisor(by, not_lead_of=plan)
    if not approve and not comment.strip():
        raise TransitionError(_("退回方案时请写明意见，主管才知道要改什么。"))
    decision = PlanVersion.Decision.APPROVED if approve else PlanVersion.Decision.RETURNED
    with transaction.atomic():
        transition(
            plan,
            allowed_from=[PlanStatus.SUBMITTED],
            to=PlanStatus.APPROVED if approve else PlanStatus.RETURNED,
            message=CLOSED,
        )
        plan.versions.filter(number=plan.versions.order_by("-number").values("number")[:1]).update(
            decision=decision, review_comment=comment, reviewed_by=by, reviewed_at=timezone.now()
        )
        if not approve:
            reason = _("方案被退回，请修改后重新提交：%(plan)s") % {"plan": plan}
            _tell_lead(plan, MessageKind.PLAN_RETURNED, reason, comment)
    return plan


def milestone_done(*, milestone: Milestone, by, evidence: str, done_on: dt.date) -> Milestone:
    plan = Plan.objects.select_related("team").get(pk=milestone.version.plan_id)
    if not is_supervisor(by) and not plan.team.leads.filter(pk=by.pk).exists():
        raise PermissionDenied
    if plan.status != PlanStatus.APPROVED:
        raise TransitionError(_("方案通过审核后才能确认节点完成。"))
    if not evidence.strip():
        raise TransitionError(_("标记完成时必须写明完成依据。"))
    claimed = Milestone.objects.filter(pk=milestone.pk, done_on__isnull=True).update(
        done_on=done_on, evidence=evidence.strip(), done_by=by
    )
    if not claimed:
        raise TransitionError(CLOSED)
    agenda_changed()  # an update, which no signal reports
    milestone.refresh_from_db()
    return milestone


def plan_verify(*, plan: Plan, by, landed: bool, note: str, today: dt.date) -> Plan:
    """落地 or not: the supervisor's verdict; a landed plan needs every milestone done."""
    _require_supervisor(by, not_lead_of=plan)
    if landed and current_milestones(plan).filter(done_on__isnull=True).exists():
        raise TransitionError(_("还有节点没有完成，不能验证为已落地。"))
    with transaction.atomic():
        transition(
            plan,
            allowed_from=[PlanStatus.APPROVED],
            to=PlanStatus.LANDED if landed else PlanStatus.FAILED,
            message=CLOSED,
            verification_note=note,
            closed_on=today,
        )
        if plan.risk_id:
            risk = plan.risk
            target = RiskStatus.MITIGATED if landed else RiskStatus.OPEN
            if risk.status == RiskStatus.PLANNING:
                transition(risk, allowed_from=[RiskStatus.PLANNING], to=target, message=CLOSED)
    return plan


def plan_cancel(*, plan: Plan, by, note: str, today: dt.date) -> Plan:
    _require_supervisor(by)
    with transaction.atomic():
        transition(
            plan,
            allowed_from=[*PENDING_PLAN_STATUSES, PlanStatus.SUBMITTED, PlanStatus.APPROVED],
            to=PlanStatus.CANCELLED,
            message=CLOSED,
            verification_note=note,
            closed_on=today,
        )
        if plan.risk_id and plan.risk.status == RiskStatus.PLANNING:
            transition(
                plan.risk, allowed_from=[RiskStatus.PLANNING], to=RiskStatus.OPEN, message=CLOSED
            )
    return plan


def current_milestones(plan: Plan):
    """The milestones of the plan's latest version."""
    return Milestone.objects.filter(
        version__plan=plan, version__number=plan.versions.order_by("-number").values("number")[:1]
    )


# --- table versions --------------------------------------------------------------------------


@dataclass
class TableDiff:
    """One team's part of an imported table, as the area compared it with what it held."""

    rows: int
    new: list[str] = field(default_factory=list)  # keys of the rows new in the table
    changed: list[str] = field(default_factory=list)
    more: dict[str, list[str]] = field(default_factory=dict)  # the area's own, e.g. settled
    summary: dict = field(default_factory=dict)  # the area's figures, e.g. the total owed


def previous_versions(kind: str, team_ids, before: dt.date | None = None):
    """Each team's latest version of a kind of table, or its latest as of ``before`` (the date
    of the version being recorded: a late upload of an older table compares with the one
    before it in time, never with a later one)."""
    latest = {}
    rows = TableVersion.objects.filter(kind=kind, team__in=list(team_ids))
    if before is not None:
        rows = rows.filter(as_of__lte=before)
    rows = rows.order_by("team", "-as_of", "-pk")
    for version in rows:
        latest.setdefault(version.team_id, version)
    return latest


def table_versions_record(*, kind: str, as_of: dt.date, batch, diffs: dict[int, TableDiff]):
    """A dated version of the table for each team in ``diffs``, each linked to that team's
    previous version of the same kind; one that changed nothing is recorded as such."""
    previous = previous_versions(kind, diffs, before=as_of)
    versions = [
        TableVersion(
            kind=kind,
            team_id=team_id,
            as_of=as_of,
            batch=batch,
            previous=previous.get(team_id),
            rows=diff.rows,
            new_count=len(diff.new),
            changed_count=len(diff.changed),
            summary=diff.summary,
            changes={
                "new": diff.new[:CHANGES_KEPT],
                "changed": diff.changed[:CHANGES_KEPT],
                **{name: keys[:CHANGES_KEPT] for name, keys in diff.more.items()},
            },
        )
        for team_id, diff in sorted(diffs.items())
    ]
    return TableVersion.objects.bulk_create(versions)


CHANGES_KEPT = 200
