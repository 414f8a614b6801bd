"""Writes on resources: hand-overs (流转) and swaps (调换) from plan to receipt."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duban.core.history import keep_baselines, record_bulk_changes
from duban.core.models import ExportLog
from duban.core.transitions import TransitionError, transition
from duban.notify.services import Message, outbox_enqueue
from duban.org.choices import Role
from duban.resources.choices import WORKABLE, HandoverKind, HandoverStatus, ResourceStatus
from duban.resources.models import Handover, Numbers, Resource
from duban.resources.selectors import full_numbers_q

CHANGED = gettext_lazy("这条流转的状态已经变化，请刷新页面后再操作。")


def _leads(user, team) -> bool:
    return team.leads.filter(pk=user.pk).exists()


def _require_lead_of(user, *teams) -> None:
    """An admin, a supervisor of one of ``teams``' lines, or a lead of one of them."""
    if not any(_may_lead(user, team) for team in teams):
        raise PermissionDenied(_("只有相关团队的主管或督办可以这样做。"))


def handover_plan(
    *, by, from_employee, to_employee, planned_on: dt.date, resources=(), count=None, reason=""
) -> Handover:
    """Plan a hand-over (within a team) or request a swap (to another team, S-RES-3: both
    leads approve). Either names the resources, or only how many."""
    resources = list(resources)
    if from_employee == to_employee:
        raise TransitionError(_("交出人和接收人不能是同一人。"))
    if any(r.owner_id != from_employee.pk or r.status not in WORKABLE for r in resources):
        raise TransitionError(_("只能交出交出人自己手上、还在跟进的资源。"))
    count = len(resources) or count
    if not count or count < 1:
        raise TransitionError(_("请选择要交出的资源，或填写数量。"))
    _require_lead_of(by, from_employee.team, to_employee.team)
    swap = from_employee.team_id != to_employee.team_id
    with transaction.atomic():
        handover = Handover.objects.create(
            kind=HandoverKind.SWAP if swap else HandoverKind.HANDOVER,
            team=from_employee.team,
            to_team=to_employee.team,
            from_employee=from_employee,
            to_employee=to_employee,
            count=count,
            planned_on=planned_on,
            reason=reason,
            status=HandoverStatus.REQUESTED if swap else HandoverStatus.PLANNED,
            created_by=by,
        )
        handover.resources.set(resources)
    if swap:
        handover_approve(handover=handover, by=by, quietly=True)
    _tell(handover)
    return handover


def _tell(handover: Handover) -> None:
    """Who must act next hears it (the outbox): the leads whose approval a swap still needs,
    else the receiver, who confirms receipt."""
    giver, receiver = handover.from_employee.name, handover.to_employee.name
    link = handover.get_absolute_url()
    if handover.status == HandoverStatus.REQUESTED:
        waiting = [
            team
            for field, team in (
                ("approved_by_from", handover.team),
                ("approved_by_to", handover.to_team),
            )
            if getattr(handover, f"{field}_id") is None
        ]
        text = f"调换待您同意：{giver} → {receiver}，{handover.count} 条资源"
        messages = [
            Message(lead.pk, text, link, f"handover:{handover.pk}:approve:u{lead.pk}")
            for team in waiting
            for lead in team.leads.all()
        ]
    elif handover.to_employee.user_id:
        text = (
            f"{giver} 计划于 {handover.planned_on} 交给您 {handover.count} 条资源，收到后请确认接收"
        )
        user = handover.to_employee.user_id
        messages = [Message(user, text, link, f"handover:{handover.pk}:receive:u{user}")]
    else:
        messages = []
    outbox_enqueue(messages=messages)


