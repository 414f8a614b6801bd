"""Headcount on any day from the change history, plan against actual, staff cost (S-HR-1/3)."""

import datetime as dt
from decimal import Decimal

from duban.org.choices import Post
from duban.people import selectors, services
from duban.people.choices import ChangeKind
from duban.people.models import HeadcountPlan, StaffBudget
from tests.base import BaseTestCase
from tests.factories import EmployeeFactory

TODAY = dt.date(2026, 12, 1)


class HeadcountTests(BaseTestCase):
    def test_S_HR_1_headcount_on_a_date_from_joins_leaves_transfers_and_post_changes(self):
        a, b = self.team_a.pk, self.team_b.pk
        before = selectors.headcount([a, b], TODAY)
        self.assertEqual(sum(before[a].values()), 3)  # 维盛 (lead), 横洲, 小祁
        self.assertEqual(before[a][Post.LEAD], 1)
        services.change_record(
            by=self.supervisor,
            today=TODAY,
            kind=ChangeKind.TRANSFER,
            employee=self.worker_a,
            team=self.team_b,
            date=dt.date(2026, 11, 10),
        )
        services.change_record(
            by=self.lead_a,
            today=TODAY,
            kind=ChangeKind.LEAVE,
            employee=self.member_a_employee,
            reason="pay",
            date=dt.date(2026, 11, 20),
        )
        services.change_record(
            by=self.lead_a,
            today=TODAY,
            kind=ChangeKind.JOIN,
            name="新人",
            team=self.team_a,
            post=Post.TRAINEE,
            date=dt.date(2026, 11, 25),
        )
        services.change_record(
            by=self.lead_b,
            today=TODAY,
            kind=ChangeKind.POST,
            employee=self.worker_b,
            post=Post.SENIOR,
            date=dt.date(2026, 11, 15),
        )
        on = {
            day: selectors.headcount([a, b], day)
            for day in (dt.date(2026, 11, 1), dt.date(2026, 11, 12), dt.date(2026, 11, 21), TODAY)
        }
        self.assertEqual([sum(on[day][a].values()) for day in sorted(on)], [3, 2, 1, 2])
        self.assertEqual([sum(on[day][b].values()) for day in sorted(on)], [1, 2, 2, 2])
        self.assertEqual(on[dt.date(2026, 11, 12)][b][Post.JUNIOR], 2)  # 周敏 not yet senior
        self.assertEqual(on[TODAY][b][Post.SENIOR], 1)
        self.assertEqual(on[TODAY][a][Post.TRAINEE], 1)

    def test_someone_hired_later_or_gone_earlier_is_not_counted(self):
        EmployeeFactory(name="未来", team=self.team_a, hire_date=dt.date(2027, 1, 1))
        EmployeeFactory(
            name="旧人",
            team=self.team_a,
            status="left",
            hire_date=dt.date(2024, 1, 1),
            leave_date=dt.date(2025, 1, 1),
        )
        self.assertEqual(
            sum(selectors.headcount([self.team_a.pk], TODAY)[self.team_a.pk].values()), 3
        )

    def test_plan_against_actual_by_post_with_the_plan_in_effect_that_day(self):
        HeadcountPlan.objects.create(
            team=self.team_a, post=Post.JUNIOR, count=4, effective_from=dt.date(2026, 1, 1)
        )
        HeadcountPlan.objects.create(
            team=self.team_a, post=Post.JUNIOR, count=6, effective_from=dt.date(2026, 12, 1)
        )
        HeadcountPlan.objects.create(
            team=self.team_a, post=Post.LEAD, count=1, effective_from=dt.date(2026, 1, 1)
        )
        row = selectors.structure([self.team_a], dt.date(2026, 11, 30))[0]
        self.assertEqual((row.actual[Post.JUNIOR], row.plan[Post.JUNIOR]), (2, 4))
        self.assertEqual((row.total, row.planned_total, row.gap), (3, 5, -2))
        self.assertIsNone(row.plan[Post.SENIOR])
        self.assertEqual(selectors.structure([self.team_a], TODAY)[0].gap, -4)
        self.assertIsNone(selectors.structure([self.team_b], TODAY)[0].gap)  # no plan: no gap

    def test_S_HR_3_staff_cost_is_headcount_times_the_standard_cost_against_the_budget(self):
        StaffBudget.objects.create(
            team=self.team_a, month=dt.date(2026, 12, 1), amount=Decimal(25000)
        )
        row = selectors.staff_cost([self.team_a], TODAY, today=TODAY)[0]
        self.assertEqual(row.cost, Decimal(15000 + 7000 * 2))  # a lead and two juniors
        self.assertEqual(row.over, Decimal(4000))
        self.assertEqual(sum(amount for _n, amount in row.by_post.values()), row.cost)
