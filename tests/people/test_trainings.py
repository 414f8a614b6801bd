"""Trainings with each attendee's result; a pass rate under the bar forces a re-training plan,
followed until a re-training is held (S-HR-4, S-PRJ-6)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied

from duban.people import detectors, selectors, services
from duban.people.models import Settings, TrainingPlan
from duban.supervision.models import Plan, Risk
from duban.supervision.tick import plans_autodemand, risks_sync
from tests.base import BaseTestCase

TODAY = dt.date(2026, 12, 1)


class TrainingTests(BaseTestCase):
    def held(self, scores, **fields):
        people = [self.member_a_employee, self.worker_a, self.lead_a_employee][: len(scores)]
        training = services.training_record(
            by=self.lead_a,
            team=self.team_a,
            attendees=people,
            topic=fields.pop("topic", "新产品话术"),
            kind="product",
            held_on=fields.pop("held_on", dt.date(2026, 11, 25)),
            trainer="维盛",
            **fields,
        )
        rows = {r.employee_id: r.pk for r in training.results.all()}
        services.results_record(
            by=self.lead_a,
            training=training,
            results={
                rows[person.pk]: {"score": score}
                for person, score in zip(people, scores, strict=True)
                if score is not None
            },
        )
        return training

    def test_pass_rate_and_average_from_scores_or_marks(self):
        training = self.held([Decimal(90), Decimal(50), None])
        services.results_record(
            by=self.lead_a,
            training=training,
            results={training.results.get(employee=self.lead_a_employee).pk: {"passed": True}},
        )
        figures = selectors.training_figures(type(training).objects.filter(pk=training.pk))[0]
        self.assertEqual((figures.attendees, figures.scored, figures.passed), (3, 3, 2))
        self.assertEqual((figures.pass_rate, figures.average), (67, Decimal("70.0")))

    def test_S_HR_4_a_pass_rate_under_the_bar_forces_a_retraining_plan_until_one_is_held(self):
        training = self.held([Decimal(90), Decimal(50), Decimal(40)])  # 33 %
        signals = list(detectors.pass_rate_low(TODAY))
        self.assertEqual([s.key for s in signals], [f"hr-pass-low:training:{training.pk}"])
        self.assertEqual((signals[0].lead_id, signals[0].subject), (self.lead_a.pk, training))
        risks_sync(today=TODAY)
        risk = Risk.objects.get(key=f"hr-pass-low:training:{training.pk}")
        plans_autodemand(
            today=dt.date(2026, 12, 2)
        )  # a red risk without a plan: 倒逼 by the engine
        self.assertEqual(Plan.objects.get(risk=risk).lead, self.lead_a)
        self.held([Decimal(80), Decimal(75)], topic="二次培训", retraining_of=training)
        self.assertEqual(list(detectors.pass_rate_low(TODAY)), [])

    def test_a_pass_rate_at_the_bar_raises_nothing_and_the_bar_is_a_setting(self):
        self.held([Decimal(90), Decimal(60), Decimal(59)])  # 67 %
        self.assertTrue(list(detectors.pass_rate_low(TODAY)))
        Settings.objects.update_or_create(pk=1, defaults={"pass_rate_bar": 60})
        self.assertEqual(list(detectors.pass_rate_low(TODAY)), [])

    def test_the_lead_s_trainings_of_a_month_against_the_plan(self):
        TrainingPlan.objects.create(
            team=self.team_a, starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 12, 31), count=4
        )
        self.held([Decimal(90), Decimal(50)])  # and the cast's, whose result is still to come
        row = selectors.training_month([self.team_a], dt.date(2026, 11, 1))[0]
        self.assertEqual((row.held, row.planned, row.pass_rate), (2, 2, 50))

    def test_results_are_recorded_by_leads_of_the_team_only(self):
        training = self.held([])
        with self.assertRaises(PermissionDenied):
            services.results_record(by=self.lead_b, training=training, results={})


class TrainingTargetTests(BaseTestCase):
    def test_S_PRJ_6_a_missed_training_target_forces_the_next_training_plan(self):
        plan = TrainingPlan.objects.create(
            team=self.team_a,
            starts_on=dt.date(2026, 11, 1),
            ends_on=dt.date(2026, 11, 30),
            count=3,
            kind="product",
        )
        key = f"hr-training-target:plan:{plan.pk}"
        self.assertNotIn(
            key, [s.key for s in detectors.training_target_missed(dt.date(2026, 11, 30))]
        )
        signals = list(detectors.training_target_missed(TODAY))  # one of three held
        self.assertEqual([s.key for s in signals], [key])
        self.assertIn("1 / 3", str(signals[0].title))
        TrainingPlan.objects.create(
            team=self.team_a, starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 31), count=2
        )
        self.assertEqual(list(detectors.training_target_missed(TODAY)), [])

    def test_a_plan_for_one_project_counts_that_project_s_trainings(self):
        plan = TrainingPlan.objects.create(
            team=self.team_a,
            starts_on=dt.date(2026, 11, 1),
            ends_on=dt.date(2026, 11, 30),
            count=1,
            project="企业宽带季度推广",
        )
        key = f"hr-training-target:plan:{plan.pk}"
        self.assertIn(key, [s.key for s in detectors.training_target_missed(TODAY)])
        self.training_a.project = "企业宽带季度推广"  # the cast's training, for that project
        self.training_a.save()
        self.assertNotIn(key, [s.key for s in detectors.training_target_missed(TODAY)])
