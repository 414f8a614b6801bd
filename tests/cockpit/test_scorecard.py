"""The lead scorecard's formula (S-EVAL-1) on measures with known items: ratios, weights,
"no data", adjustments; and the writes of the supervisor and the admin."""

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError

from duban.cockpit import selectors, services
from duban.cockpit.models import Adjustment, Comment, Weight
from duban.core.scoring import MEASURES, Dimension, Evidence, Measure
from duban.core.services import StaleEditError
from tests.base import BaseTestCase

NOV = dt.date(2026, 11, 1)
TODAY = dt.date(2026, 12, 1)


def items(*credits) -> list[Evidence]:
    return [Evidence(f"事项 {n}", credit) for n, credit in enumerate(credits)]


def fake(code, dimension, credits, weight=1.0):
    """A measure that lists the given credits for lead_a's teams, nothing for others."""

    def listed(period):
        return items(*credits) if period.team_ids and period.lead.username == "weisheng" else []

    return Measure(code, dimension, code, "", listed, weight)


FAKES = {
    m.code: m
    for m in [
        fake("plans", Dimension.EXECUTION, [1, 1, 0, 1]),  # 75%
        fake("milestones", Dimension.EXECUTION, [1, 0], weight=3),  # 50%, counted 3 times
        fake("targets", Dimension.COMMITMENT, [0.5, 1]),  # 75%
        fake("unused_area", Dimension.COMMITMENT, []),  # no data: not counted
        fake("cover", Dimension.RESOURCES, []),  # the whole dimension without data
        fake("relapse", Dimension.FLEXIBILITY, [1]),  # 100%
        fake("summaries", Dimension.IMPROVEMENT, [0, 0, 1, 1, 1]),  # 60%
    ]
}


