"""A new project's indicators over the day, the week and the month (S-PRJ-5): the actual so
far, projected to the period's end at the pace of the working days elapsed (调休 Saturdays
count, holidays do not)."""

import datetime as dt
from decimal import Decimal

from duban.projects.choices import Period
from duban.projects.models import Project
from duban.projects.selectors import Forecast, board, forecast, new_projects, period_of
from tests.projects.base import MONDAY, D, ProjectsTestCase, day


def outlook(target, projected) -> Forecast:
    """A forecast with only what ``misses`` and ``light`` read."""
    target = None if target is None else Decimal(target)
    return Forecast(None, Period.WEEK, MONDAY, day(8), target, Decimal(0), Decimal(projected), 1, 5)


class PeriodTests(ProjectsTestCase):
    def test_a_period_is_the_day_its_monday_to_sunday_week_or_its_month(self):
        self.assertEqual(period_of(Period.DAY, day(11)), (day(11), day(11)))
        self.assertEqual(period_of(Period.WEEK, day(11)), (day(9), day(15)))
        self.assertEqual(period_of(Period.WEEK, day(15)), (day(9), day(15)))
        self.assertEqual(period_of(Period.MONTH, day(11)), (day(1), day(30)))
        self.assertEqual(
            period_of(Period.MONTH, D(2026, 12, 31)), (D(2026, 12, 1), D(2026, 12, 31))
        )
        self.assertEqual(period_of(Period.MONTH, D(2028, 2, 10)), (D(2028, 2, 1), D(2028, 2, 29)))


