"""The receivables pages as their users read them."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from duban.partners.choices import Condition
from duban.receivables.choices import ReceivableStatus
from duban.receivables.models import DunningAction, PlanLine, Receivable
from tests.base import BaseTestCase


class CustomerPageTests(BaseTestCase):
    def test_the_customers_rows_leave_out_the_customer_and_the_note_starts_at_its_condition(self):
        self.customer_a.condition = Condition.WATCH
        self.customer_a.save()
        self.client.force_login(self.supervisor)
        response = self.client.get(self.customer_a.get_absolute_url())
        (_, section), *_ = response.context["sections"]
        table = section["table"]
        self.assertNotIn("customer", [column.name for column in table.columns])
        self.assertEqual([row.record for row in table.rows], [self.receivable_a])
        self.assertEqual(response.context["note_form"]["condition"].value(), Condition.WATCH)
        self.assertContains(response, f'<option value="{Condition.WATCH}" selected>')
        listed = self.client.get(reverse("receivables:receivable_list")).context["table"]
        self.assertIn("customer", [column.name for column in listed.columns])  # elsewhere, kept


class FormLimitTests(BaseTestCase):
    """Issue 18, defect 7: what the database would refuse is refused by the form first."""

    def setUp(self):
        self.client.force_login(self.lead_a)

    def edit(self, receivable, amount):
        fields = {
            "team": receivable.team_id,
            "lead": receivable.lead_id,
            "category": receivable.category,
            "invoice_date": "2026-01-02",
            "due_date": "2026-02-01",
            "amount": amount,
            "version": receivable.version,
        }
        return self.client.post(
            reverse("receivables:receivable_edit", args=[receivable.pk]), fields
        )

    def test_a_settled_receivable_whose_amount_grows_is_open_again(self):
        settled = Receivable.objects.get(pk=self.receivable_a.pk)
        Receivable.objects.filter(pk=settled.pk).update(
            amount=Decimal("30000.00"),
            outstanding=0,
            status=ReceivableStatus.SETTLED,
            settled_on=dt.date(2026, 3, 1),
        )
        settled.refresh_from_db()
        self.assertEqual(self.edit(settled, "32,000.00").status_code, 302)
        settled.refresh_from_db()
        self.assertEqual(
            (settled.status, settled.outstanding, settled.settled_on),
            (ReceivableStatus.OPEN, Decimal("2000.00"), None),
        )
        self.assertEqual(self.edit(settled, "30000").status_code, 302)
        settled.refresh_from_db()
        self.assertEqual((settled.status, settled.outstanding), (ReceivableStatus.SETTLED, 0))

    def test_a_plan_line_above_what_is_owed_is_refused(self):
        url = reverse("receivables:plan_line_add", args=[self.receivable_a.pk])
        page = self.client.post(
            url, {"planned_date": "2026-12-20", "amount": "70000.01"}, follow=True
        )
        self.assertContains(page, "计划金额 70,000.01 超过未回款金额 70,000.00")
        self.assertFalse(PlanLine.objects.exists())
        self.client.post(url, {"planned_date": "2026-12-20", "amount": "70000"})
        self.assertEqual(PlanLine.objects.get().amount, Decimal("70000.00"))

    def test_a_negative_promised_amount_is_refused(self):
        url = reverse("receivables:action_add", args=[self.receivable_a.pk])
        fields = {
            "date": "2026-12-01",
            "channel": "phone",
            "result": "答应付",
            "promised_date": "2026-12-10",
        }
        page = self.client.post(url, {**fields, "promised_amount": "-500"}, follow=True)
        self.assertContains(page, "承诺金额应大于 0")
        self.assertFalse(DunningAction.objects.exists())
