"""`duban tick`: materialise check-ins, run the detectors, escalate what is overdue.

Each step is idempotent and safe to run twice at once: check-ins and risks are unique by
(rule, team, day) and by key, escalations are claimed with conditional updates, and outbox
messages are unique by their dedupe key.
"""

import bisect
import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duban.core import calendar
from duban.core.transitions import TransitionError, transition
from duban.notify.services import Message, outbox_enqueue
from duban.org.models import Team
from duban.supervision.cadence import occurrences, parse_numbers, workdays_around
from duban.supervision.choices import CheckInStatus, Escalation, RiskStatus, ScopeKind
from duban.supervision.models import CheckIn, FollowUpRule, Matter, Milestone, Plan, Risk
from duban.supervision.registry import DETECTORS, Signal

HORIZON_DAYS = 14  # check-ins exist this far ahead
SUPERVISOR_AFTER_WORKDAYS = 2  # overdue this many working days: the supervisor and line head hear


def tick(*, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    report = {"checkins_created": checkins_materialize(today=today)}
    report.update(risks_sync(today=today))
    report.update(escalate(today=today))
    return report


# --- check-ins -------------------------------------------------------------------------------


def checkins_materialize(*, today: dt.date, rules=None, horizon_days: int = HORIZON_DAYS) -> int:
    """Create the check-ins of active rules from today to the horizon; returns how many."""
    end = today + dt.timedelta(days=horizon_days)
    if rules is None:
        rules = FollowUpRule.objects.filter(is_active=True)
    rules = list(rules.prefetch_related("leads"))
    teams = list(Team.objects.filter(is_active=True))
    team_leads = _team_leads()
    workdays = workdays_around(today, end)
    wanted = []
    for rule in rules:
        dates = _rule_dates(rule, today, end, workdays)
        rule_leads = {lead.pk for lead in rule.leads.all()}
        for team in (t for t in teams if _covers(rule, t)):
            lead_id = _counterpart(rule_leads, team_leads[team.pk])
            wanted += [_checkin(rule, team, lead_id, day) for day in dates]
    existing = set(
        CheckIn.objects.filter(rule__in=rules, date__range=(today, end)).values_list(
            "rule_id", "team_id", "date"
        )
    )
    new = [c for c in wanted if (c.rule_id, c.team_id, c.date) not in existing]
    CheckIn.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)


def rule_rematerialize(*, rule: FollowUpRule, today: dt.date) -> int:
    """After a rule changed: replace its untouched future check-ins; past ones stay as they were."""
    with transaction.atomic():
        CheckIn.objects.filter(
            rule=rule, date__gt=today, status=CheckInStatus.PLANNED, findings=""
        ).delete()
        if not rule.is_active:
            return 0
        return checkins_materialize(
            today=today + dt.timedelta(days=1), rules=FollowUpRule.objects.filter(pk=rule.pk)
        )


def _rule_dates(rule, today, end, workdays):
    start = max(today, rule.start_date or today)
    return occurrences(
        rule.cadence,
        start,
        end,
        weekdays=parse_numbers(rule.weekdays, 1, 7),
        month_days=parse_numbers(rule.month_days, 1, 31),
        workdays=workdays,
    )


def _team_leads() -> dict[int, list[int]]:
    leads = defaultdict(list)
    for team_id, user_id in Team.leads.through.objects.order_by("user_id").values_list(
        "team_id", "user_id"
    ):
        leads[team_id].append(user_id)
    return leads


def _covers(rule: FollowUpRule, team: Team) -> bool:
    if rule.scope == ScopeKind.TEAM:
        return team.pk == rule.team_id
    if rule.scope == ScopeKind.LINE and team.line_id != rule.line_id:
        return False
    return not rule.team_kind or team.kind == rule.team_kind


def _counterpart(rule_leads: set[int], team_leads: list[int]) -> int | None:
    named = [lead for lead in team_leads if lead in rule_leads]
    return (named or team_leads or [None])[0]


def _checkin(rule, team, lead_id, day) -> CheckIn:
    return CheckIn(
        rule=rule,
        area=rule.area,
        title=rule.title,
        team=team,
        lead_id=lead_id,
        owner_id=rule.owner_id,
        date=day,
        agreed_time=rule.agreed_time,
        channel=rule.channel,
    )


# --- risks -----------------------------------------------------------------------------------


def risks_sync(*, today: dt.date) -> dict[str, int]:
    """Run every detector and bring its risks in line with what it sees today."""
    counts = defaultdict(int)
    for name, registered in DETECTORS.items():
        signals = {signal.key: signal for signal in registered.func(today)}
        for key, value in _sync_detector(name, registered.area, signals, today).items():
            counts[key] += value
    return {key: counts[key] for key in ["risks_opened", "risks_reopened", "risks_resolved"]}


def _sync_detector(name, area, signals: dict[str, Signal], today) -> dict[str, int]:
    known = {
        risk.key: risk
        for risk in Risk.objects.filter(
            Q(key__in=signals) | (Q(source=name) & ~Q(status=RiskStatus.RESOLVED))
        )
    }
    new = [_risk(name, area, s, today) for key, s in signals.items() if key not in known]
    Risk.objects.bulk_create(new, ignore_conflicts=True)
    reopened = 0
    for key, signal in signals.items():
        if key in known:
            reopened += _refresh(known[key], signal, today)
    Risk.objects.filter(key__in=signals).update(last_seen_on=today)
    resolved = sum(_resolve(risk, today) for key, risk in known.items() if key not in signals)
    return {"risks_opened": len(new), "risks_reopened": reopened, "risks_resolved": resolved}


