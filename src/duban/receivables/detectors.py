"""Receivable risks (S-AR-2 … S-AR-7), predicted from the tables for the supervision loop."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from duban.org.models import Team
from duban.receivables.choices import Category, Condition
from duban.receivables.models import (
    DunningAction,
    Payment,
    PlanLine,
    Receivable,
    Settings,
    TableVersion,
)
from duban.supervision.choices import Area, RiskLevel
from duban.supervision.registry import Signal, detector

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
TABLE_STALE_DAYS = 16
LARGE_DUE_SOON_DAYS = 14
LARGE_QUIET_DAYS = 7
WARRANTY_NOTICE_DAYS = 7
EVIDENCE_ROWS = 10
INVOICED = [Category.HISTORICAL, Category.IN_SALE, Category.FIXED_TERM]


def _open():
    return Receivable.objects.open().filter(outstanding__gt=0).select_related("team", "customer")


def _list_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('receivables:receivable_list')}?{query}"


def _money(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def _per_team(rows, key, title, level=None, url_params=None):
    """One signal per team over ``rows``, listing them as evidence.

    Without a ``level``, a team's signal is red when its total reaches the large amount.
    """
    by_team = defaultdict(list)
    for receivable in rows:
        by_team[receivable.team].append(receivable)
    large = Settings.current().large_amount
    for team, items in by_team.items():
        total = sum((r.outstanding for r in items), Decimal(0))
        yield Signal(
            key=f"{key}:team:{team.pk}",
            level=RiskLevel.RED
            if level == "auto" and total >= large
            else level
            if level != "auto"
            else RiskLevel.YELLOW,
            title=title % {"team": team.name, "n": len(items), "total": _money(total)},
            evidence=[
                f"{r.number} {r.customer.name} {_money(r.outstanding)} 到期 {r.due_date or '—'}"
                for r in items[:EVIDENCE_ROWS]
            ],
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=team.name,
            subject_url=_list_url(team=team.pk, **(url_params or {})),
        )


def _one(receivable, key, level, title, evidence):
    return Signal(
        key=f"{key}:{receivable.pk}",
        level=level,
        title=title,
        evidence=evidence,
        team_id=receivable.team_id,
        line_id=receivable.team.line_id,
        subject_label=receivable.number,
        subject_url=receivable.get_absolute_url(),
    )


@detector("ar_table_stale", area=Area.RECEIVABLES, seed_ref="S-AR-2")
def table_stale(today: dt.date):
    """A team with money outstanding whose AR table was not imported for 16 days."""
    latest = dict(
        TableVersion.objects.values("teams")
        .annotate(last=Max("as_of"))
        .values_list("teams", "last")
    )
    owing = Team.objects.filter(receivables__in=_open()).distinct()
    for team in owing:
        last = latest.get(team.pk)
        if last is not None and (today - last).days <= TABLE_STALE_DAYS:
            continue
        days = (today - last).days if last else None
        yield Signal(
            key=f"ar-table-stale:team:{team.pk}",
            level=RiskLevel.YELLOW,
            title=(
                f"{team.name} 的应收账表已 {days} 天未更新"
                if days
                else f"{team.name} 还没有导入过应收账表"
            ),
            evidence=[
                f"最近一版：{last}" if last else "没有导入记录",
                "应收账表每月更新两次（S-AR-2）",
            ],
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=team.name,
            subject_url=reverse("receivables:version_list"),
        )


def _without_plan():
    return (
        _open()
        .annotate(planned=Exists(PlanLine.objects.filter(receivable=OuterRef("pk"))))
        .filter(planned=False)
    )


@detector("ar_due_not_planned", area=Area.RECEIVABLES, seed_ref="S-AR-3")
def due_not_planned(today: dt.date):
    """Invoiced and due, but in no collection plan."""
    rows = _without_plan().filter(category__in=INVOICED, due_date__lte=today).order_by("due_date")
    yield from _per_team(
        rows,
        "ar-due-not-planned",
        "%(team)s 有 %(n)d 笔到期应收未列入回款计划（%(total)s）",
        "auto",
        {"overdue": "true"},
    )


@detector("ar_plan_missed", area=Area.RECEIVABLES, seed_ref="S-AR-3")
def plan_missed(today: dt.date):
    """A planned collection date passed and the money is still out, with no newer plan."""
    rows = (
        _open()
        .annotate(last_planned=Max("plan_lines__planned_date"))
        .filter(last_planned__lt=today)
        .order_by("last_planned")
    )
    yield from _per_team(
        rows,
        "ar-plan-missed",
        "%(team)s 有 %(n)d 笔应收过了计划回款日仍未回款（%(total)s）",
        RiskLevel.RED,
    )


@detector("ar_promise_broken", area=Area.RECEIVABLES, seed_ref="S-AR-3")
def promise_broken(today: dt.date):
    """The payer promised a date and amount; the date passed without that money."""
    paid_since = (
        Payment.objects.filter(receivable=OuterRef("receivable"), date__gte=OuterRef("date"))
        .order_by()
        .values("receivable")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    promises = (
        DunningAction.objects.filter(promised_date__lt=today, receivable__in=_open())
        .select_related("receivable__team", "receivable__customer")
        .annotate(paid=Coalesce(Subquery(paid_since), Decimal(0), output_field=MONEY_FIELD))
        .order_by("receivable", "-date")
    )
    seen = set()
    for action in promises:  # the latest promise of each receivable
        receivable, paid = action.receivable, action.paid
        if receivable.pk in seen:
            continue
        seen.add(receivable.pk)
        if paid >= action.promised_amount:
            continue
        yield _one(
            receivable,
            "ar-promise-broken",
            RiskLevel.RED,
            f"{receivable.customer.name} 未按承诺付款（{receivable.number}）",
            [
                f"{action.date} 承诺 {action.promised_date} 付 {_money(action.promised_amount)}",
                f"此后到账 {_money(Decimal(paid))}",
            ],
        )


@detector("ar_large", area=Area.RECEIVABLES, seed_ref="S-AR-4")
def large_amounts(today: dt.date):
    """A large amount overdue, or due within 14 days with no dunning action in the last 7."""
    large = Settings.current().large_amount
    recent = DunningAction.objects.filter(
        receivable=OuterRef("pk"), date__gte=today - dt.timedelta(days=LARGE_QUIET_DAYS)
    )
    rows = (
        _open()
        .filter(
            outstanding__gte=large, due_date__lte=today + dt.timedelta(days=LARGE_DUE_SOON_DAYS)
        )
        .annotate(chased=Exists(recent))
    )
    for receivable in rows:
        overdue = receivable.due_date < today
        if not overdue and receivable.chased:
            continue
        title = (
            f"大额应收已逾期：{receivable.customer.name} {_money(receivable.outstanding)}"
            if overdue
            else f"大额应收 {receivable.due_date} 到期，近 7 天没有催款：{receivable.customer.name}"
        )
        yield _one(
            receivable,
            "ar-large",
            RiskLevel.RED if overdue else RiskLevel.YELLOW,
            title,
            [
                f"{receivable.number} 到期 {receivable.due_date}",
                f"未回款 {_money(receivable.outstanding)}（大额标准 {_money(large)}）",
            ],
        )


@detector("ar_risky_customer", area=Area.RECEIVABLES, seed_ref="S-AR-4")
def risky_customers(today: dt.date):
    """A customer marked risky still owes money."""
    rows = _open().filter(customer__condition=Condition.RISKY).order_by("customer", "team")
    groups = defaultdict(list)
    for receivable in rows:
        groups[(receivable.customer, receivable.team)].append(receivable)
    for (customer, team), items in groups.items():
        total = sum((r.outstanding for r in items), Decimal(0))
        yield Signal(
            key=f"ar-risky-customer:{customer.pk}:team:{team.pk}",
            level=RiskLevel.RED,
            title=f"经营风险客户 {customer.name} 仍欠 {_money(total)}",
            evidence=[
                f"{r.number} {_money(r.outstanding)} 到期 {r.due_date or '—'}"
                for r in items[:EVIDENCE_ROWS]
            ],
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=customer.name,
            subject_url=customer.get_absolute_url(),
        )


@detector("ar_partner_not_planned", area=Area.RECEIVABLES, seed_ref="S-AR-5")
def partner_not_planned(today: dt.date):
    """A fixed partner's amount due within its credit terms is not in the collection plan."""
    rows = (
        _without_plan()
        .filter(
            Q(category=Category.FIXED_TERM) | Q(customer__fixed_partner=True),
            due_date__lte=today + dt.timedelta(days=LARGE_DUE_SOON_DAYS),
        )
        .order_by("due_date")
    )
    yield from _per_team(
        rows,
        "ar-partner-not-planned",
        "%(team)s 有 %(n)d 笔固定合作单位应收未列入回款计划（%(total)s）",
        RiskLevel.YELLOW,
    )


