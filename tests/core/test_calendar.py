"""Working days: overrides, then chinese-calendar, then python-holidays, with a banner for
estimated years (issues 2 and 9)."""

import datetime as dt
from unittest import mock

from django.test import TestCase
from django.urls import reverse

from duban.core import calendar
from duban.core.models import CalendarDay
from tests.base import BaseTestCase

D = dt.date


class WorkingDayTests(TestCase):
    def test_a_make_up_sunday_is_a_working_day(self):
        self.assertTrue(calendar.is_workday(D(2026, 1, 4)))

    def test_spring_festival_monday_is_a_holiday(self):
        self.assertFalse(calendar.is_workday(D(2026, 2, 16)))

    def test_2027_spring_festival_is_no_working_day_though_no_notice_is_out_yet(self):
        self.assertFalse(calendar.is_workday(D(2027, 2, 8)))  # 春节 Monday, computed
        self.assertTrue(calendar.is_workday(D(2027, 1, 4)))  # a Monday
        self.assertFalse(calendar.is_workday(D(2027, 1, 9)))  # a Saturday
        self.assertEqual(calendar.estimated_years(D(2026, 12, 1), D(2027, 1, 30)), [2027])

    def test_a_year_holidays_knows_as_announced_is_not_estimated(self):
        with mock.patch.object(calendar, "has_official_data", return_value=False):
            calendar.is_announced.cache_clear()
            try:
                self.assertEqual(calendar.estimated_years(D(2026, 1, 1), D(2026, 12, 31)), [])
                self.assertFalse(calendar._default_is_workday(D(2026, 2, 16)))  # 春节
                self.assertTrue(calendar._default_is_workday(D(2026, 2, 14)))  # 调休上班
            finally:
                calendar.is_announced.cache_clear()

    def test_an_override_wins_and_configures_its_year(self):
        CalendarDay.objects.create(date=D(2027, 2, 6), is_workday=True, note="调休上班")
        CalendarDay.objects.create(date=D(2026, 1, 5), is_workday=False, note="公司活动")
        self.assertTrue(calendar.is_workday(D(2027, 2, 6)))
        self.assertFalse(calendar.is_workday(D(2026, 1, 5)))
        self.assertEqual(calendar.estimated_years(D(2026, 12, 1), D(2027, 1, 30)), [])

    def test_next_workday_skips_the_spring_festival(self):
        self.assertEqual(calendar.next_workday(D(2026, 2, 14)), D(2026, 2, 24))
        self.assertEqual(calendar.workday_on_or_after(D(2026, 2, 14)), D(2026, 2, 14))

    def test_workdays_between_counts_make_up_saturdays(self):
        self.assertEqual(
            calendar.workdays_between(D(2026, 2, 9), D(2026, 2, 15)),
            [
                D(2026, 2, 9),
                D(2026, 2, 10),
                D(2026, 2, 11),
                D(2026, 2, 12),
                D(2026, 2, 13),
                D(2026, 2, 14),
            ],
        )
        self.assertIn(D(2026, 2, 28), calendar.workdays_between(D(2026, 2, 24), D(2026, 3, 1)))

    def test_the_overrides_are_read_once_and_an_edit_is_seen_at_once(self):
        with self.assertNumQueries(1):
            calendar.workdays_between(D(2026, 1, 1), D(2027, 12, 31))
            calendar.is_workday(D(2026, 5, 1))
        CalendarDay.objects.create(date=D(2026, 5, 1), is_workday=True, note="测试")
        self.assertTrue(calendar.is_workday(D(2026, 5, 1)))


class CalendarBannerTests(BaseTestCase):
    def get_home(self, today):
        self.client.force_login(self.member_a)
        with mock.patch("duban.core.context_processors.timezone.localdate", return_value=today):
            return self.client.get(reverse("home"))

    def test_the_banner_names_a_year_near_at_hand_that_is_only_estimated(self):
        response = self.get_home(D(2026, 11, 28))
        self.assertContains(response, "2027 年按推算的法定假日计算")

    def test_no_banner_when_the_horizon_is_covered(self):
        response = self.get_home(D(2026, 6, 1))
        self.assertNotContains(response, "按推算的法定假日")

    def test_admins_get_a_link_to_configure_the_calendar(self):
        self.client.force_login(self.admin)
        with mock.patch(
            "duban.core.context_processors.timezone.localdate", return_value=D(2026, 11, 28)
        ):
            response = self.client.get(reverse("home"))
        self.assertContains(response, reverse("admin:core_calendarday_changelist"))
