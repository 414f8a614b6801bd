"""Each resource detector fires on its condition and stops when it is dealt with (issue 11)."""

import datetime as dt

from duban.org.choices import EmployeeStatus
from duban.resources import detectors
from duban.resources.models import Resource, Settings, Source
from duban.supervision.choices import PlanStatus
from duban.supervision.detectors import tables_stale
from duban.supervision.models import Plan, Risk, TableVersion
from duban.supervision.tick import plans_autodemand, risks_sync
from tests.base import BaseTestCase
from tests.factories import EmployeeFactory

TUESDAY = dt.date(2026, 12, 1)  # the cast's hand-over 横洲 → 小祁 is planned today


def keys(signals, prefix=""):
    return [signal.key for signal in signals if signal.key.startswith(prefix)]


class DetectorTests(BaseTestCase):
    def test_S_RES_1_big_table_not_updated_this_week(self):
        key = f"table-stale:resource_table:team:{self.team_a.pk}"
        self.assertIn(key, keys(tables_stale(TUESDAY), "table-stale:resource_table"))
        TableVersion.objects.create(
            kind="resource_table", team=self.team_a, as_of=TUESDAY - dt.timedelta(days=7), rows=1
        )
        self.assertNotIn(key, keys(tables_stale(TUESDAY)))
        self.assertIn(key, keys(tables_stale(TUESDAY + dt.timedelta(days=1))))

    def test_S_RES_7_a_hand_over_not_received_by_the_end_of_the_next_working_day(self):
        key = f"res-handover-unreceived:team:{self.team_a.pk}"
        self.assertEqual(keys(detectors.handover_unreceived(dt.date(2026, 12, 2))), [])
        signal = next(detectors.handover_unreceived(dt.date(2026, 12, 3)))
        self.assertEqual(signal.key, key)
        self.assertIn("横洲 → 小祁 1 条", str(signal.evidence[0]))
        self.assertEqual(signal.items[0].subject, self.handover_a)
        from duban.resources.services import handover_receive

        handover_receive(handover=self.handover_a, by=self.lead_a, today=dt.date(2026, 12, 3))
        self.assertEqual(keys(detectors.handover_unreceived(dt.date(2026, 12, 3))), [])

    def test_a_hand_over_planned_on_friday_is_late_only_after_monday(self):
        self.handover_a.planned_on = dt.date(2026, 12, 4)
        self.handover_a.save()
        self.assertEqual(keys(detectors.handover_unreceived(dt.date(2026, 12, 7))), [])
        self.assertTrue(keys(detectors.handover_unreceived(dt.date(2026, 12, 8))))

    def test_S_RES_7_cover_below_the_minimum_now_and_soon_asks_for_a_supply_plan(self):
        key = f"res-cover-low:team:{self.team_b.pk}"
        signal = next(s for s in detectors.cover_low(TUESDAY) if s.key == key)
        self.assertIn("只够打 0.0 个工作日", str(signal.title))  # 1 resource, 100 a day
        Resource.objects.bulk_create(
            Resource(phone=f"1370000{i:04d}", team=self.team_b, owner=self.worker_b)
            for i in range(599)
        )
        signal = next(s for s in detectors.cover_low(TUESDAY) if s.key == key)
        self.assertIn("5 个工作日后将只够打 1.0 天", str(signal.title))  # 6 days now
        Resource.objects.bulk_create(
            Resource(phone=f"1360000{i:04d}", team=self.team_b, owner=self.worker_b)
            for i in range(300)
        )
        self.assertNotIn(key, keys(detectors.cover_low(TUESDAY)))

    def test_a_red_cover_risk_demands_a_plan_from_the_lead(self):
        risks_sync(today=TUESDAY)
        risk = Risk.objects.get(key=f"res-cover-low:team:{self.team_b.pk}", resolved_on=None)
        self.assertEqual(risk.level, "red")
        plans_autodemand(today=dt.date(2026, 12, 2))
        plan = Plan.objects.get(risk=risk)
        self.assertEqual(plan.status, PlanStatus.DEMANDED)

    def test_resources_still_held_by_someone_who_left(self):
        self.member_a_employee.status = EmployeeStatus.LEFT
        self.member_a_employee.leave_date = dt.date(2026, 11, 30)
        self.member_a_employee.save()
        signal = next(detectors.held_by_leaver(TUESDAY))
        self.assertIn("横洲 已于 2026-11-30 离职，手上还有 1 条资源", str(signal.evidence[0]))
        Resource.objects.filter(pk=self.resource_a.pk).update(owner=self.worker_a)
        self.assertEqual(keys(detectors.held_by_leaver(TUESDAY)), [])

    def test_S_RES_4_received_but_not_worked_in_time(self):
        # resource_a was received 2026-11-02 and never worked
        signal = next(detectors.untouched(TUESDAY))
        self.assertIn("横洲 有 1 条资源领取超过 3 个工作日未跟进", str(signal.evidence[0]))
        self.assertIn("untouched=true", signal.items[0].url)
        Resource.objects.filter(pk=self.resource_a.pk).update(last_worked_on=TUESDAY)
        self.assertEqual(keys(detectors.untouched(TUESDAY)), [])

    def test_untouched_counts_working_days(self):
        settings = Settings.current()
        Resource.objects.filter(pk=self.resource_a.pk).update(received_on=dt.date(2026, 11, 26))
        # received Thursday; three working days later (Fri, Mon, Tue) it is not yet late
        self.assertEqual(settings.worked_within_days, 3)
        self.assertEqual(keys(detectors.untouched(TUESDAY)), [])
        self.assertTrue(keys(detectors.untouched(dt.date(2026, 12, 2))))

    def test_S_RES_1_a_source_converting_far_below_the_team(self):
        good, poor = Source.objects.create(name="转介绍"), Source.objects.create(name="购买名单")
        staff = EmployeeFactory(team=self.team_b)
        rows = [(good, 60, 30), (poor, 60, 2)]  # 50 % against 3 %; team 26.7 %
        number = 0
        for source, total, won in rows:
            for i in range(total):
                number += 1
                Resource.objects.create(
                    phone=f"1350000{number:04d}",
                    team=self.team_b,
                    owner=staff,
                    source=source,
                    status="closed" if i < won else "new",
                    outcome="won" if i < won else "",
                )
        signal = next(detectors.source_converts_low(TUESDAY))
        self.assertIn("来源「购买名单」60 条成交 2 条", str(signal.evidence[0]))
        Resource.objects.filter(source=poor, status="new").update(status="closed", outcome="won")
        self.assertEqual(keys(detectors.source_converts_low(TUESDAY)), [])
