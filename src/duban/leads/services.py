"""The sales-lead workflows (S-LEAD-1 … S-LEAD-8): every write of the area goes through here."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duban.core.services import save_versioned
from duban.core.transitions import transition
from duban.leads.choices import RequestStatus, Stage
from duban.leads.models import (
    LeadRequest,
    LeadSummary,
    LeadTask,
    PartnerCycle,
    RequestMilestone,
    SalesLead,
)
from duban.org.choices import Role, TeamKind
from duban.org.models import Team
from duban.supervision.choices import Outcome

WRITERS = {Role.ADMIN, Role.SUPERVISOR, Role.LEAD}
CHANGED = gettext_lazy("这条需求的状态已经变化，请刷新页面后再操作。")


def _visible(user) -> set[int]:
    return set(Team.objects.visible_to(user).values_list("pk", flat=True))


def _may(user, *teams) -> None:
    if user.role not in WRITERS:
        raise PermissionDenied
    visible = _visible(user)
    if not all(team.pk in visible for team in teams if team is not None):
        raise PermissionDenied


# --- requests (S-LEAD-1) ---------------------------------------------------------------------


def request_raise(*, by, back_team: Team, team: Team, today: dt.date, **fields) -> LeadRequest:
    """The back end asks a front team for leads."""
    _may(by, back_team)
    if back_team.kind != TeamKind.BACK or team.kind != TeamKind.FRONT:
        raise ValidationError(_("销线需求由后端团队向前端团队提出"))
    request = LeadRequest(back_team=back_team, team=team, raised_by=by, raised_on=today, **fields)
    request.full_clean()
    request.save()
    return request


def request_agree(
    *, request: LeadRequest, by, accepted: int, starts_on, target_on, milestones: list[dict]
) -> LeadRequest:
    """What the front end can do, agreed with the back end: the accepted quantity from a day
    to a target date, with milestones. The front end's lead (or a supervisor) records it; the
    back end's confirmation is recorded by ``request_confirm``."""
    _may(by, request.team)
    if accepted < 1:
        raise ValidationError(_("承接数量至少为 1"))
    if target_on < starts_on:
        raise ValidationError(_("目标日期不能早于开始日期"))
    for milestone in milestones:
        if not starts_on <= milestone["due_on"] <= target_on:
            raise ValidationError(
                _("节点“%(t)s”的期限应在开始和目标日期之间") % {"t": milestone["title"]}
            )
    with transaction.atomic():
        transition(
            request,
            allowed_from=[RequestStatus.RAISED, RequestStatus.AGREED],
            to=RequestStatus.AGREED,
            message=CHANGED,
            accepted=accepted,
            starts_on=starts_on,
            target_on=target_on,
            agreed_front=by,
            agreed_back=None,
            agreed_at=timezone.now(),
        )
        request.milestones.all().delete()
        RequestMilestone.objects.bulk_create(
            RequestMilestone(request=request, **milestone) for milestone in milestones
        )
    return request


def request_confirm(*, request: LeadRequest, by) -> LeadRequest:
    """The back end confirms the agreed target."""
    _may(by, request.back_team)
    return transition(
        request,
        allowed_from=[RequestStatus.AGREED],
        to=RequestStatus.AGREED,
        message=CHANGED,
        agreed_back=by,
    )


def request_decline(*, request: LeadRequest, by, reason: str) -> LeadRequest:
    _may(by, request.team)
    if not reason.strip():
        raise ValidationError(_("请写明拒绝的原因"))
    return transition(
        request,
        allowed_from=[RequestStatus.RAISED],
        to=RequestStatus.DECLINED,
        message=CHANGED,
        declined_reason=reason.strip(),
    )


def request_close(*, request: LeadRequest, by, done: bool) -> LeadRequest:
    _may(by, request.back_team)
    return transition(
        request,
        allowed_from=[RequestStatus.RAISED, RequestStatus.AGREED],
        to=RequestStatus.DONE if done else RequestStatus.CANCELLED,
        message=CHANGED,
    )


def milestone_done(*, milestone: RequestMilestone, by, done_on: dt.date) -> RequestMilestone:
    _may(by, milestone.request.team)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    return milestone


# --- daily tasks (S-LEAD-2, S-LEAD-7) -------------------------------------------------------


def task_arrange(
    *, by, team: Team, date: dt.date, assignee, work: str, planned: int = 0, request=None
) -> LeadTask:
    _may(by, team)
    if assignee.team_id != team.pk:
        raise ValidationError(_("执行人须是本团队的员工"))
    if request is not None and request.team_id != team.pk:
        raise ValidationError(_("只能安排本团队承接的需求"))
    task = LeadTask(
        team=team,
        date=date,
        assignee=assignee,
        work=work,
        planned=planned,
        request=request,
        arranged_by=by,
    )
    task.full_clean()
    task.save()
    return task


