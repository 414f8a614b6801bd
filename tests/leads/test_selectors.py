"""The area's queries: a request's projection on working days (S-LEAD-3), the calibration of
the probabilities (S-LEAD-4), the partners' reporting days and their follow-up days
(S-LEAD-6), and who sees what."""

import datetime as dt

from duban.core import calendar
from duban.core.models import CalendarDay
from duban.leads import selectors, services, supervised
from duban.leads.choices import Cycle, Stage
from duban.leads.models import LeadRequest, PartnerCycle, SalesLead
from duban.supervision.choices import Area, Cadence, Outcome, ScopeKind
from duban.supervision.models import CheckIn
from duban.supervision.tick import checkins_materialize
from tests.factories import EmployeeFactory
from tests.leads.base import FRIDAY, MONDAY, TARGET, LeadsTestCase, day
from tests.supervision.factories import RuleFactory


class ProjectionTests(LeadsTestCase):
    def setUp(self):
        self.request = self.agreed(accepted=40)  # 20 working days: 2 leads a day
        # 6 leads in the first week, one more the week after
        self.delivered(self.request, MONDAY, MONDAY, day(4), FRIDAY, FRIDAY, FRIDAY, day(10))

    def test_the_calendar_of_the_example(self):
        self.assertEqual(len(calendar.workdays_between(MONDAY, TARGET)), 20)

    def test_S_LEAD_3_due_so_far_and_projected_at_the_rate_so_far(self):
        found = selectors.projection(self.request, FRIDAY)
        self.assertEqual((found.days_done, found.days_total), (5, 20))
        self.assertEqual(found.delivered, 6)  # the lead of the 10th does not count yet
        self.assertEqual(found.due_so_far, 10)  # 40 × 5 / 20
        self.assertEqual(found.projected, 24)  # 6 + 6 / 5 × 15
        self.assertEqual(found.shortfall, 16)
        self.assertTrue(found.misses(10))  # 16 > 4
        self.assertTrue(found.misses(39))  # 16 > 15.6
        self.assertFalse(found.misses(40))  # 16 = 16
        self.assertFalse(found.misses(50))

    def test_a_weekend_counts_nothing(self):
        friday = selectors.projection(self.request, FRIDAY)
        for weekend in [day(7), day(8)]:
            found = selectors.projection(self.request, weekend)
            self.assertEqual(
                (found.days_done, found.due_so_far, found.delivered, found.projected),
                (friday.days_done, friday.due_so_far, friday.delivered, friday.projected),
            )

    def test_a_holiday_counts_nothing_either(self):
        CalendarDay.objects.create(date=day(4), is_workday=False, note="停工")
        calendar.forget_overrides()
        found = selectors.projection(self.request, FRIDAY)
        self.assertEqual((found.days_done, found.days_total), (4, 19))
        self.assertEqual(found.due_so_far, 8)  # round(40 × 4 / 19 = 8.4)
        self.assertEqual(found.projected, 6 + round(6 / 4 * 15))

    def test_before_the_start_nothing_is_due(self):
        found = selectors.projection(self.request, dt.date(2026, 10, 30))
        self.assertEqual((found.days_done, found.due_so_far, found.projected), (0, 0, 0))

    def test_on_the_target_day_the_projection_is_what_was_delivered(self):
        found = selectors.projection(self.request, TARGET)
        self.assertEqual((found.due_so_far, found.delivered, found.projected), (40, 7, 7))
        self.assertEqual(found.shortfall, 33)

    def test_a_request_without_an_agreed_target_has_no_projection(self):
        self.assertIsNone(selectors.projection(self.raised(), FRIDAY))

    def test_the_chart_points_are_working_days_with_done_so_far_and_due(self):
        points = selectors.projection(self.request, day(9), points=True).points
        self.assertEqual([point[0] for point in points], calendar.workdays_between(MONDAY, TARGET))
        self.assertEqual(
            points[:7],
            [
                (MONDAY, 2, 2),
                (day(3), 2, 4),
                (day(4), 3, 6),
                (day(5), 3, 8),
                (FRIDAY, 6, 10),
                (day(9), 6, 12),
                (day(10), None, 14),  # after today: not known yet
            ],
        )
        self.assertEqual(points[-1], (TARGET, None, 40))

    def test_no_points_unless_asked(self):
        self.assertEqual(selectors.projection(self.request, FRIDAY).points, [])


