"""What receivables tell the lead scorecard and the dashboards, on small known cases."""

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.urls import reverse

from duban.core import figures
from duban.core.scoring import MEASURES, Period, ratio
from duban.receivables import scoring
from duban.receivables.models import Payment, PlanLine
from duban.supervision.models import TableVersion
from tests.base import BaseTestCase
from tests.receivables.test_aging import receivable

NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
CODES = ["ar_outstanding", "ar_overdue", "ar_over_6m", "ar_planned_month", "ar_collected_month"]


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def run(code: str, lead, teams, start: dt.date, end: dt.date):
    period = Period(lead, tuple(team.pk for team in teams), start, end)
    return MEASURES[code].func(period)


def plan(receivable, day: dt.date, amount: str) -> PlanLine:
    return PlanLine.objects.create(receivable=receivable, planned_date=day, amount=Decimal(amount))


def pay(receivable, day: dt.date, amount: str) -> Payment:
    return Payment.objects.create(receivable=receivable, date=day, amount=Decimal(amount))


class CollectionPlanTests(BaseTestCase):
    """receivable_a (INV-A-001) owes ¥70,000; its plan and payments around November:

    10-20 plan 10,000 ← 10-18 paid 10,000 (before the period: not an item, but it took its money)
    11-05 plan 20,000 ← 11-03 paid 15,000: 0.75
    11-20 plan 20,000 ← nothing more by 11-20 (25,000 came 11-25, late): 0
    12-05 plan 10,000: after the period, not an item
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a = cls.receivable_a
        for day, amount in [(d(10, 20), "10000"), (d(11, 5), "20000"), (d(11, 20), "20000")]:
            plan(a, day, amount)
        plan(a, d(12, 5), "10000")
        for day, amount in [(d(10, 18), "10000"), (d(11, 3), "15000"), (d(11, 25), "25000")]:
            pay(a, day, amount)
        # planned again after a miss: the second line is paid, the first is not paid twice
        cls.replanned = receivable(cls.team_a, "A-REPLAN", amount="5000.00")
        plan(cls.replanned, d(11, 10), "5000")
        plan(cls.replanned, d(11, 25), "5000")
        pay(cls.replanned, d(11, 22), "5000")
        # paid early, in one sum, for two lines
        cls.early = receivable(cls.team_a, "A-EARLY", amount="6000.00")
        plan(cls.early, d(11, 12), "3000")
        plan(cls.early, d(11, 28), "3000")
        pay(cls.early, d(11, 1), "6000")
        cls.other = receivable(cls.team_b, "B-1", amount="1000.00")
        plan(cls.other, d(11, 10), "1000")

    def test_S_AR_3_each_line_is_credited_with_what_came_in_by_its_date(self):
        items = run("collection_plans", self.lead_a, [self.team_a], *NOVEMBER)
        self.assertEqual(
            [(item.label, item.credit) for item in items],
            [
                ("回款计划 INV-A-001 11-05 计划 20,000.00 元，收回 15,000.00 元", 0.75),
                ("回款计划 A-REPLAN 11-10 计划 5,000.00 元，收回 0.00 元", 0.0),
                ("回款计划 A-EARLY 11-12 计划 3,000.00 元，收回 3,000.00 元", 1.0),
                ("回款计划 INV-A-001 11-20 计划 20,000.00 元，收回 0.00 元", 0.0),
                ("回款计划 A-REPLAN 11-25 计划 5,000.00 元，收回 5,000.00 元", 1.0),
                ("回款计划 A-EARLY 11-28 计划 3,000.00 元，收回 3,000.00 元", 1.0),
            ],
        )
        self.assertEqual(items[0].day, d(11, 5))
        self.assertEqual(items[0].url, self.receivable_a.get_absolute_url())
        self.assertAlmostEqual(ratio(items), 3.75 / 6)

    def test_lines_not_yet_due_are_not_items(self):
        items = run("collection_plans", self.lead_a, [self.team_a], d(11, 1), d(11, 12))
        self.assertEqual([item.day for item in items], [d(11, 5), d(11, 10), d(11, 12)])

    def test_only_the_leads_teams_count_and_nothing_due_is_no_data(self):
        items = run("collection_plans", self.lead_b, [self.team_b], *NOVEMBER)
        self.assertEqual(
            [(item.label, item.credit) for item in items],
            [("回款计划 B-1 11-10 计划 1,000.00 元，收回 0.00 元", 0.0)],
        )
        self.assertEqual(run("collection_plans", self.lead_b, [self.team_b], d(9, 1), d(9, 30)), [])

    def test_it_costs_a_few_queries_whatever_the_number_of_lines(self):
        with self.assertNumQueries(3):  # the month's receivables, their lines, their payments
            run("collection_plans", self.lead_a, [self.team_a], *NOVEMBER)


class ReceivableTableTests(BaseTestCase):
    """Team A owes money, so keeps the AR table; team B owes nothing; team C is another line."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.first = TableVersion.objects.create(
            kind="ar_table", team=cls.team_a, as_of=d(11, 10), rows=1
        )
        TableVersion.objects.create(kind="ar_table", team=cls.team_c, as_of=d(11, 20), rows=1)
        TableVersion.objects.create(kind="resources", team=cls.team_a, as_of=d(11, 20), rows=1)

    def items(self, start, end, lead=None, teams=None):
        found = run("receivable_tables", lead or self.lead_a, teams or [self.team_a], start, end)
        return [(item.label, item.credit, item.day) for item in found]

    def test_S_AR_2_one_item_per_half_month_kept_when_a_version_falls_in_it(self):
        self.assertEqual(
            self.items(*NOVEMBER),
            [
                ("电销一组 11-01～11-15 的应收账表已更新（11-10）", 1.0, d(11, 15)),
                ("电销一组 11-16～11-30 的应收账表未更新", 0.0, d(11, 30)),
            ],
        )
        items = run("receivable_tables", self.lead_a, [self.team_a], *NOVEMBER)
        self.assertEqual(items[0].url, reverse("receivables:version_detail", args=[self.first.pk]))
        self.assertEqual(items[1].url, reverse("receivables:version_list"))

    def test_a_half_not_over_is_an_item_only_once_its_version_is_in(self):
        self.assertEqual(
            self.items(d(11, 1), d(11, 20)),
            [("电销一组 11-01～11-15 的应收账表已更新（11-10）", 1.0, d(11, 15))],
        )
        TableVersion.objects.create(kind="ar_table", team=self.team_a, as_of=d(11, 18), rows=1)
        self.assertEqual(
            [credit for _label, credit, _day in self.items(d(11, 1), d(11, 20))], [1.0, 1.0]
        )

    def test_a_past_month_without_a_version_misses_both_halves(self):
        self.assertEqual(
            self.items(d(10, 1), d(10, 31)),
            [
                ("电销一组 10-01～10-15 的应收账表未更新", 0.0, d(10, 15)),
                ("电销一组 10-16～10-31 的应收账表未更新", 0.0, d(10, 31)),
            ],
        )

    def test_a_team_that_owes_nothing_has_no_table_to_keep_unless_it_keeps_one(self):
        self.assertEqual(self.items(*NOVEMBER, lead=self.lead_b, teams=[self.team_b]), [])
        TableVersion.objects.create(kind="ar_table", team=self.team_b, as_of=d(11, 3), rows=1)
        self.assertEqual(
            [credit for _label, credit, _day in self.items(*NOVEMBER, self.lead_b, [self.team_b])],
            [1.0, 0.0],
        )

    def test_it_costs_two_queries(self):
        with self.assertNumQueries(2):
            run("receivable_tables", self.lead_a, [self.team_a], *NOVEMBER)