def handover_approve(*, handover: Handover, by, quietly: bool = False) -> Handover:
    """A swap needs the lead of each side (S-RES-3); with both it is planned."""
    sides = {
        "approved_by_from": handover.team,
        "approved_by_to": handover.to_team,
    }
    # the leads of the two teams, each for their side (an admin for both): S-RES-3
    mine = [field for field, team in sides.items() if by.role == Role.LEAD and _leads(by, team)]
    if by.role == Role.ADMIN:
        mine = list(sides)
    if not mine:
        if quietly:
            return handover
        raise PermissionDenied(_("只有双方团队的主管可以同意调换。"))
    with transaction.atomic():
        current = Handover.objects.select_for_update().get(pk=handover.pk)
        if current.status != HandoverStatus.REQUESTED:
            if quietly:
                return handover
            raise TransitionError(CHANGED)
        for field in mine:
            setattr(current, field, by)
        if current.approved_by_from_id and current.approved_by_to_id:
            current.status = HandoverStatus.PLANNED
        current.version += 1
        current.save()
    handover.refresh_from_db()
    if not quietly and handover.status == HandoverStatus.PLANNED:
        _tell(handover)  # both agreed: now the receiver
    return handover


def handover_send(*, handover: Handover, by) -> Handover:
    """The giver (or their lead) has handed the resources over: sent, not yet received. A
    hand-over of a count takes that many of the giver's workable resources, received longest
    ago first."""
    if not (_is(by, handover.from_employee) or _may_lead(by, handover.team)):
        raise PermissionDenied(_("只有交出人或交出团队的主管可以交出。"))
    with transaction.atomic():
        transition(
            handover,
            allowed_from=[HandoverStatus.PLANNED],
            to=HandoverStatus.SENT,
            message=CHANGED,
            sent_at=timezone.now(),
        )
        _take_resources(handover)
    return handover


def _take_resources(handover: Handover) -> None:
    held = Resource.objects.workable().filter(owner=handover.from_employee)
    named = list(handover.resources.values_list("pk", flat=True))
    if named:
        if held.filter(pk__in=named).count() != len(named):
            raise TransitionError(_("部分资源已不在交出人手上，请刷新后重新安排流转。"))
        return
    picked = list(
        held.order_by(F("received_on").asc(nulls_first=True), "pk").values_list("pk", flat=True)[
            : handover.count
        ]
    )
    if len(picked) < handover.count:
        raise TransitionError(
            _("%(name)s 手上只有 %(n)d 条可打的资源，少于计划流转的 %(count)d 条。")
            % {"name": handover.from_employee.name, "n": len(picked), "count": handover.count}
        )
    handover.resources.set(picked)


def handover_receive(*, handover: Handover, by, today: dt.date) -> Handover:
    """The receiver confirms (S-RES-7): only now is it received, and the resources theirs; a
    hand-over confirmed without being marked sent is sent and received at once."""
    if not (_is(by, handover.to_employee) or _may_lead(by, handover.to_team)):
        raise PermissionDenied(_("只有接收人或接收团队的主管可以确认接收。"))
    with transaction.atomic():
        was_sent = handover.status == HandoverStatus.SENT
        now = timezone.now()
        transition(
            handover,
            allowed_from=[HandoverStatus.PLANNED, HandoverStatus.SENT],
            to=HandoverStatus.RECEIVED,
            message=CHANGED,
            received_at=now,
            received_by=by,
            sent_at=handover.sent_at or now,
        )
        if not was_sent:
            _take_resources(handover)
        pks = list(handover.resources.values_list("pk", flat=True))
        keep_baselines(Resource, pks)
        Resource.objects.filter(pk__in=pks).update(
            owner=handover.to_employee,
            team=handover.to_team,
            received_on=today,
            version=F("version") + 1,
        )
        reason = _("流转：%(giver)s → %(receiver)s") % {
            "giver": handover.from_employee.name,
            "receiver": handover.to_employee.name,
        }
        record_bulk_changes(Resource, pks, user=by, reason=reason)
    return handover


def handovers_receive(*, handovers, by, today: dt.date) -> int:
    """Confirm several at once (the receiver's to-confirm list); returns how many."""
    done = 0
    for handover in handovers:
        try:
            handover_receive(handover=handover, by=by, today=today)
        except (TransitionError, PermissionDenied):
            continue
        done += 1
    return done


