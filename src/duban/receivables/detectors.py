"""Receivable risks (S-AR-2 … S-AR-7), predicted from the tables for the supervision loop."""

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from django.db.models import DecimalField, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from duban.partners.choices import Condition
from duban.receivables.choices import Category
from duban.receivables.models import (
    DunningAction,
    Payment,
    PlanLine,
    Receivable,
    Settings,
)
from duban.supervision.choices import Area, RiskLevel
from duban.supervision.registry import SignalItem, detector, per_team

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
LARGE_DUE_SOON_DAYS = 14
LARGE_QUIET_DAYS = 7
WARRANTY_NOTICE_DAYS = 7
INVOICED = [Category.HISTORICAL, Category.IN_SALE, Category.FIXED_TERM]


def _open():
    return Receivable.objects.open().filter(outstanding__gt=0).select_related("team", "customer")


def _list_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('receivables:receivable_list')}?{query}"


def _money(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def _item(receivable, level=RiskLevel.YELLOW, label=None) -> SignalItem:
    return SignalItem(
        label=label or _line(receivable),
        level=level,
        subject=receivable,
        url=receivable.get_absolute_url(),
    )


def _line(receivable) -> str:
    owed, due = _money(receivable.outstanding), receivable.due_date or "—"
    return f"{receivable.number} {receivable.customer.name} {owed} 到期 {due}"


def _total(items) -> Decimal:
    return sum((item.subject.outstanding for item in items), Decimal(0))


def _per_team(rows, key, title, level, url_params=None):
    """One signal per team over ``rows`` (receivables), the rows its items.

    With ``level="auto"`` a team's signal is red when its total reaches the large amount.
    """
    large = Settings.current().large_amount
    items = [(r.team, _item(r, RiskLevel.YELLOW if level == "auto" else level)) for r in rows]
    for signal in per_team(
        items,
        key=key,
        title=lambda team, found: (
            title % {"team": team.name, "n": len(found), "total": _money(_total(found))}
        ),
        url=lambda team: _list_url(team=team.pk, **(url_params or {})),
    ):
        if level == "auto" and _total(signal.items) >= large:
            signal = replace(signal, level=RiskLevel.RED)
        yield signal


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
    seen, items = set(), []
    for action in promises:  # the latest promise of each receivable
        receivable, paid = action.receivable, action.paid
        if receivable.pk in seen:
            continue
        seen.add(receivable.pk)
        if paid >= action.promised_amount:
            continue
        label = (
            f"{receivable.customer.name} {receivable.number}：{action.date} 承诺 "
            f"{action.promised_date} 付 {_money(action.promised_amount)}，此后到账 "
            f"{_money(Decimal(paid))}"
        )
        items.append((receivable.team, _item(receivable, RiskLevel.RED, label)))
    yield from per_team(
        items,
        key="ar-promise-broken",
        title=lambda team, found: f"{team.name} 有 {len(found)} 笔应收未按承诺付款",
        url=lambda team: _list_url(team=team.pk),
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
    items = []
    for receivable in rows.order_by("due_date", "pk"):
        overdue = receivable.due_date < today
        if not overdue and receivable.chased:
            continue
        state = "已逾期" if overdue else "临近到期、近 7 天没有催款"
        label = f"{_line(receivable)}（{state}）"
        level = RiskLevel.RED if overdue else RiskLevel.YELLOW
        items.append((receivable.team, _item(receivable, level, label)))
    yield from per_team(
        items,
        key="ar-large",
        title=lambda team, found: (
            f"{team.name} 有 {len(found)} 笔大额应收逾期或临近到期未催款"
            f"（{_money(_total(found))}，大额标准 {_money(large)}）"
        ),
        url=lambda team: _list_url(team=team.pk),
    )


@detector("ar_risky_customer", area=Area.RECEIVABLES, seed_ref="S-AR-4")
def risky_customers(today: dt.date):
    """Customers marked risky still owe money: one risk per team, each customer an item."""
    rows = _open().filter(customer__condition=Condition.RISKY).order_by("customer", "team")
    owed = defaultdict(list)
    for receivable in rows:
        owed[(receivable.team, receivable.customer)].append(receivable)
    items = []
    for (team, customer), receivables in owed.items():
        total = sum((r.outstanding for r in receivables), Decimal(0))
        label = f"{customer.name} 仍欠 {_money(total)}（{len(receivables)} 笔）"
        url = _list_url(team=team.pk, customer=customer.pk)
        items.append((team, SignalItem(label, RiskLevel.RED, subject=customer, url=url)))
    yield from per_team(
        items,
        key="ar-risky-customer",
        title=lambda team, found: f"{team.name} 有 {len(found)} 家经营风险客户仍欠款",
        url=lambda team: _list_url(team=team.pk),
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
    items = []
    for receivable in rows.order_by("warranty_due_date", "pk"):
        late = receivable.warranty_due_date < today
        state = "已到期未收回" if late else "即将到期"
        label = f"{_line(receivable)}，质保 {receivable.warranty_due_date} 到期（{state}）"
        level = RiskLevel.RED if late else RiskLevel.YELLOW
        items.append((receivable.team, _item(receivable, level, label)))
    yield from per_team(
        items,
        key="ar-warranty-due",
        title=lambda team, found: (
            f"{team.name} 有 {len(found)} 笔质保金到期或即将到期（{_money(_total(found))}）"
        ),
        url=lambda team: _list_url(team=team.pk, category=Category.WARRANTY),
    )


@detector("ar_prepayment_late", area=Area.RECEIVABLES, seed_ref="S-AR-7")
def prepayment_late(today: dt.date):
    rows = _open().filter(category=Category.PREPAYMENT, agreed_payment_date__lt=today)
    items = [
        (
            r.team,
            _item(
                r,
                RiskLevel.RED,
                f"{_line(r)}，约定 {r.agreed_payment_date} 支付，"
                f"逾期 {(today - r.agreed_payment_date).days} 天",
            ),
        )
        for r in rows.order_by("agreed_payment_date", "pk")
    ]
    yield from per_team(
        items,
        key="ar-prepayment-late",
        title=lambda team, found: (
            f"{team.name} 有 {len(found)} 笔预付款未按约定支付（{_money(_total(found))}）"
        ),
        url=lambda team: _list_url(team=team.pk, category=Category.PREPAYMENT),
    )
