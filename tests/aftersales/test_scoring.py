"""After-sales on the lead scorecard (S-EVAL-1) and the dashboards: each measure's items and
credits on a small case with a known answer, and each team's figures on a day."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from duban.aftersales import scoring, services
from duban.aftersales.models import Settings
from duban.core import figures
from duban.core.scoring import MEASURES, Dimension, Period, ratio
from tests.aftersales.base import AftersalesTestCase, at, frozen, nov

D = dt.date
NOW = nov(20, 17)  # Friday 20 November 2026, 17:00
NOVEMBER = D(2026, 11, 1), D(2026, 11, 30)
LIST = reverse("aftersales:case_list")
CODES = ["as_open", "as_breached", "as_reported_month"]


class MeasureTestCase(AftersalesTestCase):
    code = ""

    def items(self, start=NOVEMBER[0], end=NOVEMBER[1], teams=None, now=NOW):
        """(label, credit, day) of the measure's items for lead_a (team A unless said)."""
        teams = teams or [self.team_a]
        period = Period(self.lead_a, tuple(team.pk for team in teams), start, end)
        with frozen(now):
            found = MEASURES[self.code].func(period)
        return [(item.label, item.credit, item.day) for item in found]

    def urls(self, **kwargs) -> list[str]:
        period = Period(self.lead_a, (self.team_a.pk,), D(2026, 11, 1), D(2026, 11, 30))
        with frozen(kwargs.get("now", NOW)):
            return [item.url for item in MEASURES[self.code].func(period)]

    def assert_cheap(self, most: int = 5):
        Settings.current()
        period = Period(self.lead_a, (self.team_a.pk, self.team_b.pk), D(2026, 11, 1), NOW.date())
        with frozen(NOW), CaptureQueriesContext(connection) as queries:
            MEASURES[self.code].func(period)
        self.assertLessEqual(len(queries), most)


class RegistrationTests(AftersalesTestCase):
    def test_S_EVAL_1_each_measure_has_its_dimension(self):
        codes = ["cases_in_time", "responsibility_decided", "aftersales_tables", "case_updates"]
        self.assertEqual(
            {code: MEASURES[code].dimension for code in codes},
            {
                "cases_in_time": Dimension.COMMITMENT,
                "responsibility_decided": Dimension.FLEXIBILITY,
                "aftersales_tables": Dimension.IMPROVEMENT,
                "case_updates": Dimension.EXECUTION,
            },
        )

    def test_the_figures_are_the_areas(self):
        self.assertEqual({figures.FIGURES[code].area for code in CODES}, {"aftersales"})


class CasesInTimeTests(MeasureTestCase):
    """Normal cases: resolved within 5 working days, so one reported on Monday 2 November
    at 10:00 is due on Monday 9 at 10:00."""

    code = "cases_in_time"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.kept = cls.register(nov(2, 10))  # due 11-09 10:00
        cls.resolve(cls.kept, nov(6, 15))
        cls.late = cls.register(nov(3, 10))  # due 11-10 10:00
        cls.resolve(cls.late, nov(11, 10))
        cls.open = cls.register(nov(4, 10))  # due 11-11 10:00, still open
        cls.register(nov(18, 10))  # due 11-25: not due yet
        cls.register(at(2026, 10, 20, 10))  # due in October
        cls.register(nov(2, 10), team=cls.team_b, by=cls.lead_b)  # another lead's

    def test_S_AS_3_resolved_by_the_deadline_is_kept_late_or_open_is_missed(self):
        self.assertEqual(
            self.items(),
            [
                ("SH202611-0001 11-06 15:00 解决（期限 11-09 10:00）", 1.0, D(2026, 11, 9)),
                ("SH202611-0002 11-11 10:00 才解决（期限 11-10 10:00）", 0.0, D(2026, 11, 10)),
                ("SH202611-0003 未解决（期限 11-11 10:00）", 0.0, D(2026, 11, 11)),
            ],
        )

    def test_a_deadline_not_reached_yet_is_no_item(self):
        self.assertEqual(len(self.items(now=nov(10, 9))), 1)  # only the case due 11-09
        self.assertEqual(self.items(now=nov(9, 9)), [])

    def test_each_item_opens_its_case(self):
        self.assertEqual(self.urls()[0], self.kept.get_absolute_url())

    def test_nothing_due_is_no_data(self):
        self.assertEqual(self.items(start=D(2026, 12, 1), end=D(2026, 12, 31)), [])
        self.assertIsNone(ratio([]))

    def test_it_stays_cheap(self):
        self.assert_cheap()


