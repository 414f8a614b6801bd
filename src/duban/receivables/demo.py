"""The demo company's receivables: about 2,000 of them, imported as two AR-table versions.

The first version (a month ago) holds what was invoiced by then; the second (three days ago)
is 华东's table with new invoices and payments since, so the versions page shows a real
difference, and 华南's table, not updated for a month, raises the S-AR-2 risk.
"""

import datetime as dt
import io
from decimal import Decimal

from duban.core.demo import DemoCompany
from duban.core.exporting import write_xlsx
from duban.core.services import import_commit, import_preview
from duban.org.choices import TeamKind
from duban.partners.choices import Condition
from duban.partners.models import ConditionNote, Partner
from duban.receivables.choices import Category, ReceivableStatus
from duban.receivables.importers import TableImporter
from duban.receivables.models import (
    DunningAction,
    Payment,
    PlanLine,
    Receivable,
)
from duban.receivables.tables import EXPORT_COLUMNS
from duban.supervision.choices import Channel

RECEIVABLES_PER_TEAM = 400
CUSTOMERS = 150
FIRST_VERSION_DAYS = 31
SECOND_VERSION_DAYS = 3
PREFIXES = "华鑫 中诚 恒泰 新元 瑞丰 金桥 东方 汇通 博远 宏达 天成 永安 海纳 正和 联创".split()
SUFFIXES = "科技 贸易 实业 建设 信息 医药 物流 电子 食品 教育".split()
CATEGORIES = [  # weights of the categories
    (Category.HISTORICAL, 60),
    (Category.IN_SALE, 15),
    (Category.FIXED_TERM, 12),
    (Category.WARRANTY, 8),
    (Category.PREPAYMENT, 5),
]


def build(company: DemoCompany) -> None:
    today = company.today
    customers = _customers(company)
    teams = [t for t in company.parts["teams"].values() if t.kind == TeamKind.FRONT]
    specs = [
        _spec(company, team, customers, n) for team in teams for n in range(RECEIVABLES_PER_TEAM)
    ]
    supervisor, admin = company.parts["supervisor"], company.parts["admin"]
    first = today - dt.timedelta(days=FIRST_VERSION_DAYS)  # finance's table of every team
    _import(admin, [s for s in specs if s["invoice_date"] <= first], first, then=True)
    east = [s for s in specs if s["team"].line.name == "华东业务线"]
    _import(supervisor, east, today - dt.timedelta(days=SECOND_VERSION_DAYS), then=False)
    _bring_up_to_date([s for s in specs if s not in east], first)
    _payments_plans_and_actions(company, supervisor)


def _customers(company) -> list[Partner]:
    rng, names = company.rng, set()
    while len(names) < CUSTOMERS:
        names.add(
            rng.choice(PREFIXES) + rng.choice(SUFFIXES) + rng.choice(["有限公司", "股份有限公司"])
        )
    customers = Partner.objects.bulk_create(
        Partner(
            name=name,
            credit_days=rng.choice([30, 45, 60, 90]),
            fixed_partner=rng.random() < 0.2,
            condition=rng.choices(list(Condition), weights=[85, 10, 5])[0],
        )
        for name in sorted(names)
    )
    recorded = [c for c in customers if c.condition != Condition.NORMAL]
    Partner.objects.filter(pk__in=[c.pk for c in recorded]).update(
        condition_by=company.parts["supervisor"]
    )
    for customer in recorded:
        if customer.condition != Condition.NORMAL:
            ConditionNote.objects.create(
                customer=customer,
                date=company.today - dt.timedelta(days=rng.randint(3, 40)),
                condition=customer.condition,
                by=company.parts["supervisor"],
                note="财务反映付款审批变慢"
                if customer.condition == Condition.WATCH
                else "涉诉，账户被冻结",
            )
    return customers


