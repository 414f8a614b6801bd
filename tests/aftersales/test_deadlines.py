"""Deadlines on working hours (09:00–18:00 of working days, 调休 included) and the case's
clock (S-AS-3)."""

import datetime as dt

from django.test import TestCase

from duban.aftersales import selectors
from duban.aftersales.choices import Severity
from duban.aftersales.models import Settings
from duban.core.calendar import add_working_hours, working_hours_between
from tests.aftersales.base import AftersalesTestCase, at, nov


class WorkingHoursTests(TestCase):
    def assertAdds(self, start, hours, expected):
        self.assertEqual(add_working_hours(start, hours), expected)
        self.assertEqual(working_hours_between(start, expected), hours)

    def test_S_AS_3_friday_afternoon_plus_two_hours_is_monday_morning(self):
        self.assertAdds(nov(6, 17), 2, nov(9, 10))

    def test_a_weekend_counts_no_hours(self):
        self.assertEqual(working_hours_between(nov(6, 18), nov(9, 9)), 0)
        self.assertEqual(working_hours_between(nov(6, 9), nov(9, 18)), 18)

    def test_S_AS_3_the_national_day_week_is_skipped(self):
        self.assertAdds(at(2026, 9, 30, 17), 2, at(2026, 10, 8, 10))
        self.assertEqual(working_hours_between(at(2026, 9, 30, 18), at(2026, 10, 8, 9)), 0)

    def test_S_AS_3_the_make_up_saturday_after_national_day_works(self):
        self.assertAdds(at(2026, 10, 9, 17), 2, at(2026, 10, 10, 10))  # 调休 Saturday
        self.assertAdds(at(2026, 10, 10, 17), 2, at(2026, 10, 12, 10))  # Sunday rests
        # 30 September, 8, 9 and 10 October: four working days of nine hours
        self.assertEqual(working_hours_between(at(2026, 9, 30, 9), at(2026, 10, 12, 9)), 36)

    def test_S_AS_3_the_make_up_sunday_before_works_and_mid_autumn_rests(self):
        self.assertAdds(at(2026, 9, 18, 17), 2, at(2026, 9, 20, 10))  # Sunday 20 works
        self.assertAdds(at(2026, 9, 24, 17), 2, at(2026, 9, 28, 10))  # Friday 25 rests

    def test_before_nine_the_hours_start_at_nine(self):
        self.assertEqual(add_working_hours(nov(2, 7, 30), 2), nov(2, 11))
        self.assertEqual(working_hours_between(nov(2, 7), nov(2, 10)), 1)

    def test_after_six_the_hours_start_the_next_working_morning(self):
        self.assertEqual(add_working_hours(nov(2, 19), 2), nov(3, 11))
        self.assertEqual(add_working_hours(nov(6, 19), 2), nov(9, 11))
        self.assertEqual(working_hours_between(nov(2, 19), nov(3, 9, 30)), 0.5)

    def test_a_deadline_ending_a_day_is_that_evening_not_the_next_morning(self):
        self.assertEqual(add_working_hours(nov(2, 9), 9), nov(2, 18))
        self.assertEqual(add_working_hours(nov(2, 10), 9), nov(3, 10))

    def test_no_hours_between_a_moment_and_an_earlier_one(self):
        self.assertEqual(working_hours_between(nov(3, 10), nov(2, 10)), 0)
        self.assertEqual(working_hours_between(nov(3, 10), nov(3, 10)), 0)

    def test_the_same_moments_in_utc_count_the_same_hours(self):
        """Moments read from the database and ``timezone.now()`` are in UTC: the working
        day is still 09:00–18:00 in Shanghai."""
        start, end = nov(2, 10), nov(2, 15)
        self.assertEqual(working_hours_between(start.astimezone(dt.UTC), end), 5)
        self.assertEqual(working_hours_between(start.astimezone(dt.UTC), end.astimezone(dt.UTC)), 5)
        self.assertEqual(add_working_hours(start.astimezone(dt.UTC), 2), nov(2, 12))