def _risk(source, area, signal: Signal, today) -> Risk:
    return Risk(
        key=signal.key,
        source=source,
        area=area,
        level=signal.level,
        title=signal.title,
        evidence=signal.evidence,
        team_id=signal.team_id,
        line_id=signal.line_id,
        subject_label=signal.subject_label,
        subject_url=signal.subject_url,
        opened_on=today,
        last_seen_on=today,
    )


def _refresh(risk: Risk, signal: Signal, today) -> int:
    """Update what changed; reopen the risk if it had been resolved or its plan had landed."""
    if risk.status in (RiskStatus.MITIGATED, RiskStatus.RESOLVED):
        try:
            transition(
                risk,
                allowed_from=[RiskStatus.MITIGATED, RiskStatus.RESOLVED],
                to=RiskStatus.OPEN,
                message="",
                reopened_count=risk.reopened_count + 1,
                resolved_on=None,
                level=signal.level,
                title=signal.title,
                evidence=signal.evidence,
            )
        except TransitionError:  # another tick reopened it meanwhile
            return 0
        return 1
    if (risk.level, risk.title, risk.evidence) != (signal.level, signal.title, signal.evidence):
        risk.level, risk.title, risk.evidence = signal.level, signal.title, signal.evidence
        risk.save(update_fields=["level", "title", "evidence"])
    return 0


def _resolve(risk: Risk, today) -> int:
    try:
        transition(
            risk,
            allowed_from=[RiskStatus.OPEN, RiskStatus.PLANNING, RiskStatus.MITIGATED],
            to=RiskStatus.RESOLVED,
            message="",
            resolved_on=today,
        )
    except TransitionError:
        return 0
    return 1


# --- escalation ------------------------------------------------------------------------------


def escalate(*, today: dt.date) -> dict[str, int]:
    """Raise overdue plan submissions, milestones, check-ins and matters, and tell people.

    Level 1 (overdue at all): the lead responsible. Level 2 (overdue
    SUPERVISOR_AFTER_WORKDAYS working days or more): the supervisors and head of the line too.
    """
    now = timezone.now()
    plans = Plan.objects.overdue_submission(today).select_related("team__line")
    milestones = Milestone.objects.overdue(today).select_related("version__plan__team__line")
    checkins = CheckIn.objects.overdue(today).select_related("team__line")
    matters = Matter.objects.past_deadline(today).select_related("team__line")
    items = (
        [(Plan, plan, plan.submit_by, plan, _("方案逾期未提交")) for plan in plans]
        + [(Milestone, m, m.due_date, m.version.plan, _("方案节点逾期未完成")) for m in milestones]
        + [(CheckIn, c, c.date, c, _("督办跟进逾期未完成")) for c in checkins]
        + [(Matter, m, m.deadline, m, _("督办事项超期未完成")) for m in matters]
    )
    if not items:
        return {"escalated": 0, "messages": 0}
    workdays = calendar.workdays_between(min(due for _, _, due, _, _ in items), today)
    supervisors = _line_supervisors()
    messages, escalated = [], 0
    for model, item, due, owner_item, reason in items:
        level = _level(workdays, due, today)
        if item.escalation >= level:
            continue
        if model.objects.filter(pk=item.pk, escalation__lt=level).update(
            escalation=level, escalated_at=now
        ):
            escalated += 1
        messages += _messages(item, owner_item, level, reason, supervisors)
    return {"escalated": escalated, "messages": outbox_enqueue(messages=messages)}


def _level(workdays: list[dt.date], due: dt.date, today: dt.date) -> int:
    overdue = len(workdays) - bisect.bisect_right(workdays, due)  # working days in (due, today]
    return Escalation.SUPERVISOR if overdue >= SUPERVISOR_AFTER_WORKDAYS else Escalation.LEAD


def _line_supervisors() -> dict[int, set[int]]:
    from duban.org.models import BusinessLine

    people = defaultdict(set)
    for line_id, user_id in BusinessLine.supervisors.through.objects.values_list(
        "businessline_id", "user_id"
    ):
        people[line_id].add(user_id)
    for line_id, head_id in BusinessLine.objects.exclude(head=None).values_list("pk", "head_id"):
        people[line_id].add(head_id)
    return people


def _messages(item, owner_item, level, reason, supervisors) -> list[Message]:
    responsible = getattr(owner_item, "lead_id", None) or getattr(owner_item, "owner_id", None)
    recipients = {responsible} - {None}
    if level >= Escalation.SUPERVISOR:
        recipients |= supervisors[owner_item.team.line_id]
    kind = type(item).__name__.lower()
    text = f"{reason}：{owner_item.team.name} · {item}"
    link = owner_item.get_absolute_url()
    return [
        Message(user_id, text[:300], link, f"escalate:{kind}:{item.pk}:L{level}:u{user_id}")
        for user_id in sorted(recipients)
    ]