def _spec(company, team, customers, n) -> dict:
    rng, today = company.rng, company.today
    category = rng.choices([c for c, _ in CATEGORIES], weights=[w for _, w in CATEGORIES])[0]
    invoice = today - dt.timedelta(days=int(rng.triangular(0, 540, 60)))
    customer = rng.choice(customers)
    due = invoice + dt.timedelta(days=customer.credit_days)
    if rng.random() < 0.03:  # a few large amounts (S-AR-4)
        amount = Decimal(rng.randint(300, 1500) * 1000)
    else:
        amount = Decimal(rng.randint(20, 3000) * 100)
    age = (today - due).days
    settled_share = 0.85 if age > 180 else 0.55 if age > 60 else 0.2
    if category == Category.PREPAYMENT and age > 0:
        settled_share = 0.9  # prepayments are mostly paid in time (S-AR-7)
    state = rng.random()
    if state < settled_share:
        paid = amount
    elif state < settled_share + 0.08:
        paid = (amount * Decimal("0.4")).quantize(Decimal("1"))
    else:
        paid = Decimal(0)
    return {
        "number": f"{team.name[:2]}{invoice:%y%m}-{team.pk:02d}{n:04d}",
        "customer": customer,
        "team": team,
        "lead": team.leads.first(),
        "category": category,
        "invoice_date": invoice,
        "due_date": due,
        "agreed_payment_date": invoice + dt.timedelta(days=15)
        if category == Category.PREPAYMENT
        else None,
        "warranty_due_date": invoice + dt.timedelta(days=365)
        if category == Category.WARRANTY
        else None,
        "amount": amount,
        "paid": paid,
        "paid_then": paid if rng.random() < 0.85 else Decimal(0),  # paid since the first table
    }


def _receivable(spec, *, then: bool) -> Receivable:
    paid = spec["paid_then"] if then else spec["paid"]
    fields = {k: v for k, v in spec.items() if k not in {"paid", "paid_then"}}
    outstanding = spec["amount"] - paid
    status = ReceivableStatus.OPEN if outstanding > 0 else ReceivableStatus.SETTLED
    return Receivable(**fields, paid=paid, outstanding=outstanding, status=status)


def _import(user, specs, as_of, *, then: bool) -> None:
    buffer = io.BytesIO()
    write_xlsx(
        (_receivable(s, then=then) for s in specs), EXPORT_COLUMNS, sheet="应收账款", target=buffer
    )
    importer = TableImporter(user, as_of)
    batch, preview = import_preview(
        importer=importer,
        data=buffer.getvalue(),
        filename=f"应收账表-{as_of:%Y%m%d}.xlsx",
        kind="ar_table",
        by=user,
    )
    assert preview.ok, preview.errors[:3]
    import_commit(importer=importer, batch=batch)


def _bring_up_to_date(specs, first) -> None:
    """华南's receivables since its last table: written directly, as if typed in."""
    existing = set(Receivable.objects.values_list("number", flat=True))
    Receivable.objects.bulk_create(
        [_receivable(s, then=False) for s in specs if s["number"] not in existing], batch_size=500
    )
    for spec in specs:
        if spec["number"] in existing and spec["paid"] != spec["paid_then"]:
            Receivable.objects.filter(number=spec["number"]).update(
                paid=spec["paid"],
                outstanding=spec["amount"] - spec["paid"],
                status=ReceivableStatus.SETTLED
                if spec["paid"] == spec["amount"]
                else ReceivableStatus.OPEN,
            )


def _payments_plans_and_actions(company, user) -> None:
    rng, today = company.rng, company.today
    payments, plans, actions = [], [], []
    for r in Receivable.objects.order_by("pk").iterator():
        if r.paid > 0:
            paid_on = min(today, (r.due_date or today) + dt.timedelta(days=rng.randint(-10, 40)))
            payments.append(
                Payment(receivable=r, date=paid_on, amount=r.paid, note="银行转账", by=user)
            )
        if r.outstanding <= 0 or r.due_date is None or r.due_date > today + dt.timedelta(days=30):
            continue
        if rng.random() < 0.65:
            planned = today + dt.timedelta(days=rng.randint(-20, 30))
            plans.append(
                PlanLine(
                    receivable=r,
                    planned_date=planned,
                    amount=r.outstanding,
                    rhythm="每周二电话跟进",
                    by=user,
                )
            )
        if rng.random() < 0.4:
            promised = rng.random() < 0.3
            actions.append(
                DunningAction(
                    receivable=r,
                    date=today - dt.timedelta(days=rng.randint(1, 20)),
                    channel=rng.choice([Channel.PHONE, Channel.WECOM]),
                    result="财务已提交付款申请" if promised else "对方称资金紧张，下周再联系",
                    promised_date=today + dt.timedelta(days=rng.randint(-2, 20))
                    if promised
                    else None,
                    promised_amount=r.outstanding if promised else None,
                    by=user,
                )
            )
    Payment.objects.bulk_create(payments, batch_size=1000)
    PlanLine.objects.bulk_create(plans, batch_size=1000)
    DunningAction.objects.bulk_create(actions, batch_size=1000)
