"""Days of cover (S-RES-7): workable stock against calling capacity, on working days only."""

import datetime as dt

from duban.core.models import CalendarDay
from duban.org.choices import EmployeeStatus
from duban.resources.models import CoverDay, Handover, Resource, Settings
from duban.resources.selectors import cover, cover_people, cover_record, cover_trend
from duban.supervision.tick import tick
from tests.base import BaseTestCase
from tests.factories import EmployeeFactory

FRIDAY = dt.date(2026, 12, 4)


def stock(team, owner, n, **fields):
    start = Resource.objects.count()
    Resource.objects.bulk_create(
        Resource(phone=f"1370000{start + i:04d}", team=team, owner=owner, **fields)
        for i in range(n)
    )


class CoverTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # team B: one person on duty calling 100 a day, another on leave
        EmployeeFactory(name="休假的人", team=cls.team_b, status=EmployeeStatus.ON_LEAVE)
        stock(cls.team_b, cls.worker_b, 299)  # + the cast's resource_b: 300
        stock(cls.team_b, cls.worker_b, 50, status="closed")
        stock(cls.team_b, cls.worker_b, 50, status="dormant")
        stock(cls.team_b, None, 50)  # in the pool, not assigned

    def row(self, team, today=FRIDAY):
        return next(r for r in cover([team], today=today) if r.team == team)

    def test_workable_stock_over_the_capacity_of_people_on_duty(self):
        row = self.row(self.team_b)
        self.assertEqual((row.workable, row.on_duty, row.capacity), (300, 1, 100))
        self.assertEqual(row.days, 3.0)
        self.assertFalse(row.low)

    def test_S_RES_7_cover_runs_out_counted_in_working_days_only(self):
        # three working days from Friday: Monday, Tuesday, Wednesday
        self.assertEqual(self.row(self.team_b).runs_out_on, dt.date(2026, 12, 9))
        CalendarDay.objects.create(date=dt.date(2026, 12, 7), is_workday=False, note="测试")
        self.assertEqual(self.row(self.team_b).runs_out_on, dt.date(2026, 12, 10))

    def test_the_projection_counts_planned_hand_overs_in_and_out(self):
        settings = Settings.current()
        self.assertTrue(self.row(self.team_b).low_soon)  # 3 days now, none in 5
        Handover.objects.create(
            team=self.team_a,
            to_team=self.team_b,
            from_employee=self.member_a_employee,
            to_employee=self.worker_b,
            count=700,
            planned_on=FRIDAY,
        )
        row = self.row(self.team_b)
        self.assertEqual(row.incoming, 700)
        self.assertEqual(row.projected, (300 + 700 - settings.projection_days * 100) / 100)
        self.assertFalse(row.low_soon)

    def test_a_team_with_no_one_on_duty_has_no_figure(self):
        row = self.row(self.team_c)
        Resource.objects.create(phone="13600000001", team=self.team_c, owner=self.worker_c)
        self.worker_c.status, self.worker_c.leave_date = EmployeeStatus.LEFT, FRIDAY
        self.worker_c.save()
        row = self.row(self.team_c)
        self.assertIsNone(row.days)
        self.assertFalse(row.low)

    def test_without_capacities_filled_in_each_person_on_duty_counts_the_default(self):
        EmployeeFactory(name="内勤", team=self.team_b, daily_capacity=0)
        self.assertEqual(self.row(self.team_b).capacity, 100)  # 内勤 does not call
        self.team_b.employees.update(daily_capacity=0)
        self.assertEqual(self.row(self.team_b).capacity, 2 * Settings.current().default_capacity)

    def test_each_person_against_their_own_capacity(self):
        people = {p.employee.name: p for p in cover_people(self.team_b, today=FRIDAY)}
        self.assertEqual(set(people), {"周敏"})  # the one on leave does not call
        self.assertEqual(people["周敏"].days, 3.0)

    def test_the_tick_records_each_working_day_and_the_trend_reads_weeks(self):
        tick(today=FRIDAY)
        tick(today=dt.date(2026, 12, 5))  # a Saturday: nothing recorded
        self.assertEqual(set(CoverDay.objects.values_list("day", flat=True)), {FRIDAY})
        cover_record(dt.date(2026, 11, 26))
        trend = cover_trend([self.team_b.pk], today=FRIDAY)
        self.assertEqual(
            [(monday, day.days) for monday, day in trend[self.team_b.pk].items()],
            [(dt.date(2026, 11, 23), 3.0), (dt.date(2026, 11, 30), 3.0)],
        )
