"""The ranking reads the scores duban tick kept while they are fresh (issue 16, point 5): the
same totals as computing them, weights and adjustments applied when read."""

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.urls import reverse

from duban.cockpit import selectors, services
from duban.cockpit.models import KeptScore, Weight
from duban.core.scoring import MEASURES, Dimension
from duban.supervision.tick import tick
from tests.base import BaseTestCase
from tests.cockpit.test_scorecard import FAKES

DEC = dt.date(2026, 12, 1)
TODAY = dt.date(2026, 12, 8)  # a Tuesday
NOW = dt.datetime(2026, 12, 8, 2, 0, tzinfo=dt.UTC)  # 10:00 in Asia/Shanghai


def totals(cards):
    return [(c.lead, c.total, [d.score for d in c.dimensions]) for c in cards]


class KeptScoreTests(BaseTestCase):
    def setUp(self):
        for patcher in [
            mock.patch.dict(MEASURES, FAKES, clear=True),
            mock.patch("django.utils.timezone.now", return_value=NOW),
        ]:
            patcher.start()
            self.addCleanup(patcher.stop)
        self.leads = [self.lead_a, self.lead_b]

    def rank(self, now=NOW, today=TODAY):
        return selectors.ranking(self.leads, DEC, today, now=now)

    def test_kept_scores_rank_as_computing_them_does(self):
        computed = self.rank()
        self.assertTrue(all(c.computed_at is None for c in computed))
        self.assertEqual(services.scores_keep(today=TODAY), len(self.leads) * len(FAKES))
        self.assertEqual(KeptScore.objects.count(), len(self.leads) * len(FAKES))
        with self.assertNumQueries(3):  # weights, kept scores, adjustments
            kept = self.rank()
        self.assertEqual(totals(kept), totals(computed))
        self.assertEqual([c.computed_at for c in kept], [NOW, NOW])
        self.assertIsNotNone(kept[0].total)  # lead_a has data, lead_b none

    def test_a_later_keep_replaces_the_scores_and_counts_what_changed(self):
        services.scores_keep(today=TODAY)
        later = NOW + dt.timedelta(minutes=15)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertEqual(services.scores_keep(today=TODAY), 0)
            Weight.objects.create(key="plans", weight=Decimal("2"))  # read, not kept
            self.assertEqual(services.scores_keep(today=TODAY), 0)
        self.assertEqual(KeptScore.objects.count(), len(self.leads) * len(FAKES))
        self.assertEqual(set(KeptScore.objects.values_list("computed_at", flat=True)), {later})

    def test_weights_and_adjustments_apply_when_read(self):
        services.scores_keep(today=TODAY)
        Weight.objects.create(key="dimension:improvement", weight=Decimal("0"))
        services.score_adjust(
            by=self.supervisor,
            lead=self.lead_a,
            month=DEC,
            dimension=Dimension.FLEXIBILITY,
            points=-20,
            reason="复发两次",
            version=None,
        )
        kept = self.rank()
        self.assertEqual(kept[0].computed_at, NOW)
        self.assertEqual(totals(kept), totals(selectors.ranking(self.leads, DEC, TODAY, now=NOW)))
        self.assertEqual(kept[0].dimension(Dimension.FLEXIBILITY).score, 80.0)

    def test_stale_other_day_or_incomplete_scores_are_computed_again(self):
        services.scores_keep(today=TODAY)
        later = NOW + selectors.KEPT_FRESH + dt.timedelta(seconds=1)
        self.assertTrue(all(c.computed_at is None for c in self.rank(now=later)))
        self.assertTrue(all(c.computed_at is None for c in self.rank(today=DEC)))
        KeptScore.objects.filter(lead=self.lead_a, measure="plans").delete()  # a new measure
        cards = {c.lead: c.computed_at for c in self.rank()}
        self.assertEqual(cards, {self.lead_a: None, self.lead_b: NOW})

    def test_another_month_is_computed(self):
        services.scores_keep(today=TODAY)
        cards = selectors.ranking(self.leads, dt.date(2026, 11, 1), TODAY, now=NOW)
        self.assertTrue(all(c.computed_at is None for c in cards))

    def test_the_tick_keeps_them_on_a_day_off_too(self):
        saturday = dt.date(2026, 12, 12)
        with mock.patch("django.utils.timezone.localdate", return_value=saturday):
            self.assertGreater(tick(today=saturday)["scores"], 0)
        self.assertEqual(KeptScore.objects.count(), len(self.leads) * len(FAKES))

    def test_the_tick_keeps_them_and_the_page_says_when(self):
        with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
            report = tick(today=TODAY)
            self.assertEqual(report["scores"], KeptScore.objects.count())
            self.assertGreater(report["scores"], 0)
            self.assertEqual(tick(today=TODAY)["scores"], 0)
            self.client.force_login(self.executive)
            response = self.client.get(reverse("cockpit:scorecards"), {"month": "2026-12"})
        self.assertContains(response, 'id="kept-at"')
        self.assertContains(response, "按 10:00 计算")
        self.assertEqual(response.context["cards"][0].lead, self.lead_a)


class ComputeManyTests(BaseTestCase):
    def test_periods_computed_at_once_must_cover_the_same_days(self):
        from duban.core.scoring import MEASURES as REGISTERED
        from duban.core.scoring import Period, compute_many

        split = next(m for m in REGISTERED.values() if m.split)
        periods = [
            Period(self.lead_a, (self.team_a.pk,), DEC, TODAY),
            Period(self.lead_b, (self.team_b.pk,), DEC, dt.date(2026, 12, 31)),
        ]
        with self.assertRaises(ValueError):
            compute_many(split, periods)
        self.assertEqual(compute_many(split, periods[:1]), [split.func(periods[0])])
