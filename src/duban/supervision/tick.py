"""`duban tick`: materialise check-ins, run the detectors, demand plans for red risks left
without one, escalate what is overdue.

Each step is idempotent and safe to run twice at once: check-ins and risks are unique by
(rule, team or item, day) and by key, a risk has at most one live plan, escalations are
claimed with conditional updates, and outbox messages are unique by their dedupe key.
"""

import bisect
import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from duban.core import calendar
from duban.core.transitions import TransitionError, transition
from duban.notify.models import MessageKind
from duban.notify.services import Message as Notice
from duban.notify.services import messages_send, outbox_enqueue
from duban.org.models import Team
from duban.supervision.caching import agenda_changed
from duban.supervision.cadence import occurrences, parse_numbers, workdays_around
from duban.supervision.choices import (
    CheckInStatus,
    Escalation,
    RiskLevel,
    RiskStatus,
    ScopeKind,
)
from duban.supervision.digests import digests_enqueue
from duban.supervision.models import AreaPolicy, CheckIn, FollowUpRule, Risk, RiskItem
from duban.supervision.registry import (
    CLOSING,
    DAILY,
    DETECTORS,
    EACH_TICK,
    ESCALATING,
    SUBJECT_KINDS,
    Message,
    Signal,
)

HORIZON_DAYS = 14  # check-ins exist this far ahead
SUPERVISOR_AFTER_WORKDAYS = 2  # overdue this many working days: the supervisor and line head hear


def tick(*, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    report = {"checkins_created": checkins_materialize(today=today)}
    if calendar.is_workday(today):
        for record in DAILY.values():
            record(today)
    report.update(risks_sync(today=today))
    report["plans_demanded"] = plans_autodemand(today=today)
    report.update(escalate(today=today))
    if calendar.is_workday(today):
        for name, record in CLOSING.items():
            report[name] = record(today)
    agenda_changed()  # the tick writes in bulk, which no signal reports
    if today == timezone.localdate():  # a tick for another day keeps and sends nothing
        for name, record in EACH_TICK.items():
            report[name] = record(today)
        report["digests"] = digests_enqueue()
        sent = messages_send()
        report["messages_sent"], report["messages_failed"] = sent["sent"], sent["failed"]
    return report


# --- check-ins -------------------------------------------------------------------------------


def checkins_materialize(*, today: dt.date, rules=None, horizon_days: int = HORIZON_DAYS) -> int:
    """Create the check-ins of active rules from today to the horizon; returns how many.

    A rule follows teams (one check-in per team and day) or the items of a subject kind (one
    per item and day, on the item's own cadence when the kind gives one). An item's untouched
    future check-ins follow it: when its class changes, or it is no longer followed, those
    no longer due go (past and today's stay).
    """
    end = today + dt.timedelta(days=horizon_days)
    if rules is None:
        rules = FollowUpRule.objects.filter(is_active=True)
    rules = list(rules.prefetch_related("leads"))
    teams = {team.pk: team for team in Team.objects.filter(is_active=True)}
    team_leads = _team_leads()
    workdays = workdays_around(today, end)
    wanted = []
    for rule in rules:
        rule_leads = {lead.pk for lead in rule.leads.all()}
        if rule.subject_kind:
            wanted += _item_checkins(rule, today, end, workdays, teams, team_leads, rule_leads)
            continue
        dates = _rule_dates(rule, today, end, workdays)
        for team in (t for t in teams.values() if _covers(rule, t)):
            lead_id = _counterpart(rule_leads, team_leads[team.pk])
            wanted += [_checkin(rule, team, lead_id, day) for day in dates]
    _drop_unwanted(rules, wanted, today, end)
    existing = set(
        CheckIn.objects.filter(rule__in=rules, rule_date__range=(today, end)).values_list(
            "rule_id", "team_id", "subject_id", "rule_date"
        )
    )
    new = [c for c in wanted if _identity(c) not in existing]
    CheckIn.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)


def _identity(checkin: CheckIn) -> tuple:
    return checkin.rule_id, checkin.team_id, checkin.subject_id, checkin.rule_date