def may_arrange(handover: Handover, user) -> bool:
    """The receiving team's lead (or its supervisor, an admin) writes the arrangement."""
    return handover.status != HandoverStatus.CANCELLED and _may_lead(user, handover.to_team)


def handover_arrange(*, handover: Handover, by, arrangement: str, result: str = "") -> Handover:
    """The receiver's lead records how the received resources are to be worked, and later
    what came of it (S-RES-6: the supervisor follows this arrangement)."""
    if not may_arrange(handover, by):
        raise PermissionDenied(_("只有接收团队的主管可以记录工作安排。"))
    if not arrangement.strip():
        raise TransitionError(_("请写明接收后的工作安排。"))
    with transaction.atomic():
        current = Handover.objects.select_for_update().get(pk=handover.pk)
        current.arrangement, current.arrangement_result = arrangement.strip(), result.strip()
        current.version += 1
        current.save()
    return current


def handover_cancel(*, handover: Handover, by) -> Handover:
    _require_lead_of(by, handover.team, handover.to_team)
    return transition(
        handover,
        allowed_from=[HandoverStatus.REQUESTED, HandoverStatus.PLANNED, HandoverStatus.SENT],
        to=HandoverStatus.CANCELLED,
        message=CHANGED,
    )


def _is(user, employee) -> bool:
    return employee.user_id is not None and employee.user_id == user.pk


def _may_lead(user, team) -> bool:
    """An admin, a supervisor of the team's line, or a lead of the team."""
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.SUPERVISOR:
        return team.line.supervisors.filter(pk=user.pk).exists()
    return user.role == Role.LEAD and _leads(user, team)


def resource_worked(*, resource: Resource, by, day: dt.date) -> Resource:
    """A call made: the resource was worked on ``day`` (in progress if it was new). By its
    owner, or a lead of its team."""
    owner = resource.owner is not None and _is(by, resource.owner)
    if not owner and not _may_lead(by, resource.team):
        raise PermissionDenied(_("只有资源的负责人或其主管可以记录跟进。"))
    with transaction.atomic():
        current = Resource.objects.select_for_update().get(pk=resource.pk)
        if current.status not in WORKABLE:
            raise TransitionError(_("这条资源已关闭或沉睡，无需记录跟进。"))
        current.last_worked_on = day
        if current.status == ResourceStatus.NEW:
            current.status = ResourceStatus.IN_PROGRESS
        current.version += 1
        current.save()
    return current


def export_record(*, user, rows, count: int, via: str = "web", query: str = "") -> ExportLog:
    """Keep who exported phone numbers in full, how many rows and how many in full
    (个人信息保护法); ``rows`` is the exported queryset (from resources_for_export)."""
    full = count if Numbers(user).all else rows.filter(full_numbers_q(user)).count()
    return ExportLog.objects.create(
        user=user,
        what="resources",
        rows=count,
        full_rows=min(full, count),
        query=query[:500],
        via=via,
    )


def handover_actions(handover: Handover, user) -> dict[str, bool]:
    """What ``user`` may do with ``handover`` now: the buttons its page shows."""
    status = handover.status
    lead_from, lead_to = _may_lead(user, handover.team), _may_lead(user, handover.to_team)
    approved = {
        "approved_by_from": handover.approved_by_from_id,
        "approved_by_to": handover.approved_by_to_id,
    }
    return {
        "approve": status == HandoverStatus.REQUESTED
        and (
            user.role == Role.ADMIN
            or (user.role == Role.LEAD and lead_from and not approved["approved_by_from"])
            or (user.role == Role.LEAD and lead_to and not approved["approved_by_to"])
        ),
        "send": status == HandoverStatus.PLANNED
        and (_is(user, handover.from_employee) or lead_from),
        "receive": status in {HandoverStatus.PLANNED, HandoverStatus.SENT}
        and (_is(user, handover.to_employee) or lead_to),
        "cancel": status in {HandoverStatus.REQUESTED, HandoverStatus.PLANNED, HandoverStatus.SENT}
        and (lead_from or lead_to),
        "arrange": may_arrange(handover, user),
    }
