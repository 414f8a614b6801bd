"""The structure, change and cost detectors fire on their condition and stop when it is dealt
with (S-HR-1, S-HR-3)."""

import datetime as dt
from decimal import Decimal

from duban.org.choices import Post
from duban.people import detectors, services
from duban.people.models import HeadcountPlan, StaffBudget
from duban.supervision.models import Plan
from tests.base import BaseTestCase

TODAY = dt.date(2026, 12, 1)


def keys(signals):
    return [signal.key for signal in signals]


class DetectorTests(BaseTestCase):
    def test_S_HR_1_short_of_plan_by_more_than_one_for_ten_working_days(self):
        key = f"hr-short:team:{self.team_a.pk}"
        HeadcountPlan.objects.create(
            team=self.team_a, post=Post.JUNIOR, count=4, effective_from=dt.date(2026, 11, 1)
        )
        self.assertIn(key, keys(detectors.short_of_plan(TODAY)))  # 2 of 4 since Nov 1st
        signal = next(s for s in detectors.short_of_plan(TODAY) if s.key == key)
        self.assertIn("编制 4，实有 2", str(signal.evidence[0]))
        HeadcountPlan.objects.create(
            team=self.team_a, post=Post.JUNIOR, count=5, effective_from=dt.date(2026, 11, 25)
        )
        self.assertIn(key, keys(detectors.short_of_plan(TODAY)))
        HeadcountPlan.objects.filter(effective_from=dt.date(2026, 11, 1)).delete()
        # short only since Nov 25th: five working days, not ten
        self.assertNotIn(key, keys(detectors.short_of_plan(TODAY)))

    def test_short_by_one_is_within_the_tolerance(self):
        HeadcountPlan.objects.create(
            team=self.team_a, post=Post.JUNIOR, count=3, effective_from=dt.date(2026, 1, 1)
        )
        self.assertEqual(keys(detectors.short_of_plan(TODAY)), [])

    def test_S_HR_3_a_change_whose_plan_was_not_submitted_by_its_date(self):
        change = services.change_record(
            by=self.lead_a,
            today=TODAY,
            kind="leave",
            employee=self.worker_a,
            reason="pay",
            date=TODAY,
        )
        key = f"hr-change-no-plan:team:{self.team_a.pk}"
        plan = Plan.objects.get(matter=change.staffing_matter)
        self.assertNotIn(key, keys(detectors.change_without_plan(plan.submit_by)))
        later = plan.submit_by + dt.timedelta(days=1)
        self.assertIn(key, keys(detectors.change_without_plan(later)))
        plan.status = "submitted"
        plan.save()
        self.assertNotIn(key, keys(detectors.change_without_plan(later)))

    def test_S_HR_3_staff_cost_over_the_budget_is_a_reminder(self):
        key = f"hr-cost:2026-12:team:{self.team_a.pk}"
        self.assertNotIn(key, keys(detectors.cost_over_budget(TODAY)))  # no budget: no reminder
        budget = StaffBudget.objects.create(team=self.team_a, month=TODAY, amount=Decimal(29000))
        self.assertNotIn(key, keys(detectors.cost_over_budget(TODAY)))  # a lead, two juniors
        budget.amount = Decimal(28999)
        budget.save()
        self.assertIn(key, keys(detectors.cost_over_budget(TODAY)))