def _item_checkins(rule, today, end, workdays, teams, team_leads, rule_leads) -> list[CheckIn]:
    kind = SUBJECT_KINDS.get(rule.subject_kind)
    if kind is None or kind.items is None:
        return []
    subject_type = ContentType.objects.get_for_model(kind.model)
    rule_dates = _rule_dates(rule, today, end, workdays)
    start = max(today, rule.start_date or today)
    checkins = []
    for item in kind.items(today):
        team = teams.get(kind.team_id(item))
        if team is None or not _covers(rule, team):
            continue
        dates = kind.dates(item, start, end, workdays) if kind.dates else None
        lead_id = kind.lead_id(item) or _counterpart(rule_leads, team_leads[team.pk])
        for day in rule_dates if dates is None else dates:
            checkin = _checkin(rule, team, lead_id, day)
            checkin.subject_type, checkin.subject_id = subject_type, item.pk
            checkin.title = f"{rule.title}：{item}"[:100]
            checkins.append(checkin)
    return checkins


def _drop_unwanted(rules, wanted: list[CheckIn], today: dt.date, end: dt.date) -> None:
    """An item rule's untouched future check-ins that are no longer due (the item changed
    class, or is no longer followed) go; done, waived, noted or moved ones stay."""
    item_rules = [rule.pk for rule in rules if rule.subject_kind]
    if not item_rules:
        return
    keep = {_identity(c) for c in wanted if c.rule_id in item_rules}
    future = CheckIn.objects.filter(
        rule__in=item_rules,
        date__gt=today,
        date__lte=end,
        rule_date=F("date"),
        status=CheckInStatus.PLANNED,
        findings="",
    ).values_list("pk", "rule_id", "team_id", "subject_id", "rule_date")
    unwanted = [row[0] for row in future if row[1:] not in keep]
    CheckIn.objects.filter(pk__in=unwanted).delete()


