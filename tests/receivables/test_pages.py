"""The receivables pages as their users read them."""

from django.urls import reverse

from duban.partners.choices import Condition
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