class ForecastTests(ProjectsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.calls = cls.indicator(
            cls.project(starts_on=D(2026, 1, 5)), daily=100, weekly=500, monthly=2000
        )

    def test_S_PRJ_5_the_days_forecast_is_its_actual(self):
        self.actuals(self.calls, {day(9): 80, day(10): 120})
        found = forecast(self.calls, Period.DAY, day(10))
        self.assertEqual(
            (found.start, found.end, found.target, found.actual, found.projected),
            (day(10), day(10), Decimal(100), Decimal(120), Decimal(120)),
        )
        self.assertEqual((found.elapsed, found.total), (1, 1))

    def test_S_PRJ_5_the_week_is_projected_at_the_pace_of_its_working_days(self):
        self.actuals(self.calls, {day(9): 100, day(10): 80, day(11): 999})
        found = forecast(self.calls, Period.WEEK, day(10))  # Wednesday's actual not counted
        self.assertEqual((found.actual, found.elapsed, found.total), (Decimal(180), 2, 5))
        self.assertEqual(found.projected, Decimal("450.00"))  # 180 / 2 × 5
        self.assertEqual(found.target, Decimal(500))

    def test_the_projection_is_kept_to_the_cent(self):
        self.actuals(self.calls, {day(9): 100})
        found = forecast(self.calls, Period.WEEK, day(11))
        self.assertEqual((found.elapsed, found.projected), (3, Decimal("166.67")))

    def test_S_PRJ_5_a_holiday_week_with_a_make_up_saturday_has_three_working_days(self):
        # 5 to 7 October rest (国庆), 8 and 9 are worked, and Saturday 10 (调休)
        self.actuals(self.calls, {D(2026, 10, 8): 30, D(2026, 10, 9): 30})
        found = forecast(self.calls, Period.WEEK, D(2026, 10, 9))
        self.assertEqual((found.start, found.end), (D(2026, 10, 5), D(2026, 10, 11)))
        self.assertEqual((found.elapsed, found.total, found.projected), (2, 3, Decimal("90.00")))
        self.actuals(self.calls, {D(2026, 10, 10): 60})
        found = forecast(self.calls, Period.WEEK, D(2026, 10, 11))  # Sunday: all elapsed
        self.assertEqual((found.elapsed, found.total, found.projected), (3, 3, Decimal("120")))

    def test_a_week_with_a_make_up_saturday_has_six_working_days(self):
        # 9 to 13 February 2026 and Saturday 14 (调休) before the Spring Festival
        self.actuals(self.calls, {D(2026, 2, d): 10 for d in range(9, 14)})
        found = forecast(self.calls, Period.WEEK, D(2026, 2, 13))
        self.assertEqual((found.elapsed, found.total, found.projected), (5, 6, Decimal("60.00")))

    def test_nothing_is_projected_before_the_periods_first_working_day(self):
        found = forecast(self.calls, Period.WEEK, D(2026, 10, 6))  # a holiday Tuesday
        self.assertEqual((found.elapsed, found.total, found.projected), (0, 3, Decimal(0)))

    def test_S_PRJ_5_the_month_counts_its_working_days_only(self):
        # October 2026: 18 working days, the first two the 8th and the 9th
        self.actuals(self.calls, {D(2026, 10, 8): 20, D(2026, 10, 9): 20})
        found = forecast(self.calls, Period.MONTH, D(2026, 10, 9))
        self.assertEqual((found.start, found.end), (D(2026, 10, 1), D(2026, 10, 31)))
        self.assertEqual((found.elapsed, found.total, found.projected), (2, 18, Decimal("360.00")))
        self.assertEqual(found.target, Decimal(2000))

    def test_a_month_with_the_spring_festival_and_two_make_up_saturdays(self):
        # February 2026: 16 working days, the 14th and the 28th (Saturdays) among them
        self.actuals(self.calls, {D(2026, 2, 14): 50, D(2026, 2, 24): 30})
        found = forecast(self.calls, Period.MONTH, D(2026, 2, 24))
        self.assertEqual((found.actual, found.elapsed, found.total), (Decimal(80), 12, 16))
        self.assertEqual(found.projected, (Decimal(80) / 12 * 16).quantize(Decimal("0.01")))


class MissTests(ProjectsTestCase):
    def test_S_PRJ_5_a_projection_short_by_more_than_the_margin_misses(self):
        self.assertTrue(outlook(500, "449.99").misses(10))
        self.assertFalse(outlook(500, "450").misses(10))  # exactly the margin: tolerated
        self.assertTrue(outlook(500, "499.99").misses(0))
        self.assertFalse(outlook(500, "500").misses(0))
        self.assertFalse(outlook(500, "600").misses(10))

    def test_without_a_target_nothing_misses(self):
        self.assertFalse(outlook(None, "0").misses(10))
        self.assertFalse(outlook(0, "0").misses(10))

    def test_the_light_is_green_from_the_target_amber_from_ninety_percent_else_red(self):
        self.assertEqual(outlook(500, "500").light, "green")
        self.assertEqual(outlook(500, "650").light, "green")
        self.assertEqual(outlook(500, "499.99").light, "amber")
        self.assertEqual(outlook(500, "450").light, "amber")
        self.assertEqual(outlook(500, "449.99").light, "red")
        self.assertEqual(outlook(None, "10").light, "")
        self.assertEqual(outlook(0, "10").light, "")


class BoardTests(ProjectsTestCase):
    def test_S_PRJ_5_only_new_active_projects_are_on_the_board(self):
        fresh = self.short()
        self.short(starts_on=D(2026, 8, 3))  # new until 28 September
        self.short(starts_on=day(3))  # not started on Monday 2
        self.short(status="paused")
        self.assertEqual(list(new_projects(Project.objects.all(), MONDAY)), [fresh])

    def test_a_project_is_new_up_to_the_day_before_new_until(self):
        project = self.short()
        last = project.new_until - dt.timedelta(days=1)
        self.assertEqual(list(new_projects(Project.objects.all(), last)), [project])
        self.assertEqual(list(new_projects(Project.objects.all(), project.new_until)), [])

    def test_S_PRJ_5_the_board_shows_yesterday_this_week_and_this_month(self):
        project = self.short()
        calls = self.indicator(project, daily=100, weekly=500, monthly=2000)
        visits = self.indicator(project, name="上门拜访", weekly=10)
        self.actuals(calls, {day(9): 100, day(10): 80})
        self.actuals(visits, {day(10): 1})
        rows = board(new_projects(Project.objects.all(), day(11)), day(11))
        self.assertEqual(
            [(row[0], [cell[0] for cell in row[1]]) for row in rows], [(project, [calls, visits])]
        )
        by_period = {found.period: found for found in rows[0][1][0][1]}
        self.assertEqual(
            {period: (f.start, f.actual) for period, f in by_period.items()},
            {
                Period.DAY: (day(10), Decimal(80)),
                Period.WEEK: (day(9), Decimal(180)),
                Period.MONTH: (day(1), Decimal(180)),
            },
        )
        self.assertEqual(by_period[Period.WEEK].light, "amber")  # 450 of 500
        self.assertEqual(by_period[Period.DAY].light, "red")  # 80 of 100
        visit_week = rows[0][1][1][1][1]
        self.assertEqual((visit_week.projected, visit_week.light), (Decimal("2.50"), "red"))

    def test_after_a_holiday_the_board_shows_the_last_working_day_before_it(self):
        project = self.short(starts_on=D(2026, 9, 1))
        self.indicator(project, weekly=500)
        rows = board(Project.objects.filter(pk=project.pk), D(2026, 10, 8))  # after 国庆
        self.assertEqual(rows[0][1][0][1][0].start, D(2026, 9, 30))
