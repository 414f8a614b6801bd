"""Each receivables detector fires on its condition and stops when it is dealt with (issue 4)."""

import datetime as dt
from decimal import Decimal

from duban.receivables import detectors
from duban.receivables.models import DunningAction, Payment, PlanLine, Receivable
from duban.supervision.models import Risk, TableVersion
from duban.supervision.tick import risks_sync
from tests.base import BaseTestCase
from tests.receivables.test_aging import receivable

TODAY = dt.date(2026, 3, 2)  # receivable_a: ¥70,000 outstanding, due 2026-02-01


def keys(signals, prefix=""):
    return [signal.key for signal in signals if signal.key.startswith(prefix)]


class DetectorTests(BaseTestCase):
    def test_table_not_updated_for_16_days(self):  # S-AR-2
        from duban.supervision.detectors import tables_stale

        key = f"table-stale:ar_table:team:{self.team_a.pk}"
        self.assertEqual(keys(tables_stale(TODAY), "table-stale:ar_table"), [key])
        signal = next(s for s in tables_stale(TODAY) if s.key == key)
        self.assertEqual(signal.area, "receivables")
        TableVersion.objects.create(
            kind="ar_table", team=self.team_a, as_of=TODAY - dt.timedelta(days=16), rows=1
        )
        self.assertEqual(keys(tables_stale(TODAY), "table-stale:ar_table"), [])
        self.assertEqual(
            keys(tables_stale(TODAY + dt.timedelta(days=1)), "table-stale:ar_table"), [key]
        )

    def test_due_but_in_no_collection_plan(self):  # S-AR-3
        signal = next(detectors.due_not_planned(TODAY))
        self.assertIn("1 笔到期应收未列入回款计划", str(signal.title))
        self.assertIn("INV-A-001", str(signal.evidence[0]))
        PlanLine.objects.create(
            receivable=self.receivable_a, planned_date=TODAY, amount=Decimal("70000")
        )
        self.assertEqual(keys(detectors.due_not_planned(TODAY)), [])

    def test_past_its_planned_date(self):  # S-AR-3
        PlanLine.objects.create(
            receivable=self.receivable_a,
            planned_date=TODAY - dt.timedelta(days=1),
            amount=Decimal("1"),
        )
        self.assertEqual(
            keys(detectors.plan_missed(TODAY)), [f"ar-plan-missed:team:{self.team_a.pk}"]
        )
        PlanLine.objects.create(
            receivable=self.receivable_a,
            planned_date=TODAY + dt.timedelta(days=5),
            amount=Decimal("1"),
        )
        self.assertEqual(keys(detectors.plan_missed(TODAY)), [])

    def test_a_broken_promise(self):
        DunningAction.objects.create(
            receivable=self.receivable_a,
            date=TODAY - dt.timedelta(days=10),
            result="答应付",
            promised_date=TODAY - dt.timedelta(days=1),
            promised_amount=Decimal("20000"),
        )
        self.assertEqual(
            keys(detectors.promise_broken(TODAY)), [f"ar-promise-broken:team:{self.team_a.pk}"]
        )
        Payment.objects.create(
            receivable=self.receivable_a, date=TODAY - dt.timedelta(days=2), amount=Decimal("20000")
        )
        self.assertEqual(keys(detectors.promise_broken(TODAY)), [])

    def test_large_amounts_due_soon_without_action_or_overdue(self):  # S-AR-4
        soon = receivable(
            self.team_a, "BIG-1", due=TODAY + dt.timedelta(days=10), amount="600000.00"
        )
        late = receivable(
            self.team_a, "BIG-2", due=TODAY - dt.timedelta(days=1), amount="600000.00"
        )
        (signal,) = detectors.large_amounts(TODAY)  # one risk for the team, not one per amount
        self.assertEqual(signal.key, f"ar-large:team:{self.team_a.pk}")
        self.assertEqual(signal.level, "red")  # the worst of its items
        self.assertEqual([i.subject for i in signal.items], [late, soon])  # worst first
        self.assertEqual([i.level for i in signal.items], ["red", "yellow"])
        self.assertIn("2 笔大额应收", str(signal.title))
        DunningAction.objects.create(receivable=soon, date=TODAY, result="已催")
        (signal,) = detectors.large_amounts(TODAY)
        self.assertEqual([i.subject for i in signal.items], [late])
        Receivable.objects.filter(pk=late.pk).update(due_date=TODAY + dt.timedelta(days=3))
        DunningAction.objects.create(receivable=late, date=TODAY, result="已催")
        self.assertEqual(keys(detectors.large_amounts(TODAY)), [])

    def test_a_risky_customer_with_money_outstanding(self):
        self.assertEqual(keys(detectors.risky_customers(TODAY)), [])
        self.customer_a.condition = "risky"
        self.customer_a.save()
        self.assertEqual(
            keys(detectors.risky_customers(TODAY)),
            [f"ar-risky-customer:team:{self.team_a.pk}"],
        )

    def test_a_fixed_partners_amount_not_in_plan(self):  # S-AR-5
        self.assertEqual(keys(detectors.partner_not_planned(TODAY)), [])
        self.customer_a.fixed_partner = True
        self.customer_a.save()
        self.assertEqual(len(keys(detectors.partner_not_planned(TODAY))), 1)

    def test_warranty_retention_due(self):  # S-AR-6
        warranty = receivable(
            self.team_a, "W-1", category="warranty", warranty_due_date=TODAY + dt.timedelta(days=3)
        )
        self.assertEqual(next(detectors.warranty_due(TODAY)).level, "yellow")
        self.assertEqual(next(detectors.warranty_due(TODAY + dt.timedelta(days=4))).level, "red")
        Receivable.objects.filter(pk=warranty.pk).update(
            paid=Decimal("100.00"), outstanding=0, status="settled"
        )
        self.assertEqual(keys(detectors.warranty_due(TODAY)), [])

    def test_prepayment_past_its_agreed_date(self):  # S-AR-7
        receivable(
            self.team_a,
            "P-1",
            category="prepayment",
            agreed_payment_date=TODAY - dt.timedelta(days=2),
        )
        self.assertIn("预付款未按约定支付", str(next(detectors.prepayment_late(TODAY)).title))

    def test_the_risk_opens_on_the_board_and_resolves_when_planned(self):
        risks_sync(today=TODAY)
        risk = Risk.objects.get(key=f"ar-due-not-planned:team:{self.team_a.pk}")
        self.assertEqual((risk.area, risk.team, risk.status), ("receivables", self.team_a, "open"))
        PlanLine.objects.create(
            receivable=self.receivable_a, planned_date=TODAY, amount=Decimal("70000")
        )
        risks_sync(today=TODAY)
        risk.refresh_from_db()
        self.assertEqual((risk.status, risk.resolved_on), ("resolved", TODAY))