@detector("ar_warranty_due", area=Area.RECEIVABLES, seed_ref="S-AR-6")
def warranty_due(today: dt.date):
    rows = _open().filter(
        category=Category.WARRANTY,
        warranty_due_date__lte=today + dt.timedelta(days=WARRANTY_NOTICE_DAYS),
    )
    for receivable in rows:
        late = receivable.warranty_due_date < today
        state = "已到期未收回" if late else "即将到期"
        yield _one(
            receivable,
            "ar-warranty-due",
            RiskLevel.RED if late else RiskLevel.YELLOW,
            f"质保金{state}：{receivable.customer.name} {_money(receivable.outstanding)}",
            [f"{receivable.number} 质保到期 {receivable.warranty_due_date}"],
        )


@detector("ar_prepayment_late", area=Area.RECEIVABLES, seed_ref="S-AR-7")
def prepayment_late(today: dt.date):
    rows = _open().filter(category=Category.PREPAYMENT, agreed_payment_date__lt=today)
    for receivable in rows:
        yield _one(
            receivable,
            "ar-prepayment-late",
            RiskLevel.RED,
            f"预付款未按约定支付：{receivable.customer.name} {_money(receivable.outstanding)}",
            [
                f"{receivable.number} 约定 {receivable.agreed_payment_date} 支付",
                f"逾期 {(today - receivable.agreed_payment_date).days} 天",
            ],
        )