class CalibrationTests(LeadsTestCase):
    # (last stated probability, won?) of closed leads
    CLOSED = [(10, False), (10, False), (20, True), (70, True), (70, False), (100, True)]

    def setUp(self):
        for probability, won in self.CLOSED:
            self.lead(
                probability=probability,
                stage=Stage.WON if won else Stage.LOST,
                lost_reason="" if won else "无预算",
                closed_on=day(20),
            )
        self.lead(probability=90)  # open: not counted

    def test_S_LEAD_4_the_brier_score_of_the_closed_leads(self):
        found = selectors.calibration(SalesLead.objects.all())
        self.assertEqual(found.closed, 6)
        squares = 0.1**2 + 0.1**2 + (1 - 0.2) ** 2 + (1 - 0.7) ** 2 + 0.7**2 + (1 - 1.0) ** 2
        self.assertAlmostEqual(found.brier, squares / 6)  # 1.24 / 6 ≈ 0.207

    def test_S_LEAD_4_predicted_against_actual_in_each_band(self):
        bands = selectors.calibration(SalesLead.objects.all()).bands
        rows = [(b.label, b.leads, b.won, round(b.predicted, 4), b.actual) for b in bands]
        self.assertEqual(
            rows,
            [
                ("0–20%", 2, 0, 0.1, 0.0),
                ("20–40%", 1, 1, 0.2, 1.0),  # 20 % falls in the band it starts
                ("40–60%", 0, 0, 0.0, None),
                ("60–80%", 2, 1, 0.7, 0.5),
                ("80–100%", 1, 1, 1.0, 1.0),  # 100 % has a band
            ],
        )

    def test_no_closed_lead_no_score(self):
        found = selectors.calibration(SalesLead.objects.filter(stage=Stage.CONTACT))
        self.assertEqual((found.closed, found.brier), (0, None))

    def test_each_owner_s_calibration_most_closed_first(self):
        other = EmployeeFactory(name="小陈", team=self.team_a)
        self.lead(owner=other, probability=60, stage=Stage.WON, closed_on=day(20))
        rows = selectors.calibration_by_owner(SalesLead.objects.all())
        self.assertEqual(
            [(owner, found.closed) for owner, found in rows], [(self.worker_a, 6), (other, 1)]
        )
        self.assertAlmostEqual(rows[1][1].brier, 0.4**2)


class ReportingDayTests(LeadsTestCase):
    def cycle(self, cycle, day=None, **fields) -> PartnerCycle:
        return PartnerCycle(partner=self.partner, team=self.team_a, cycle=cycle, day=day, **fields)

    def test_S_LEAD_6_weekly_on_a_weekday(self):
        wednesdays = self.cycle(Cycle.WEEKLY, 3).reporting_days(day(1), day(30))
        self.assertEqual(wednesdays, [day(4), day(11), day(18), day(25)])
        sundays = self.cycle(Cycle.WEEKLY, 7).reporting_days(day(1), day(15))
        self.assertEqual(sundays, [day(1), day(8), day(15)])  # both ends included

    def test_monthly_on_a_day_a_short_month_does_not_have_is_its_last_day(self):
        days = self.cycle(Cycle.MONTHLY, 31).reporting_days(day(1), dt.date(2027, 2, 28))
        self.assertEqual(
            days,
            [day(30), dt.date(2026, 12, 31), dt.date(2027, 1, 31), dt.date(2027, 2, 28)],
        )

    def test_monthly_without_a_day_is_the_first(self):
        days = self.cycle(Cycle.MONTHLY).reporting_days(day(1), dt.date(2026, 12, 31))
        self.assertEqual(days, [day(1), dt.date(2026, 12, 1)])

    def test_quarterly_in_the_first_month_of_each_quarter(self):
        days = self.cycle(Cycle.QUARTERLY, 31).reporting_days(dt.date(2026, 1, 1), day(30))
        self.assertEqual(
            days,
            [
                dt.date(2026, 1, 31),
                dt.date(2026, 4, 30),
                dt.date(2026, 7, 31),
                dt.date(2026, 10, 31),
            ],
        )

    def test_explicit_dates_in_the_span_in_order(self):
        dates = ["2026-12-10", "2026-11-20", "下月初", "2027-01-05", "2026-10-30"]
        days = self.cycle(Cycle.DATES, dates=dates).reporting_days(day(1), dt.date(2026, 12, 31))
        self.assertEqual(days, [day(20), dt.date(2026, 12, 10)])


