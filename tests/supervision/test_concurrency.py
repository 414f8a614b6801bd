"""Two `duban tick` runs at once leave what one run leaves (issue 3)."""

import datetime as dt
import threading
import unittest

from django.db import connection, connections
from django.test import TransactionTestCase

from duban.notify.models import OutboxMessage
from duban.supervision.models import CheckIn, Plan, Risk
from duban.supervision.tick import tick
from tests.base import make_cast

TODAY = dt.date(2026, 3, 9)


def snapshot():
    return {
        "checkins": sorted(CheckIn.objects.values_list("rule_id", "team_id", "date", "escalation")),
        "risks": sorted(Risk.objects.values_list("key", "status")),
        "outbox": sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True)),
        "plans": sorted(Plan.objects.values_list("pk", "escalation")),
    }


@unittest.skipUnless(connection.vendor == "postgresql", "concurrent writers need PostgreSQL")
class ConcurrentTickTests(TransactionTestCase):
    def test_two_ticks_at_once_create_no_duplicates(self):
        make_cast()
        barrier, errors = threading.Barrier(2), []

        def run():
            try:
                barrier.wait(timeout=10)
                tick(today=TODAY)
            except Exception as exc:  # reported below, with the thread's error
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        concurrent = snapshot()
        self.assertEqual(tick(today=TODAY), {key: 0 for key in tick(today=TODAY)})
        self.assertEqual(snapshot(), concurrent)
        keys = concurrent["outbox"]
        self.assertEqual(len(keys), len(set(keys)))
        self.assertGreater(len(concurrent["checkins"]), 0)
        self.assertGreater(len(keys), 0)