class ResponsibilityDecidedTests(MeasureTestCase):
    """Responsibility is due within three working days of the resolution (the default)."""

    code = "responsibility_decided"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cases = [cls.register(nov(day, 10)) for day in (2, 9, 10, 18, 19)]
        kept, late, undecided, early, pending = cases
        for case, resolved in zip(cases, [2, 9, 10, 18, 19], strict=True):
            cls.resolve(case, nov(resolved, 15))
        cls.decide(kept, nov(4, 10))  # due Thursday 11-05
        cls.decide(late, nov(13, 10))  # due Thursday 11-12
        cls.decide(early, nov(18, 16))  # due 11-23, decided at once
        old = cls.register(at(2026, 10, 20, 10))
        cls.resolve(old, at(2026, 10, 20, 15))  # resolved in October

    def test_S_AS_1_decided_within_the_working_days_is_kept(self):
        self.assertEqual(
            self.items(),
            [
                ("SH202611-0001 11-02 解决，11-04 定责（期限 11-05）", 1.0, D(2026, 11, 5)),
                ("SH202611-0002 11-09 解决，11-13 才定责（期限 11-12）", 0.0, D(2026, 11, 12)),
                ("SH202611-0003 11-10 解决，未定责（期限 11-13）", 0.0, D(2026, 11, 13)),
                ("SH202611-0004 11-18 解决，11-18 定责（期限 11-23）", 1.0, D(2026, 11, 23)),
            ],
        )

    def test_S_AS_1_undecided_counts_only_once_its_time_has_passed(self):
        """The case resolved on Thursday 19 is due on Tuesday 24: missed from Wednesday."""
        self.assertEqual(len(self.items(now=nov(24, 17))), 4)
        (last,) = self.items(now=nov(25, 9))[-1:]
        self.assertEqual(
            last, ("SH202611-0005 11-19 解决，未定责（期限 11-24）", 0.0, D(2026, 11, 24))
        )

    def test_the_days_come_from_the_settings(self):
        Settings.objects.update_or_create(pk=1, defaults={"decide_within_days": 5})
        self.assertEqual([credit for _label, credit, _day in self.items()], [1.0, 1.0, 0.0, 1.0])

    def test_nothing_resolved_is_no_data(self):
        self.assertEqual(self.items(teams=[self.team_b]), [])

    def test_it_stays_cheap(self):
        self.assert_cheap()


class TablesTests(MeasureTestCase):
    """October's tables are due on Friday 6 November, November's on Monday 7 December (the
    5th working days); a team owes a month's table when it had cases that month."""

    code = "aftersales_tables"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.register(at(2026, 10, 20, 10))
        cls.register(at(2026, 10, 21, 10), team=cls.team_b, by=cls.lead_b)
        cls.register(nov(3, 10))
        for team, by, returned in [(cls.team_a, cls.lead_a, 5), (cls.team_b, cls.lead_b, 9)]:
            table = services.table_generate(team=team, month=D(2026, 10, 1))
            with frozen(nov(returned, 10)):
                services.table_return(table=table, by=by)

    def test_S_AS_4_a_table_returned_by_the_5th_working_day_is_kept(self):
        both = [self.team_a, self.team_b]
        self.assertEqual(
            self.items(teams=both),
            [
                ("电销一组 2026-10 的售后跟踪表 11-05 返回（期限 11-06）", 1.0, D(2026, 11, 6)),
                ("电销二组 2026-10 的售后跟踪表 11-09 才返回（期限 11-06）", 0.0, D(2026, 11, 6)),
            ],
        )
        self.assertEqual(self.urls(), [reverse("aftersales:tables") + "?month=2026-10"])

    def test_S_AS_4_unreturned_is_missed_once_its_day_has_passed(self):
        december = {"start": D(2026, 12, 1), "end": D(2026, 12, 31)}
        self.assertEqual(self.items(**december, now=at(2026, 12, 7, 17)), [])
        self.assertEqual(
            self.items(**december, now=at(2026, 12, 8, 9)),
            [("电销一组 2026-11 的售后跟踪表未返回（期限 12-07）", 0.0, D(2026, 12, 7))],
        )

    def test_a_team_without_cases_that_month_owes_no_table(self):
        december = {"start": D(2026, 12, 1), "end": D(2026, 12, 31)}
        self.assertEqual(self.items(**december, teams=[self.team_b], now=at(2026, 12, 20)), [])

    def test_it_stays_cheap(self):
        self.assert_cheap()