class FollowUpDayTests(LeadsTestCase):
    def setUp(self):
        self.mondays = PartnerCycle.objects.create(
            partner=self.partner, team=self.team_a, cycle=Cycle.WEEKLY, day=1, lead_days=3
        )

    def test_S_LEAD_6_the_follow_up_falls_lead_days_working_days_before_each_reporting_day(self):
        days = supervised.follow_up_days(self.mondays, MONDAY, day(30), workdays=None)
        self.assertEqual(days, [day(4), day(11), day(18), day(25)])  # Wednesdays

    def test_a_reporting_day_after_the_span_whose_follow_up_falls_in_it(self):
        days = supervised.follow_up_days(self.mondays, day(24), day(26), workdays=None)
        self.assertEqual(days, [day(25)])  # for Monday the 30th

    def test_the_lead_days_are_working_days(self):
        CalendarDay.objects.create(date=day(5), is_workday=False, note="停工")
        calendar.forget_overrides()
        days = supervised.follow_up_days(self.mondays, MONDAY, day(10), workdays=None)
        self.assertEqual(days, [day(3)])  # Fri 6, Wed 4, Tue 3 before Monday the 9th

    def test_a_monthly_cycle_on_the_last_day(self):
        self.mondays.cycle, self.mondays.day, self.mondays.lead_days = Cycle.MONTHLY, 31, 2
        days = supervised.follow_up_days(self.mondays, MONDAY, dt.date(2026, 12, 31), workdays=None)
        self.assertEqual(days, [day(26), dt.date(2026, 12, 29)])  # for Mon 30 Nov and Thu 31 Dec

    def test_a_rule_following_partner_cycles_makes_check_ins_on_the_follow_up_days(self):
        rule = RuleFactory(
            area=Area.LEADS,
            title="合作单位报计划前跟进",
            cadence=Cadence.DAILY,
            scope=ScopeKind.TEAM,
            team=self.team_a,
            owner=self.supervisor,
            subject_kind="leads.partnercycle",
        )
        checkins_materialize(today=MONDAY, rules=type(rule).objects.filter(pk=rule.pk))
        made = CheckIn.objects.filter(rule=rule)
        self.assertEqual(sorted(made.values_list("date", flat=True)), [day(4), day(11)])
        self.assertEqual({checkin.subject for checkin in made}, {self.mondays})
        self.assertEqual({checkin.lead for checkin in made}, {self.lead_a})

    def test_S_LEAD_6_a_changed_cycle_re_plans_its_check_ins(self):
        rule = RuleFactory(
            area=Area.LEADS,
            title="合作单位报计划前跟进",
            cadence=Cadence.DAILY,
            scope=ScopeKind.TEAM,
            team=self.team_a,
            owner=self.supervisor,
            subject_kind="leads.partnercycle",
        )
        checkins_materialize(today=MONDAY, rules=type(rule).objects.filter(pk=rule.pk))
        services.cycle_set(  # Wednesdays now, two working days ahead
            by=self.lead_a,
            partner=self.mondays.partner,
            team=self.team_a,
            today=MONDAY,
            cycle=Cycle.WEEKLY,
            day=3,
            lead_days=2,
        )
        made = CheckIn.objects.filter(rule=rule, date__gt=MONDAY)
        self.assertEqual(
            sorted(made.values_list("date", flat=True))[:2],
            [MONDAY + dt.timedelta(days=7), day(16)],
        )


class VisibilityTests(LeadsTestCase):
    def test_S_LEAD_1_the_back_and_the_front_team_see_the_request_and_its_leads(self):
        request = self.agreed()
        self.delivered(request, MONDAY)
        for user in [self.back_lead, self.lead_a, self.supervisor, self.executive]:
            with self.subTest(user=user.username):
                self.assertEqual(list(LeadRequest.objects.visible_to(user)), [request])
                self.assertEqual(SalesLead.objects.visible_to(user).count(), 1)
        for user in [self.lead_b, self.member_a, self.other_supervisor]:
            with self.subTest(user=user.username):
                self.assertFalse(LeadRequest.objects.visible_to(user).exists())
                self.assertFalse(SalesLead.objects.visible_to(user).exists())


class DayFigureTests(LeadsTestCase):
    def test_S_LEAD_5_the_day_s_figures_of_a_team(self):
        request = self.agreed()
        for work in ["外呼", "回访"]:
            task = services.task_arrange(
                by=self.lead_a, team=self.team_a, date=FRIDAY, assignee=self.worker_a, work=work
            )
        services.task_result(task=task, by=self.lead_a, outcome=Outcome.DONE)
        self.delivered(request, MONDAY, FRIDAY, FRIDAY)
        self.lead(stage=Stage.WON, closed_on=FRIDAY)
        figures = selectors.day_figures(self.team_a, FRIDAY)
        self.assertEqual(figures, {"tasks": 2, "collected": 1, "delivered": 2, "open": 3, "won": 1})
