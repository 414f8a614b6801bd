"""Cadences fall on working days: 调休 Saturdays count, holidays move to the next working day."""

import datetime as dt

from django.test import TestCase

from duban.supervision.cadence import occurrences, parse_numbers, workdays_before
from duban.supervision.choices import Cadence

D = dt.date


class CadenceTests(TestCase):
    def test_daily_includes_the_make_up_saturday_and_skips_the_festival(self):
        days = occurrences(Cadence.DAILY, D(2026, 2, 12), D(2026, 2, 25))
        self.assertEqual(
            days,
            [D(2026, 2, 12), D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 24), D(2026, 2, 25)],
        )

    def test_twice_weekly_is_tuesday_and_friday(self):
        days = occurrences(Cadence.TWICE_WEEKLY, D(2026, 3, 2), D(2026, 3, 15))
        self.assertEqual(days, [D(2026, 3, 3), D(2026, 3, 6), D(2026, 3, 10), D(2026, 3, 13)])

    def test_weekly_is_the_first_working_day_of_the_week(self):
        # 2026-10-01..07 is the National Day holiday: that week's first working day is Sat 10-10
        days = occurrences(Cadence.WEEKLY, D(2026, 9, 28), D(2026, 10, 18))
        self.assertEqual(days, [D(2026, 9, 28), D(2026, 10, 8), D(2026, 10, 12)])

    def test_twice_monthly_moves_off_rest_days(self):
        days = occurrences(Cadence.TWICE_MONTHLY, D(2026, 2, 1), D(2026, 3, 31))
        # 02-01 is a Sunday, 02-16 falls in the Spring Festival, 03-01 a Sunday, 03-16 a Monday
        self.assertEqual(days, [D(2026, 2, 2), D(2026, 2, 24), D(2026, 3, 2), D(2026, 3, 16)])

    def test_monthly_is_the_first_working_day(self):
        days = occurrences(Cadence.MONTHLY, D(2026, 1, 1), D(2026, 3, 31))
        self.assertEqual(days, [D(2026, 1, 4), D(2026, 2, 2), D(2026, 3, 2)])

    def test_custom_weekdays_and_days_of_month(self):
        days = occurrences(Cadence.WEEKDAYS, D(2026, 3, 2), D(2026, 3, 8), weekdays=[1, 4])
        self.assertEqual(days, [D(2026, 3, 2), D(2026, 3, 5)])
        days = occurrences(Cadence.MONTH_DAYS, D(2026, 4, 1), D(2026, 4, 30), month_days=[31])
        self.assertEqual(days, [D(2026, 4, 30)])

    def test_parse_numbers_accepts_chinese_commas_and_refuses_nonsense(self):
        self.assertEqual(parse_numbers("4，1、4", 1, 7), [1, 4])
        with self.assertRaises(ValueError):
            parse_numbers("1,8", 1, 7)


class WorkdaysBeforeTests(TestCase):
    """S-LEAD-6: follow up N working days before each of an item's own dates."""

    def test_two_working_days_before_each_cycle(self):
        reports = [dt.date(2026, 3, 10), dt.date(2026, 3, 24)]  # Tuesdays
        self.assertEqual(
            workdays_before(reports, 2, dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
            [dt.date(2026, 3, 6), dt.date(2026, 3, 20)],  # the Fridays before
        )

    def test_a_cycle_after_a_holiday_counts_working_days_only(self):
        # 2026-02-24 (Tuesday) follows the Spring Festival; 2026-02-14 is a make-up Saturday
        self.assertEqual(
            workdays_before([dt.date(2026, 2, 24)], 1, dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
            [dt.date(2026, 2, 14)],
        )

    def test_dates_outside_the_window_are_left_out(self):
        self.assertEqual(
            workdays_before([dt.date(2026, 3, 2)], 1, dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
            [],
        )