class CaseUpdatesTests(MeasureTestCase):
    """Two working days without a step make a case stale (the default): a step on Monday and
    none on Tuesday and Wednesday is stale on Wednesday, as the as_stale detector says."""

    code = "case_updates"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.old = cls.register(at(2026, 10, 12, 10))  # resolved in October
        cls.resolve(cls.old, at(2026, 10, 13, 10))
        cls.crossing = cls.register(at(2026, 10, 28, 10))  # Wednesday
        cls.step(cls.crossing, at(2026, 10, 29, 10))  # Thursday; then Friday, Monday empty
        cls.step(cls.crossing, nov(3, 10))
        cls.resolve(cls.crossing, nov(3, 11))
        cls.current = cls.register(nov(2, 10))
        for day in (4, 6, 10, 12, 16, 18):
            cls.step(cls.current, nov(day, 10))
        cls.lapsed = cls.register(nov(2, 11))  # nothing on Tuesday and Wednesday
        cls.step(cls.lapsed, nov(5, 10))
        cls.resolve(cls.lapsed, nov(6, 10))
        cls.quiet = cls.register(nov(16, 10))  # nothing since
        cls.register(nov(20, 9))  # reported today: no day of it is over

    def test_S_AS_2_a_case_that_went_two_working_days_without_a_step_is_missed(self):
        self.assertEqual(
            self.items(),
            [
                ("SH202610-0002 10-29 后连续 2 个工作日没有处理记录", 0.0, D(2026, 11, 2)),
                ("SH202611-0001 跟进及时，最近处理记录 11-18", 1.0, D(2026, 11, 20)),
                ("SH202611-0002 11-02 后连续 2 个工作日没有处理记录", 0.0, D(2026, 11, 4)),
                ("SH202611-0003 11-16 后连续 3 个工作日没有处理记录", 0.0, D(2026, 11, 18)),
            ],
        )

    def test_S_AS_2_a_past_period_is_judged_on_its_own_days(self):
        """In October the crossing case had only Friday 30 without a step."""
        self.assertEqual(
            self.items(start=D(2026, 10, 1), end=D(2026, 10, 31)),
            [
                ("SH202610-0001 跟进及时，最近处理记录 10-12", 1.0, D(2026, 10, 13)),
                ("SH202610-0002 跟进及时，最近处理记录 10-29", 1.0, D(2026, 10, 31)),
            ],
        )

    def test_a_day_not_over_is_not_judged_yet(self):
        """At 17:00 on Wednesday 4, Tuesday alone is a whole day without a step."""
        self.assertEqual(
            self.items(now=nov(4, 17))[1:3],
            [
                ("SH202611-0001 跟进及时，最近处理记录 11-02", 1.0, D(2026, 11, 4)),
                ("SH202611-0002 跟进及时，最近处理记录 11-02", 1.0, D(2026, 11, 4)),
            ],
        )

    def test_the_days_come_from_the_settings(self):
        Settings.objects.update_or_create(pk=1, defaults={"stale_days": 3})
        self.assertEqual([credit for _label, credit, _day in self.items()], [1.0, 1.0, 1.0, 0.0])

    def test_each_item_opens_its_case(self):
        self.assertEqual(self.urls()[1], self.current.get_absolute_url())

    def test_no_open_case_is_no_data(self):
        self.assertEqual(self.items(teams=[self.team_b]), [])
        self.assertEqual(self.items(start=D(2026, 11, 20), now=nov(20, 17)), [])

    def test_it_stays_cheap(self):
        self.assert_cheap()


class FigureTests(AftersalesTestCase):
    """Team A: F1 reported 2 Nov and resolved on the 6th; F2 reported 3 Nov, open, due 10 Nov;
    F3 reported 18 Nov, open, due 25 Nov; F4 reported 20 Oct, open, due 27 Oct. Team B: B1
    reported 10 Nov, open, due 17 Nov. Team C: nothing."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        f1 = cls.register(nov(2, 10))
        cls.resolve(f1, nov(6, 10))
        cls.register(nov(3, 10))
        cls.register(nov(18, 10))
        cls.register(at(2026, 10, 20, 10))
        cls.register(nov(10, 10), team=cls.team_b, by=cls.lead_b)

    def values(self, day: dt.date) -> dict[str, list[int]]:
        """{team: [open, breached, reported this month]} on ``day``."""
        teams = [self.team_a, self.team_b, self.team_c]
        with frozen(NOW):
            found = figures.compute([team.pk for team in teams], day)
        return {team.name: [int(found[team.pk][code]) for code in CODES] for team in teams}

    def test_each_team_on_a_day(self):
        self.assertEqual(
            self.values(D(2026, 11, 20)),
            {"电销一组": [3, 2, 3], "电销二组": [1, 1, 1], "电销四组": [0, 0, 0]},
        )

    def test_as_of_a_past_day_from_the_dates_the_cases_hold(self):
        self.assertEqual(
            self.values(D(2026, 11, 5)),
            {"电销一组": [3, 1, 2], "电销二组": [0, 0, 0], "电销四组": [0, 0, 0]},
        )
        self.assertEqual(self.values(D(2026, 10, 31))["电销一组"], [1, 1, 1])

    def test_one_query_for_every_team(self):
        teams = [self.team_a.pk, self.team_b.pk, self.team_c.pk]
        with self.assertNumQueries(1):
            scoring.aftersales_figures(teams, D(2026, 11, 20))

    def test_each_link_opens_the_list_filtered(self):
        day, team = D(2026, 11, 20), self.team_a.pk
        links = {code: figures.FIGURES[code].link for code in CODES}
        self.assertEqual(links["as_open"](team, day), f"{LIST}?team={team}&status=open")
        self.assertEqual(links["as_breached"](team, day), f"{LIST}?team={team}&breach=true")
        self.assertEqual(links["as_reported_month"](team, day), f"{LIST}?team={team}&month=2026-11")
        self.assertEqual(links["as_open"](None, day), f"{LIST}?status=open")

    def test_the_links_list_the_rows_counted_today(self):
        self.client.force_login(self.supervisor)
        day = NOW.date()
        for code, n in [("as_open", 3), ("as_reported_month", 3)]:
            with frozen(NOW):
                response = self.client.get(figures.FIGURES[code].link(self.team_a.pk, day))
            self.assertEqual(len(response.context["table"].data), n, code)