def task_result(
    *, task: LeadTask, by, outcome: str, achieved=None, next_step="", explained=False
) -> LeadTask:
    """The result collected (结果回收)."""
    _may(by, task.team)
    if outcome not in Outcome.values:
        raise ValidationError(_("请选择结果"))
    task.outcome, task.achieved, task.next_step, task.explained = (
        outcome,
        achieved,
        next_step,
        explained,
    )
    task.collected_at = timezone.now()
    task.full_clean()
    task.save()
    return task


# --- sales leads (S-LEAD-4) -----------------------------------------------------------------


def lead_record(*, by, team: Team, today: dt.date, **fields) -> SalesLead:
    _may(by, team)
    owner, request = fields.get("owner"), fields.get("request")
    if owner is not None and owner.team_id != team.pk:
        raise ValidationError(_("负责人须是本团队的员工"))
    if request is not None and request.team_id != team.pk:
        raise ValidationError(_("只能对应本团队承接的需求"))
    fields.setdefault("delivered_on", today)
    lead = SalesLead(team=team, probability_on=today, **fields)
    _closing(lead, today)
    lead.full_clean()
    lead.save()
    return lead


def lead_update(
    *, lead: SalesLead, by, today: dt.date, expected_version: int, **fields
) -> SalesLead:
    """Change a lead; a new probability is dated today (its calibration needs the last
    estimate before the outcome, and a stale one is visible)."""
    _may(by, lead.team)
    if "team" in fields and fields["team"] != lead.team:
        raise ValidationError(_("销线不能改到另一个团队"))
    owner, request = fields.get("owner"), fields.get("request")
    if owner is not None and owner.team_id != lead.team_id:
        raise ValidationError(_("负责人须是本团队的员工"))
    if request is not None and request.team_id != lead.team_id:
        raise ValidationError(_("只能对应本团队承接的需求"))
    old_probability = lead.probability
    for name, value in fields.items():
        setattr(lead, name, value)
    if lead.probability != old_probability:
        lead.probability_on = today
    _closing(lead, today)
    lead.full_clean()
    return save_versioned(lead, expected_version=expected_version)


def _closing(lead: SalesLead, today: dt.date) -> None:
    if lead.stage in (Stage.WON, Stage.LOST):
        lead.closed_on = lead.closed_on or today
        if lead.stage == Stage.LOST and not lead.lost_reason.strip():
            raise ValidationError({"lost_reason": _("请写明流失原因")})
    else:
        lead.closed_on, lead.lost_reason = None, ""


# --- summaries (S-LEAD-5) -------------------------------------------------------------------


def summary_write(
    *,
    by,
    team: Team,
    date: dt.date,
    text: str,
    next_target: str,
    next_milestone: str,
    figures: dict,
) -> LeadSummary:
    """The team's summary of the day; written again the same day, it is replaced."""
    _may(by, team)
    summary, _created = LeadSummary.objects.update_or_create(
        team=team,
        date=date,
        defaults={
            "text": text.strip(),
            "next_target": next_target.strip(),
            "next_milestone": next_milestone.strip(),
            "figures": figures,
            "written_by": by,
        },
    )
    return summary


# --- partner cycles (S-LEAD-6) --------------------------------------------------------------


def cycle_set(*, by, partner, team: Team, today: dt.date | None = None, **fields) -> PartnerCycle:
    """A partner's reporting cycle as a team follows it; with ``today``, the rules that follow
    cycles re-plan their check-ins at once (the untouched ones of the old days go)."""
    from duban.supervision.models import FollowUpRule
    from duban.supervision.tick import checkins_materialize

    _may(by, team)
    try:
        with transaction.atomic():
            cycle, _created = PartnerCycle.objects.update_or_create(
                partner=partner, team=team, defaults=fields
            )
            cycle.full_clean()
    except IntegrityError:
        raise ValidationError(_("这个团队已在跟进这家合作单位")) from None
    if today is not None:
        rules = FollowUpRule.objects.filter(subject_kind="leads.partnercycle", is_active=True)
        checkins_materialize(today=today, rules=rules)
    return cycle


# --- the leads table imported (importers.LeadImporter) --------------------------------------


def leads_import(*, by, today: dt.date, leads: list[tuple[SalesLead, dict]], reason: str) -> None:
    """Write the leads of a checked leads table as ``lead_record`` and ``lead_update`` write
    one: a new lead delivered today unless the table says when, a new or changed probability
    dated today, won or lost closed (``_closing``), every field checked; the history names
    who imported which file. In the import's transaction, which has checked the versions."""
    _may(by, *{lead.team for lead, _fields in leads})
    for lead, fields in leads:
        old_probability = lead.probability if lead.pk else None
        for name, value in fields.items():
            setattr(lead, name, value)
        if lead.pk is None:
            lead.delivered_on = lead.delivered_on or today
        else:
            lead.version += 1
        if lead.probability != old_probability:
            lead.probability_on = today
        _closing(lead, today)
        lead.full_clean()
        lead._history_user, lead._change_reason = by, reason
        lead.save()
