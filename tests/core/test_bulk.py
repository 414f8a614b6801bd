"""insert_rows stores values exactly as the ORM would: money, dates and aware datetimes."""

import datetime as dt
from decimal import Decimal

from duban.core.bulk import insert_rows
from duban.receivables.models import Payment
from tests.base import BaseTestCase

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


class InsertRowsTests(BaseTestCase):
    def test_money_dates_and_datetimes_read_back_as_written(self):
        when = dt.datetime(2026, 3, 5, 9, 30, tzinfo=SHANGHAI)
        fields = ["receivable", "date", "amount", "note", "created_at"]
        row = (self.receivable_a.pk, dt.date(2026, 3, 5), Decimal("1234.50"), "首付", when)
        self.assertEqual(insert_rows(Payment, fields, [row]), 1)
        saved = Payment.objects.get(note="首付")
        self.assertEqual(
            (saved.date, saved.amount, saved.created_at),
            (dt.date(2026, 3, 5), Decimal("1234.50"), when),
        )
        found = Payment.objects.filter(
            amount=Decimal("1234.5"),
            date__lt=dt.date(2026, 3, 6),
            created_at__gte=when,
            created_at__lt=when + dt.timedelta(minutes=1),
        )
        self.assertEqual(list(found), [saved])
