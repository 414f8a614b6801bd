"""Receivable risks (S-AR-2 … S-AR-7), predicted from the tables for the supervision loop."""

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from django.db.models import DecimalField, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_noop

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
from duban.supervision.registry import Message, SignalItem, detector, message, per_team

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


def _line(receivable, more: str = "", **params) -> Message:
    """An amount as a line of a risk: number, payer, owed, due, and what is wrong with it."""
    line = gettext_noop("%(number)s %(customer)s %(owed)s 到期 %(due)s")
    return message(
        (line, more) if more else line,
        number=receivable.number,
        customer=receivable.customer.name,
        owed=_money(receivable.outstanding),
        due=f"{receivable.due_date or '—'}",
        **params,
    )


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
        title=lambda team, found: message(
            title, team=team.name, n=len(found), total=_money(_total(found))
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
        gettext_noop("%(team)s 有 %(n)d 笔到期应收未列入回款计划（%(total)s）"),
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
        gettext_noop("%(team)s 有 %(n)d 笔应收过了计划回款日仍未回款（%(total)s）"),
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
        label = message(
            gettext_noop(
                "%(customer)s %(number)s：%(date)s 承诺 %(promised)s 付 %(amount)s，"
                "此后到账 %(paid)s"
            ),
            customer=receivable.customer.name,
            number=receivable.number,
            date=f"{action.date}",
            promised=f"{action.promised_date}",
            amount=_money(action.promised_amount),
            paid=_money(Decimal(paid)),
        )
        items.append((receivable.team, _item(receivable, RiskLevel.RED, label)))
    yield from per_team(
        items,
        key="ar-promise-broken",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 笔应收未按承诺付款"), team=team.name, n=len(found)
        ),
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
        label = _line(
            receivable,
            gettext_noop("（已逾期）")
            if overdue
            else gettext_noop("（临近到期、近 7 天没有催款）"),
        )
        level = RiskLevel.RED if overdue else RiskLevel.YELLOW
        items.append((receivable.team, _item(receivable, level, label)))
    yield from per_team(
        items,
        key="ar-large",
        title=lambda team, found: message(
            gettext_noop(
                "%(team)s 有 %(n)d 笔大额应收逾期或临近到期未催款（%(total)s，大额标准 %(large)s）"
            ),
            team=team.name,
            n=len(found),
            total=_money(_total(found)),
            large=_money(large),
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
        label = message(
            gettext_noop("%(customer)s 仍欠 %(total)s（%(n)d 笔）"),
            customer=customer.name,
            total=_money(total),
            n=len(receivables),
        )
        url = _list_url(team=team.pk, customer=customer.pk)
        items.append((team, SignalItem(label, RiskLevel.RED, subject=customer, url=url)))
    yield from per_team(
        items,
        key="ar-risky-customer",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 家经营风险客户仍欠款"), team=team.name, n=len(found)
        ),
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
        gettext_noop("%(team)s 有 %(n)d 笔固定合作单位应收未列入回款计划（%(total)s）"),
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
        label = _line(
            receivable,
            gettext_noop("，质保 %(warranty)s 到期（已到期未收回）")
            if late
            else gettext_noop("，质保 %(warranty)s 到期（即将到期）"),
            warranty=f"{receivable.warranty_due_date}",
        )
        level = RiskLevel.RED if late else RiskLevel.YELLOW
        items.append((receivable.team, _item(receivable, level, label)))
    yield from per_team(
        items,
        key="ar-warranty-due",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 笔质保金到期或即将到期（%(total)s）"),
            team=team.name,
            n=len(found),
            total=_money(_total(found)),
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
                _line(
                    r,
                    gettext_noop("，约定 %(agreed)s 支付，逾期 %(days)d 天"),
                    agreed=f"{r.agreed_payment_date}",
                    days=(today - r.agreed_payment_date).days,
                ),
            ),
        )
        for r in rows.order_by("agreed_payment_date", "pk")
    ]
    yield from per_team(
        items,
        key="ar-prepayment-late",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 笔预付款未按约定支付（%(total)s）"),
            team=team.name,
            n=len(found),
            total=_money(_total(found)),
        ),
        url=lambda team: _list_url(team=team.pk, category=Category.PREPAYMENT),
    )