class FigureTests(BaseTestCase):
    """On 11-20, team A owes ¥70,000 (INV-A-001, due 02-01: overdue, over 6 months), ¥1,000
    (due 10-01: overdue, 50 days) and ¥5,000 (due 12-31: not due); a settled one owes nothing.
    Team B has no data; team C's figures are its own."""

    DAY = d(11, 20)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        recent = receivable(cls.team_a, "A-RECENT", due=d(10, 1), amount="1000.00")
        receivable(cls.team_a, "A-LATER", due=d(12, 31), amount="5000.00")
        settled = receivable(
            cls.team_a, "A-SETTLED", due=d(1, 1), amount="800.00", paid="800.00", status="settled"
        )
        plan(cls.receivable_a, d(11, 5), "20000")
        plan(recent, d(11, 30), "1000")
        plan(recent, d(12, 1), "500")  # next month
        plan(cls.receivable_a, d(10, 31), "300")  # last month
        pay(cls.receivable_a, d(11, 3), "15000")
        pay(settled, d(11, 20), "800")
        pay(recent, d(11, 21), "100")  # after the day
        pay(cls.receivable_a, d(10, 31), "200")  # last month
        pay(cls.receivable_a, d(3, 1), "1000")
        c = receivable(cls.team_c, "C-1", due=d(1, 1), amount="9.00")
        plan(c, d(11, 9), "9")
        pay(c, d(11, 9), "9")

    def figures_of(self, day):
        found = figures.compute([self.team_a.pk, self.team_b.pk], day)
        return {team: {code: values[code] for code in CODES} for team, values in found.items()}

    def test_each_teams_figures_on_a_day_and_zeros_for_a_team_without_data(self):
        self.assertEqual(
            self.figures_of(self.DAY),
            {
                self.team_a.pk: {
                    "ar_outstanding": Decimal("76000.00"),
                    "ar_overdue": Decimal("71000.00"),
                    "ar_over_6m": Decimal("70000.00"),
                    "ar_planned_month": Decimal("21000.00"),
                    "ar_collected_month": Decimal("15800.00"),
                },
                self.team_b.pk: dict.fromkeys(CODES, Decimal(0)),
            },
        )

    def test_as_of_a_past_day_aging_and_the_months_money_follow_the_day(self):
        # on 03-01 INV-A-001 is 28 days overdue, A-RECENT not yet due; outstanding is today's
        self.assertEqual(
            self.figures_of(d(3, 1))[self.team_a.pk],
            {
                "ar_outstanding": Decimal("76000.00"),
                "ar_overdue": Decimal("70000.00"),
                "ar_over_6m": Decimal("0.00"),
                "ar_planned_month": Decimal("0"),
                "ar_collected_month": Decimal("1000.00"),
            },
        )

    def test_all_teams_in_a_few_grouped_queries(self):
        scoring.receivables_figures([self.team_a.pk], self.DAY)  # the settings row exists
        with self.assertNumQueries(5):
            scoring.receivables_figures([self.team_a.pk, self.team_b.pk, self.team_c.pk], self.DAY)

    def test_each_link_lists_the_rows_behind_the_figure(self):
        self.client.force_login(self.supervisor)
        today = self.DAY + dt.timedelta(days=10)
        for day in [self.DAY, today]:
            with mock.patch("django.utils.timezone.localdate", return_value=today):
                values = scoring.receivables_figures([self.team_a.pk], day)[self.team_a.pk]
                for code in ["ar_outstanding", "ar_overdue", "ar_over_6m"]:
                    url = figures.FIGURES[code].link(self.team_a.pk, day)
                    rows = self.client.get(url).context["table"].data
                    self.assertEqual(sum(r.outstanding for r in rows), values[code], (code, day))

    def test_the_links(self):
        base = reverse("receivables:receivable_list")
        team = self.team_a.pk
        link = {code: figures.FIGURES[code].link for code in CODES}
        with mock.patch("django.utils.timezone.localdate", return_value=self.DAY):
            self.assertEqual(
                link["ar_outstanding"](team, self.DAY), f"{base}?team={team}&status=open"
            )
            self.assertEqual(link["ar_outstanding"](None, self.DAY), f"{base}?status=open")
            self.assertEqual(
                link["ar_overdue"](team, d(3, 1)),
                f"{base}?team={team}&status=open&overdue=true&as_of=2026-03-01",
            )
            self.assertEqual(
                link["ar_over_6m"](None, self.DAY), f"{base}?status=open&bucket=d365&bucket=over365"
            )
            self.assertEqual(
                link["ar_planned_month"](team, self.DAY), f"{base}?team={team}&status="
            )
            self.assertEqual(link["ar_collected_month"](None, self.DAY), f"{base}?status=")
