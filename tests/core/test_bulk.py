"""insert_rows stores values exactly as the ORM would: money, dates and aware datetimes."""

import datetime as dt
from decimal import Decimal

from duban.core.bulk import insert_rows
from duban.receivables.models import Payment, Receivable
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

    def test_rows_go_in_whatever_the_order_and_sorted_on_sqlite(self):
        from django.db import connection

        fields = ["receivable", "date", "amount", "note", "created_at"]
        day, when = dt.date(2026, 3, 5), dt.datetime(2026, 3, 5, 9, tzinfo=SHANGHAI)
        rows = [(self.receivable_a.pk, day, Decimal(n), f"第{n}笔", when) for n in (3, 1, 2)]
        self.assertEqual(insert_rows(Payment, fields, iter(rows), order=lambda r: r[2]), 3)
        notes = list(Payment.objects.filter(date=day).order_by("pk").values_list("note", flat=True))
        if connection.vendor == "sqlite":  # in the order given for its indexes
            self.assertEqual(notes, ["第1笔", "第2笔", "第3笔"])
        else:  # as they came: the database works on the first while the next are produced
            self.assertEqual(notes, ["第3笔", "第1笔", "第2笔"])


class UpdateRowsTests(BaseTestCase):
    def test_rows_are_updated_by_key_with_money_dates_and_nothing_else_touched(self):
        from duban.core.bulk import update_rows

        other = Receivable.objects.create(
            number="B-9",
            customer=self.receivable_a.customer,
            team=self.team_b,
            amount=Decimal("10.00"),
            outstanding=Decimal("10.00"),
        )
        fields = ["paid", "outstanding", "due_date", "note"]
        rows = [(Decimal("60000.50"), Decimal("39999.50"), None, "改", self.receivable_a.pk)]
        self.assertEqual(update_rows(Receivable, fields, iter(rows)), 1)
        self.receivable_a.refresh_from_db()
        self.assertEqual(
            (self.receivable_a.paid, self.receivable_a.outstanding, self.receivable_a.due_date),
            (Decimal("60000.50"), Decimal("39999.50"), None),
        )
        self.assertEqual(self.receivable_a.note, "改")
        other.refresh_from_db()
        self.assertEqual((other.paid, other.note), (Decimal("0.00"), ""))

    def test_aware_datetimes_are_stored_as_the_orm_would(self):
        from duban.core.bulk import update_rows

        payment = Payment.objects.create(
            receivable=self.receivable_a, date=dt.date(2026, 3, 5), amount=Decimal("1.00")
        )
        when = dt.datetime(2026, 3, 5, 9, 30, tzinfo=SHANGHAI)
        update_rows(Payment, ["created_at"], [(when, payment.pk)])
        self.assertTrue(Payment.objects.filter(pk=payment.pk, created_at=when).exists())


class OneParameterTests(BaseTestCase):
    def test_text_and_integer_keys_and_none(self):
        from duban.core.bulk import one_parameter

        numbers = [self.receivable_a.number, "NOT-THERE"]
        found = Receivable.objects.filter(number__in=one_parameter(numbers))
        self.assertEqual(list(found), [self.receivable_a])
        by_pk = Receivable.objects.filter(pk__in=one_parameter([self.receivable_a.pk, -1]))
        self.assertEqual(list(by_pk), [self.receivable_a])
        self.assertFalse(Receivable.objects.filter(number__in=one_parameter([])).exists())

    def test_a_long_list_is_still_one_parameter(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from duban.core.bulk import one_parameter

        keys = [f"K{n}" for n in range(40_000)] + [self.receivable_a.number]  # > SQLite cap
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(Receivable.objects.filter(number__in=one_parameter(keys)).count(), 1)
        self.assertEqual(len(queries), 1)
