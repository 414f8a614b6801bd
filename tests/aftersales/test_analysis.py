"""The figures of the analysis page: time to resolve by percentile, causes' Pareto, repeat
cases per partner (S-AS-2, S-AS-3)."""

import random

from django.test import SimpleTestCase

from duban.aftersales import selectors
from duban.aftersales.choices import Severity
from duban.aftersales.models import Case
from duban.partners.models import Partner
from tests.aftersales.base import AftersalesTestCase, nov


class PercentileTests(SimpleTestCase):
    def test_S_AS_3_p50_and_p90_by_nearest_rank(self):
        values = list(range(1, 11))
        random.Random(15).shuffle(values)
        self.assertEqual(selectors.percentile(values, 0.5), 5)
        self.assertEqual(selectors.percentile(values, 0.9), 9)

    def test_the_median_of_an_odd_list_is_its_middle(self):
        self.assertEqual(selectors.percentile([7.5, 1, 40, 3, 12], 0.5), 7.5)

    def test_p90_of_twenty_values_is_the_eighteenth(self):
        values = [float(n * 2) for n in range(20, 0, -1)]
        self.assertEqual(selectors.percentile(values, 0.9), 36)

    def test_one_value_is_every_percentile_and_none_is_none(self):
        self.assertEqual((selectors.percentile([4], 0.5), selectors.percentile([4], 0.9)), (4, 4))
        self.assertIsNone(selectors.percentile([], 0.5))


class ParetoTests(AftersalesTestCase):
    def test_S_AS_2_causes_most_frequent_first_with_their_cumulative_share(self):
        for cause in [
            self.cause_bill,
            self.cause_line,
            self.cause_service,
            self.cause_line,
            self.cause_bill,
            self.cause_line,
        ]:
            self.register(cause=cause)
        self.assertEqual(
            selectors.pareto(Case.objects.all()),
            [("线路故障", 3, 50), ("账单错误", 2, 83), ("服务态度", 1, 100)],
        )

    def test_a_case_without_a_cause_counts_as_blank(self):
        self.register(cause=self.cause_line)
        self.register()
        self.register()
        self.assertEqual(selectors.pareto(Case.objects.all()), [("", 2, 67), ("线路故障", 1, 100)])

    def test_no_cases_no_rows(self):
        self.assertEqual(selectors.pareto(Case.objects.all()), [])


class ResolveTimeTests(AftersalesTestCase):
    """Cases reported on Monday 2 November at 10:00, resolved a number of working hours
    later."""

    def resolved_after(self, hours_end, *, severity=Severity.NORMAL, team=None, by=None):
        case = self.register(nov(2, 10), severity=severity, team=team, by=by)
        self.resolve(case, hours_end, by=by)
        return case

    def test_S_AS_3_p50_and_p90_by_team_and_severity(self):
        self.resolved_after(nov(2, 12))  # 2 hours
        self.resolved_after(nov(2, 15))  # 5 hours
        self.resolved_after(nov(3, 10))  # 9 hours: 8 on Monday, 1 on Tuesday
        self.resolved_after(nov(2, 11), severity=Severity.URGENT)
        self.resolved_after(nov(2, 13), team=self.team_b, by=self.lead_b)
        self.register(nov(2, 10))  # still open: not counted
        self.assertEqual(
            selectors.resolve_times(Case.objects.all()),
            {
                ("电销一组", Severity.NORMAL): {"n": 3, "p50": 5, "p90": 9},
                ("电销一组", Severity.URGENT): {"n": 1, "p50": 1, "p90": 1},
                ("电销二组", Severity.NORMAL): {"n": 1, "p50": 3, "p90": 3},
            },
        )

    def test_no_resolved_cases_no_groups(self):
        self.register()
        self.assertEqual(selectors.resolve_times(Case.objects.all()), {})


class RepeatPartnerTests(AftersalesTestCase):
    def test_S_AS_2_partners_with_three_cases_or_more_since_a_day(self):
        often = Partner.objects.create(name="乙通信")
        twice = Partner.objects.create(name="丙网络")
        self.register(nov(2), partner=often)  # before the window
        for day in [10, 12, 20]:
            self.register(nov(day), partner=often)
        for day in [11, 13]:
            self.register(nov(day), partner=twice)
        self.register(nov(14))  # no partner
        since = nov(9, 0)
        self.assertEqual(
            selectors.repeat_partners(Case.objects.all(), since), [(often.pk, "乙通信", 3)]
        )
        self.assertEqual(
            selectors.repeat_partners(Case.objects.all(), since, least=2),
            [(often.pk, "乙通信", 3), (twice.pk, "丙网络", 2)],
        )
        self.assertEqual(
            selectors.repeat_partners(Case.objects.all(), nov(1, 0)),
            [(often.pk, "乙通信", 4)],
        )