def rule_rematerialize(*, rule: FollowUpRule, today: dt.date) -> int:
    """After a rule changed: replace its untouched future check-ins; past ones stay as they were."""
    with transaction.atomic():
        CheckIn.objects.filter(
            rule=rule,
            date__gt=today,
            rule_date=F("date"),
            status=CheckInStatus.PLANNED,
            findings="",
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
        rule_date=day,
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
    _sync_items(signals)
    resolved = sum(_resolve(risk, today) for key, risk in known.items() if key not in signals)
    return {"risks_opened": len(new), "risks_reopened": reopened, "risks_resolved": resolved}


def _subject_fields(signal: Signal) -> dict:
    subject = signal.subject
    if subject is None:
        return {"subject_type": None, "subject_id": None}
    return {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": subject.pk}


def _texts(signal: Signal) -> tuple[str, list[str], dict]:
    """The signal's title and evidence in Chinese, for the record, and as message ids with
    parameters, to be shown in each reader's language."""
    with translation.override(settings.LANGUAGE_CODE):
        title, evidence = str(signal.title)[:200], [str(line) for line in signal.evidence]
    kept = [signal.title, *signal.evidence]
    if not any(isinstance(text, Message) for text in kept):
        return title, evidence, {}
    as_json = [text.as_json() if isinstance(text, Message) else str(text) for text in kept]
    return title, evidence, {"title": as_json[0], "evidence": as_json[1:]}


def _risk(source, area, signal: Signal, today) -> Risk:
    title, evidence, texts = _texts(signal)
    return Risk(
        key=signal.key,
        source=source,
        area=signal.area or area,
        level=signal.level,
        title=title,
        evidence=evidence,
        texts=texts,
        team_id=signal.team_id,
        line_id=signal.line_id,
        lead_id=signal.lead_id,
        subject_label=signal.subject_label,
        subject_url=signal.subject_url,
        opened_on=today,
        last_seen_on=today,
        **_subject_fields(signal),
    )


def _refresh(risk: Risk, signal: Signal, today) -> int:
    """Update what changed; reopen the risk if it had been resolved or its plan had landed."""
    title, evidence, texts = _texts(signal)
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
                title=title,
                evidence=evidence,
                texts=texts,
                lead_id=signal.lead_id,
            )
        except TransitionError:  # another tick reopened it meanwhile
            return 0
        return 1
    current = (risk.level, risk.title, risk.evidence, risk.texts, risk.lead_id)
    if current != (signal.level, title, evidence, texts, signal.lead_id):
        risk.level, risk.title, risk.evidence, risk.texts = signal.level, title, evidence, texts
        risk.lead_id = signal.lead_id
        risk.save(update_fields=["level", "title", "evidence", "texts", "lead"])
    return 0


def _sync_items(signals: dict[str, Signal]) -> None:
    """The items of grouped risks as the detector sees them now: rewritten where they changed."""
    grouped = {key: signal for key, signal in signals.items() if signal.items}
    if not grouped:
        return
    risks = dict(Risk.objects.filter(key__in=grouped).values_list("key", "pk"))
    stored = defaultdict(list)
    rows = RiskItem.objects.filter(risk__in=risks.values()).order_by("risk", "position")
    fields = ["risk_id", "label", "text", "level", "url", "subject_type", "subject_id"]
    for row in rows.values_list(*fields):
        stored[row[0]].append(row[1:])
    changed, new_items = [], []
    for key, risk_id in risks.items():
        items = [_item_row(item) for item in grouped[key].items]
        fresh = [(i.label, i.text, i.level, i.url, i.subject_type_id, i.subject_id) for i in items]
        if fresh == stored[risk_id]:
            continue
        changed.append(risk_id)
        for position, item in enumerate(items):
            item.risk_id, item.position = risk_id, position
            new_items.append(item)
    with transaction.atomic():
        # a tick running at once waits here, then replaces these items with its own
        list(Risk.objects.select_for_update().filter(pk__in=changed).order_by("pk").values("pk"))
        RiskItem.objects.filter(risk__in=changed).delete()
        RiskItem.objects.bulk_create(new_items, batch_size=1000)


def _item_row(item) -> RiskItem:
    subject = item.subject
    with translation.override(settings.LANGUAGE_CODE):
        label = str(item.label)[:300]
    return RiskItem(
        label=label,
        text=item.label.as_json() if isinstance(item.label, Message) else None,
        level=item.level,
        url=item.url[:300],
        subject_type_id=ContentType.objects.get_for_model(subject).pk if subject else None,
        subject_id=subject.pk if subject else None,
    )


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


def plans_autodemand(*, today: dt.date) -> int:
    """Automatic 倒逼: a red risk left without a plan for its area's number of working days
    (AreaPolicy) gets one demanded from its responsible lead, once; returns how many."""
    from duban.supervision.services import plan_demand_auto

    waiting = list(
        Risk.objects.active()
        .filter(level=RiskLevel.RED, status=RiskStatus.OPEN, plans__isnull=True)
        .select_related("team", "lead")
    )
    if not waiting:
        return 0
    policies = {area: AreaPolicy.for_area(area) for area in {risk.area for risk in waiting}}
    workdays = calendar.workdays_between(min(risk.opened_on for risk in waiting), today)
    demanded = 0
    for risk in waiting:
        after = policies[risk.area].auto_demand_after
        elapsed = len(workdays) - bisect.bisect_right(workdays, risk.opened_on)
        if after and elapsed >= after and plan_demand_auto(risk=risk, today=today):
            demanded += 1
    return demanded


def escalate(*, today: dt.date) -> dict[str, int]:
    """Raise what the areas registered as escalating (duban.supervision.registry.escalates)
    when overdue, and tell people.

    Level 1 (overdue at all): the lead responsible. Level 2 (overdue
    SUPERVISOR_AFTER_WORKDAYS working days or more): the supervisors and head of the line too.
    """
    now = timezone.now()
    items = [
        (kind, item, kind.due(item), kind.owner(item))
        for kind in ESCALATING.values()
        for item in kind.overdue(today)
    ]
    if not items:
        return {"escalated": 0, "messages": 0}
    workdays = calendar.workdays_between(min(entry[2] for entry in items), today)
    supervisors = _line_supervisors()
    messages, escalated = [], 0
    for kind, item, due, owner_item in items:
        level = _level(workdays, due, today)
        if item.escalation >= level:
            continue
        if kind.model.objects.filter(pk=item.pk, escalation__lt=level).update(
            escalation=level, escalated_at=now
        ):
            escalated += 1
        messages += _messages(item, owner_item, level, str(kind.reason), supervisors, due)
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


def _messages(item, owner_item, level, reason, supervisors, due) -> list[Notice]:
    responsible = getattr(owner_item, "lead_id", None) or getattr(owner_item, "owner_id", None)
    recipients = {responsible} - {None}
    if level >= Escalation.SUPERVISOR:
        recipients |= supervisors[owner_item.team.line_id]
    kind = type(item).__name__.lower()
    text = f"{reason}：{owner_item.team.name} · {item}"
    link = owner_item.get_absolute_url()
    lines = (
        (gettext("事项"), str(item)),
        (gettext("团队"), owner_item.team.name),
        (gettext("原因"), f"{reason}（{Escalation(level).label}）"),
        (gettext("期限"), f"{due:%Y-%m-%d}"),
    )
    return [
        Notice(
            user_id,
            text[:300],
            link,
            f"escalate:{kind}:{item.pk}:L{level}:u{user_id}",
            kind=MessageKind.ESCALATION,
            lines=lines,
        )
        for user_id in sorted(recipients)
    ]