class ScorecardFormulaTests(BaseTestCase):
    def setUp(self):
        patcher = mock.patch.dict(MEASURES, FAKES, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    def card(self, lead=None):
        return selectors.scorecard(lead or self.lead_a, NOV, TODAY)

    def test_S_EVAL_1_each_dimension_is_the_weighted_mean_of_its_measures(self):
        card = self.card()
        scores = {d.dimension: d.score for d in card.dimensions}
        self.assertEqual(
            scores,
            {
                # (75 × 1 + 50 × 3) / 4
                Dimension.EXECUTION: 56.2,
                Dimension.COMMITMENT: 75.0,
                Dimension.RESOURCES: None,
                Dimension.FLEXIBILITY: 100.0,
                Dimension.IMPROVEMENT: 60.0,
            },
        )
        # the total counts the four dimensions with data, not the fifth as zero
        self.assertEqual(card.total, round((56.25 + 75 + 100 + 60) / 4, 1))

    def test_S_EVAL_1_a_lead_without_data_has_no_score_not_zero(self):
        card = self.card(self.lead_b)
        self.assertIsNone(card.total)
        self.assertTrue(all(d.score is None for d in card.dimensions))

    def test_S_EVAL_1_the_admin_s_weights_change_the_formula(self):
        Weight.objects.create(key="milestones", weight=Decimal("1"))
        Weight.objects.create(key="dimension:improvement", weight=Decimal("0"))
        card = self.card()
        self.assertEqual(card.dimension(Dimension.EXECUTION).score, 62.5)  # (75 + 50) / 2
        self.assertEqual(card.total, round((62.5 + 75 + 100) / 3, 1))

    def test_S_EVAL_1_an_adjustment_moves_the_score_and_is_shown_with_its_reason(self):
        services.score_adjust(
            by=self.supervisor,
            lead=self.lead_a,
            month=NOV,
            dimension=Dimension.IMPROVEMENT,
            points=-10,
            reason="总结内容空泛",
            version=None,
        )
        improvement = self.card().dimension(Dimension.IMPROVEMENT)
        self.assertEqual((improvement.raw, improvement.score), (60.0, 50.0))
        self.assertEqual(improvement.adjustment.reason, "总结内容空泛")
        self.assertEqual(improvement.adjustment.history.count(), 1)

    def test_a_score_stays_within_0_and_100(self):
        for points, expected in [(30, 100.0), (-30, 70.0)]:
            found = Adjustment.objects.filter(lead=self.lead_a, dimension=Dimension.FLEXIBILITY)
            services.score_adjust(
                by=self.supervisor,
                lead=self.lead_a,
                month=NOV,
                dimension=Dimension.FLEXIBILITY,
                points=points,
                reason="说明",
                version=found.first().version if found.exists() else None,
            )
            self.assertEqual(self.card().dimension(Dimension.FLEXIBILITY).score, expected)

    def test_the_ranking_puts_the_best_first_and_no_data_last(self):
        cards = selectors.ranking([self.lead_b, self.lead_a], NOV, TODAY)
        self.assertEqual([c.lead for c in cards], [self.lead_a, self.lead_b])

    def test_the_trend_holds_six_months(self):
        rows = selectors.trend(self.lead_a, NOV, today=TODAY)
        self.assertEqual([f"{r['month']:%Y-%m}" for r in rows][-2:], ["2026-10", "2026-11"])
        self.assertEqual(len(rows), 6)


class AdjustmentServiceTests(BaseTestCase):
    def adjust(self, by=None, lead=None, **fields):
        values = {
            "month": NOV,
            "dimension": Dimension.EXECUTION,
            "points": 5,
            "reason": "临时抽调支援",
            "version": None,
        } | fields
        return services.score_adjust(by=by or self.supervisor, lead=lead or self.lead_a, **values)

    def test_an_adjustment_needs_a_reason(self):
        with self.assertRaises(ValidationError):
            self.adjust(reason="  ")
        self.assertFalse(Adjustment.objects.exists())

    def test_an_adjustment_beyond_30_points_is_refused(self):
        with self.assertRaises(ValidationError):
            self.adjust(points=31)

    def test_it_refuses_a_stale_edit(self):
        first = self.adjust()
        self.adjust(points=8, version=first.version)
        with self.assertRaises(StaleEditError):
            self.adjust(points=-3, version=first.version)
        with self.assertRaises(StaleEditError):  # it existed when the form said it did not
            self.adjust(points=2, version=None)
        self.assertEqual(Adjustment.objects.get().points, 8)

    def test_zero_points_withdraw_the_adjustment(self):
        first = self.adjust()
        self.adjust(points=0, reason="", version=first.version)
        self.assertFalse(Adjustment.objects.exists())

    def test_the_executive_and_the_leads_adjust_nothing(self):
        for user in [self.executive, self.lead_a, self.lead_b, self.member_a]:
            with self.subTest(user.username), self.assertRaises(PermissionDenied):
                self.adjust(by=user)

    def test_a_supervisor_of_another_line_adjusts_nothing_of_line_1(self):
        with self.assertRaises(PermissionDenied):
            self.adjust(by=self.other_supervisor)

    def test_a_comment_is_kept_and_an_empty_one_refused(self):
        services.comment_add(by=self.supervisor, lead=self.lead_a, month=NOV, text="节奏把握好")
        with self.assertRaises(ValidationError):
            services.comment_add(by=self.supervisor, lead=self.lead_a, month=NOV, text=" ")
        self.assertEqual(Comment.objects.get().text, "节奏把握好")

    def test_only_the_admin_sets_weights(self):
        with self.assertRaises(PermissionDenied):
            services.weights_save(by=self.supervisor, weights={"dimension:execution": Decimal(2)})
        changed = services.weights_save(
            by=self.admin,
            weights={"dimension:execution": Decimal(2), "dimension:commitment": Decimal(1)},
        )
        self.assertEqual(changed, 2)
        self.assertEqual(selectors.weights()["dimension:execution"], 2.0)
        again = services.weights_save(by=self.admin, weights={"dimension:execution": Decimal(2)})
        self.assertEqual(again, 0)