class CaseDeadlineTests(AftersalesTestCase):
    def test_S_AS_3_an_urgent_case_answers_in_two_hours_and_resolves_in_a_day(self):
        case = self.register(nov(6, 17), severity=Severity.URGENT)
        self.assertEqual((case.respond_by, case.resolve_by), (nov(9, 10), nov(9, 17)))

    def test_S_AS_3_a_high_case_answers_in_four_hours_and_resolves_in_three_days(self):
        case = self.register(nov(2, 10), severity=Severity.HIGH)
        self.assertEqual((case.respond_by, case.resolve_by), (nov(2, 14), nov(5, 10)))

    def test_S_AS_3_a_normal_case_answers_in_a_day_and_resolves_in_five(self):
        case = self.register(nov(2, 10), severity=Severity.NORMAL)
        self.assertEqual((case.respond_by, case.resolve_by), (nov(3, 10), nov(9, 10)))

    def test_S_AS_3_a_case_before_national_day_is_due_after_it_counting_the_saturday(self):
        case = self.register(at(2026, 9, 30, 10), severity=Severity.NORMAL)
        self.assertEqual(case.respond_by, at(2026, 10, 8, 10))
        # 8, 9, 10 (调休 Saturday), 12 and 13 October
        self.assertEqual(case.resolve_by, at(2026, 10, 13, 10))

    def test_a_case_reported_at_night_starts_its_clock_the_next_morning(self):
        case = self.register(nov(2, 21), severity=Severity.URGENT)
        self.assertEqual((case.respond_by, case.resolve_by), (nov(3, 11), nov(3, 18)))

    def test_S_AS_3_the_limits_come_from_the_settings(self):
        Settings.objects.update_or_create(
            pk=1, defaults={"urgent_respond_hours": 1, "urgent_resolve_days": 2}
        )
        case = self.register(nov(2, 10), severity=Severity.URGENT)
        self.assertEqual((case.respond_by, case.resolve_by), (nov(2, 11), nov(4, 10)))

    def test_the_deadlines_are_stored_as_the_same_moments(self):
        case = self.register(nov(6, 17), severity=Severity.URGENT)
        stored = self.fetched(case)
        self.assertEqual((stored.respond_by, stored.resolve_by), (nov(9, 10), nov(9, 17)))

    def test_the_default_limits(self):
        limits = Settings.current().limits
        self.assertEqual(
            [limits(s) for s in [Severity.URGENT, Severity.HIGH, Severity.NORMAL]],
            [(2, 1), (4, 3), (9, 5)],
        )


class ClockTests(AftersalesTestCase):
    """A normal case of Monday 2 November, 10:00: answer by Tuesday 10:00, resolve by
    Monday 9, 10:00 (45 working hours)."""

    def setUp(self):
        self.case = self.register(nov(2, 10))

    def times(self, found, name):
        return found[name]["left"], found[name]["over"], found[name]["late"]

    def test_S_AS_3_the_hours_left_before_the_deadlines(self):
        found = selectors.clock(self.case, now=nov(2, 16))
        self.assertEqual(self.times(found, "respond"), (3, 0, False))  # 2 today, 1 tomorrow
        self.assertEqual(self.times(found, "resolve"), (39, 0, False))
        self.assertIsNone(found["hours_to_resolve"])

    def test_S_AS_3_a_late_case_shows_the_hours_it_is_late(self):
        found = selectors.clock(self.case, now=nov(3, 12))
        self.assertEqual(self.times(found, "respond"), (0, 2, True))
        found = selectors.clock(self.case, now=nov(10, 9, 30))
        self.assertEqual(self.times(found, "resolve"), (0, 8.5, True))

    def test_S_AS_3_the_clock_stops_when_answered_and_resolved(self):
        self.case.responded_at = nov(2, 11)
        self.case.resolved_at = nov(4, 15)
        found = selectors.clock(self.case, now=nov(20, 10))
        self.assertEqual(self.times(found, "respond"), (8, 0, False))
        self.assertEqual(found["respond"]["done"], nov(2, 11))
        self.assertEqual(self.times(found, "resolve"), (22, 0, False))
        self.assertEqual(found["hours_to_resolve"], 23)  # 8 Monday, 9 Tuesday, 6 Wednesday
        self.assertEqual(selectors.hours_to_resolve(self.case), 23)

    def test_S_AS_3_the_clock_of_a_case_read_from_the_database_is_the_same(self):
        """What the case page and the tick see: the moments come back in UTC."""
        self.resolve(self.case, nov(4, 15))
        stored = self.fetched(self.case)
        self.assertEqual(selectors.hours_to_resolve(stored), 23)
        found = selectors.clock(stored, now=nov(20, 10))
        self.assertEqual(found["hours_to_resolve"], 23)
        self.assertEqual(self.times(found, "resolve"), (22, 0, False))

    def test_S_AS_3_a_late_case_read_from_the_database_is_as_late(self):
        """``now`` as ``timezone.now()`` gives it, in UTC."""
        found = selectors.clock(self.fetched(self.case), now=nov(3, 12).astimezone(dt.UTC))
        self.assertEqual(self.times(found, "respond"), (0, 2, True))
        self.assertEqual(self.times(found, "resolve"), (34, 0, False))
