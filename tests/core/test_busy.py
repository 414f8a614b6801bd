"""A write that waited out SQLite's busy timeout behind a large import's commit is a clear
503 "系统正在导入，请稍候", never a 500; duban tick tries again (issue 18, defect 4)."""

from unittest import mock

from django.db import OperationalError
from django.test import SimpleTestCase
from django.urls import reverse

from duban.core.middleware import retry_when_busy
from duban.receivables.views import ADDERS
from tests.base import BaseTestCase

LOCKED = OperationalError("database is locked")


class BusyPageTests(BaseTestCase):
    def pay(self, error):
        self.client.force_login(self.lead_a)
        url = reverse("receivables:payment_add", args=[self.receivable_a.pk])
        form, _action, done = ADDERS["payment"]
        failing = (form, mock.Mock(side_effect=error), done)
        with mock.patch.dict("duban.receivables.views.ADDERS", {"payment": failing}):
            return self.client.post(
                url,
                {"date": "2026-12-01", "amount": "100"},
                HTTP_REFERER="http://testserver" + self.receivable_a.get_absolute_url(),
            )

    def test_a_write_behind_an_import_is_told_to_wait_not_a_500(self):
        page = self.pay(LOCKED)
        self.assertEqual(page.status_code, 503)
        self.assertEqual(page["Retry-After"], "15")
        self.assertContains(page, "系统正在导入，请稍候", status_code=503)
        self.assertContains(
            page, f'href="http://testserver{self.receivable_a.get_absolute_url()}"', status_code=503
        )

    def test_another_database_error_is_still_an_error(self):
        with self.assertRaises(OperationalError):
            self.pay(OperationalError("no such table: x"))


class RetryTests(SimpleTestCase):
    def test_tick_runs_again_while_the_database_is_busy(self):
        work = mock.Mock(side_effect=[LOCKED, LOCKED, {"done": 1}])
        sleep = mock.Mock()
        self.assertEqual(retry_when_busy(work, sleep=sleep), {"done": 1})
        self.assertEqual(work.call_count, 3)
        self.assertEqual(sleep.call_count, 2)

    def test_it_gives_up_after_its_tries_and_never_retries_other_errors(self):
        with self.assertRaises(OperationalError):
            retry_when_busy(mock.Mock(side_effect=LOCKED), tries=3, sleep=mock.Mock())
        other = mock.Mock(side_effect=ValueError("bug"))
        with self.assertRaises(ValueError):
            retry_when_busy(other, sleep=mock.Mock())
        self.assertEqual(other.call_count, 1)
