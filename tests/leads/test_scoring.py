"""The sales-lead measures of the lead scorecard (S-EVAL-1) and the area's figures, each on a
small case with a known answer: the items and their credits, the ratio; the figures per team,
zeros for a team without data, and as of a past day."""

import datetime as dt
from unittest import mock

from django.urls import reverse

from duban.core import calendar
from duban.core.figures import FIGURES, compute
from duban.core.scoring import MEASURES, Dimension, Period, ratio
from duban.leads import scoring, selectors, services
from duban.leads.choices import Cycle, Stage
from duban.leads.models import LeadSummary, PartnerCycle, SalesLead
from duban.partners.models import Partner
from duban.supervision.choices import Area, CheckInStatus, Outcome
from tests.leads.base import FRIDAY, MONDAY, TARGET, LeadsTestCase, day
from tests.supervision.factories import CheckInFactory

CODES = ["leads_delivered_month", "leads_target_month", "leads_open"]
FIRST, LAST = dt.date(2026, 11, 1), dt.date(2026, 11, 30)  # the month scored


def today_is(date: dt.date):
    """The measures' clock: the running month's items end before today."""
    return mock.patch("duban.leads.scoring.timezone.localdate", return_value=date)


class ScoringTestCase(LeadsTestCase):
    @classmethod
    def agree(cls, team, lead, accepted, starts_on=MONDAY, target_on=TARGET):
        """A request of the back team that ``team`` agreed: ``accepted`` leads by target_on."""
        request = services.request_raise(
            by=cls.back_lead,
            back_team=cls.back_team,
            team=team,
            today=MONDAY,
            kind="企业宽带",
            quantity=accepted,
            deadline=target_on,
        )
        return services.request_agree(
            request=request,
            by=lead,
            accepted=accepted,
            starts_on=starts_on,
            target_on=target_on,
            milestones=[],
        )

    @classmethod
    def lead(cls, team, owner, delivered_on, request=None, **fields) -> SalesLead:
        fields = {"prospect": "客户", "probability": 50, **fields}
        return SalesLead.objects.create(
            team=team,
            owner=owner,
            request=request,
            delivered_on=delivered_on,
            probability_on=delivered_on,
            **fields,
        )

    def items(self, code, lead=None, teams=None, start=FIRST, end=LAST):
        teams = teams or [self.team_a]
        period = Period(lead or self.lead_a, tuple(t.pk for t in teams), start, end)
        return MEASURES[code].func(period)

    def credits(self, items) -> list[float]:
        return [item.credit for item in items]


class RegistrationTests(ScoringTestCase):
    def test_S_EVAL_1_each_measure_scores_one_dimension(self):
        self.assertIs(MEASURES["lead_targets"].func, scoring.lead_targets)
        dimensions = {
            code: MEASURES[code].dimension
            for code in ["lead_targets", "lead_task_results", "lead_summary", "partner_cycles"]
        }
        self.assertEqual(
            dimensions,
            {
                "lead_targets": Dimension.COMMITMENT,
                "lead_task_results": Dimension.EXECUTION,
                "lead_summary": Dimension.IMPROVEMENT,
                "partner_cycles": Dimension.EXECUTION,
            },
        )

    def test_the_area_s_figures_are_counts_of_leads(self):
        found = {code: (FIGURES[code].area, FIGURES[code].unit) for code in CODES}
        self.assertEqual(found, dict.fromkeys(CODES, (Area.LEADS, "条")))


class LeadTargetTests(ScoringTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # team A: 40 leads from MONDAY to TARGET, 20 working days, 2 a day; 6 in the first week
        cls.request = cls.agree(cls.team_a, cls.lead_a, 40)
        for on in [MONDAY, MONDAY, day(4), FRIDAY, FRIDAY, FRIDAY, day(10)]:
            cls.lead(cls.team_a, cls.worker_a, on, request=cls.request)
        cls.request_b = cls.agree(cls.team_b, cls.lead_b, 20)  # nothing delivered
        cls.agree(cls.team_a, cls.lead_a, 10, starts_on=day(30), target_on=day(30))  # to come
        services.request_raise(  # no target agreed yet
            by=cls.back_lead,
            back_team=cls.back_team,
            team=cls.team_a,
            today=MONDAY,
            kind="专线",
            quantity=5,
            deadline=TARGET,
        )

    def test_S_LEAD_3_leads_delivered_against_the_target_pro_rata_to_the_period_s_end(self):
        [item] = self.items("lead_targets", end=FRIDAY)
        self.assertEqual(
            item.label,
            "电销一组 承接 合作一组 的「企业宽带」：截至 11-06 已交付 6 条，"
            "按进度应交付 10 条，目标 40 条",
        )
        self.assertEqual(item.credit, 0.6)
        self.assertEqual((item.url, item.day), (self.request.get_absolute_url(), FRIDAY))

    def test_over_the_month_the_whole_target_is_due_by_its_date(self):
        items = self.items("lead_targets", start=day(1), end=day(29))
        self.assertEqual([(item.day, item.credit) for item in items], [(TARGET, 7 / 40)])

    def test_a_target_reached_to_date_is_kept(self):
        [item] = self.items("lead_targets", end=MONDAY)  # 2 due, 2 delivered
        self.assertTrue(item.kept)

    def test_each_lead_is_scored_on_their_own_teams(self):
        [item] = self.items("lead_targets", lead=self.lead_b, teams=[self.team_b], end=FRIDAY)
        self.assertEqual((item.credit, item.url), (0.0, self.request_b.get_absolute_url()))
        self.assertIn("电销二组", item.label)

    def test_nothing_due_is_no_data(self):
        october = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 31)}
        self.assertEqual(self.items("lead_targets", **october), [])
        self.assertEqual(self.items("lead_targets", teams=[self.team_c]), [])
        self.assertIsNone(ratio(self.items("lead_targets", teams=[self.team_c])))

    def test_the_pro_rata_is_the_shortfall_detector_s(self):
        for when in [day(1), MONDAY, day(4), FRIDAY, day(7), TARGET, day(30)]:
            with self.subTest(when=when):
                self.assertEqual(
                    selectors.due_pro_rata(self.request, when),
                    selectors.projection(self.request, when).due_so_far,
                )

    def test_a_few_queries_whatever_the_number_of_requests(self):
        calendar.workdays_between(day(1), day(1))  # the overrides, read once a minute
        with self.assertNumQueries(2):
            self.items("lead_targets", teams=[self.team_a, self.team_b])


class TaskResultTests(ScoringTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()

        def task(team, date, assignee, work, outcome=None):
            lead = cls.lead_a if team == cls.team_a else cls.lead_b
            found = services.task_arrange(
                by=lead, team=team, date=date, assignee=assignee, work=work
            )
            if outcome:
                services.task_result(task=found, by=lead, outcome=outcome)

        task(cls.team_a, MONDAY, cls.worker_a, "外呼名单甲", Outcome.DONE)
        task(cls.team_a, day(3), cls.worker_a, "回访")
        task(cls.team_a, day(5), cls.member_a_employee, "上门", Outcome.NOT_DONE)
        task(cls.team_a, FRIDAY, cls.worker_a, "外呼名单乙")
        task(cls.team_b, MONDAY, cls.worker_b, "外呼名单丙")

    def test_S_LEAD_2_each_task_to_the_last_working_day_before_today(self):
        with today_is(FRIDAY):
            items = self.items("lead_task_results")
        self.assertEqual(self.credits(items), [1, 0, 1])  # a result not done is collected
        self.assertEqual(items[0].label, "电销一组 11-02 小祁「外呼名单甲」结果已回收")
        self.assertEqual(items[1].label, "电销一组 11-03 小祁「回访」结果未回收")
        url = reverse("leads:tasks") + f"?team={self.team_a.pk}&day=2026-11-03"
        self.assertEqual((items[1].url, items[1].day), (url, day(3)))
        self.assertAlmostEqual(ratio(items), 2 / 3)

    def test_a_past_month_counts_every_task(self):
        with today_is(dt.date(2026, 12, 10)):
            items = self.items("lead_task_results")
        self.assertEqual(self.credits(items), [1, 0, 1, 0])
        self.assertEqual(items[-1].day, FRIDAY)

    def test_each_lead_is_scored_on_their_own_teams(self):
        with today_is(FRIDAY):
            items = self.items("lead_task_results", lead=self.lead_b, teams=[self.team_b])
        self.assertEqual(
            [item.label for item in items], ["电销二组 11-02 周敏「外呼名单丙」结果未回收"]
        )

    def test_no_task_is_no_data(self):
        with today_is(MONDAY):  # Monday's task is not due yet
            self.assertEqual(self.items("lead_task_results"), [])
            self.assertEqual(self.items("lead_task_results", teams=[self.team_c]), [])

    def test_one_query(self):
        calendar.workdays_between(day(1), day(1))
        with today_is(FRIDAY), self.assertNumQueries(1):
            self.items("lead_task_results", teams=[self.team_a, self.team_b])


class SummaryTests(ScoringTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        services.request_raise(  # team A has lead work from MONDAY
            by=cls.back_lead,
            back_team=cls.back_team,
            team=cls.team_a,
            today=MONDAY,
            kind="企业宽带",
            quantity=40,
            deadline=TARGET,
        )
        for date in [MONDAY, day(3), day(5)]:
            LeadSummary.objects.create(
                team=cls.team_a,
                date=date,
                text="外呼 120 通",
                next_target="10 条",
                next_milestone="11-13",
            )
        cls.lead(cls.team_b, cls.worker_b, day(16))  # team B has lead work from the 16th

    def test_S_LEAD_5_each_working_day_over_the_summary_written_or_not(self):
        with today_is(FRIDAY):
            items = self.items("lead_summary")
        self.assertEqual(
            [(item.day, item.credit) for item in items],
            [(MONDAY, 1), (day(3), 1), (day(4), 0), (day(5), 1)],
        )
        self.assertEqual(items[2].label, "电销一组 11-04 的销线综述未更新")
        self.assertEqual(items[0].label, "电销一组 11-02 的销线综述已更新")
        self.assertEqual(items[2].url, reverse("leads:summary") + f"?team={self.team_a.pk}")

    def test_a_past_month_counts_its_working_days(self):
        with today_is(dt.date(2026, 12, 1)):
            items = self.items("lead_summary")
        self.assertEqual(len(items), 21)  # Monday 2 to Monday 30
        self.assertEqual(sum(self.credits(items)), 3)

    def test_a_team_is_scored_from_its_first_lead_work(self):
        with today_is(dt.date(2026, 12, 1)):
            items = self.items("lead_summary", lead=self.lead_b, teams=[self.team_b])
        self.assertEqual((len(items), items[0].day), (11, day(16)))  # 16 to 30
        self.assertEqual(set(self.credits(items)), {0})

    def test_a_team_with_nothing_in_leads_has_no_items(self):
        with today_is(dt.date(2026, 12, 1)):
            self.assertEqual(self.items("lead_summary", teams=[self.team_c]), [])
            october = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 31)}
            self.assertEqual(self.items("lead_summary", **october), [])

    def test_today_is_not_over(self):
        with today_is(MONDAY):
            self.assertEqual(self.items("lead_summary", end=MONDAY), [])

    def test_four_queries(self):
        calendar.workdays_between(day(1), day(1))
        with today_is(dt.date(2026, 12, 1)), self.assertNumQueries(4):
            self.items("lead_summary", teams=[self.team_a, self.team_b])


class PartnerCycleTests(ScoringTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # 乙集团 reports to team A on Mondays: the 2nd, 9th, 16th, 23rd and 30th of November
        cls.cycle = PartnerCycle.objects.create(
            partner=cls.partner, team=cls.team_a, cycle=Cycle.WEEKLY, day=1, lead_days=3
        )
        for date in [dt.date(2026, 10, 29), day(4), day(17)]:  # for the 2nd, 9th and 23rd
            cls.follow(cls.cycle, date)
        cls.follow(cls.cycle, day(26), CheckInStatus.PLANNED)  # not done: not for the 30th
        dropped = PartnerCycle.objects.create(
            partner=Partner.objects.create(name="丁物流"), team=cls.team_a, cycle=Cycle.WEEKLY
        )
        PartnerCycle.objects.filter(pk=dropped.pk).update(is_active=False)
        cls.cycle_b = PartnerCycle.objects.create(
            partner=Partner.objects.create(name="丙商贸"),
            team=cls.team_b,
            cycle=Cycle.MONTHLY,
            day=16,
        )

    @classmethod
    def follow(cls, cycle, date, status=CheckInStatus.DONE):
        CheckInFactory(
            area=Area.LEADS,
            title="报计划前跟进",
            team=cycle.team,
            owner=cls.supervisor,
            date=date,
            status=status,
            subject=cycle,
        )

    def test_S_LEAD_6_each_reporting_day_followed_up_since_the_previous_one(self):
        items = self.items("partner_cycles")
        self.assertEqual(
            [(item.day, item.credit) for item in items],
            [(MONDAY, 1), (day(9), 1), (day(16), 0), (day(23), 1), (day(30), 0)],
        )
        self.assertEqual(items[0].label, "电销一组 · 乙集团 11-02 报计划，10-29 已跟进")
        self.assertEqual(items[2].label, "电销一组 · 乙集团 11-16 报计划，之前没有跟进")
        self.assertEqual(items[2].url, self.cycle.get_absolute_url())

    def test_a_follow_up_on_the_reporting_day_counts_as_the_detector_s(self):
        self.follow(self.cycle, day(30))
        self.assertEqual(self.items("partner_cycles", start=day(30))[0].credit, 1)

    def test_each_lead_is_scored_on_their_own_teams(self):
        items = self.items("partner_cycles", lead=self.lead_b, teams=[self.team_b])
        self.assertEqual([(item.day, item.credit) for item in items], [(day(16), 0)])

    def test_no_cycle_is_no_data(self):
        self.assertEqual(self.items("partner_cycles", teams=[self.team_c]), [])

    def test_two_queries(self):
        with self.assertNumQueries(2):
            self.items("partner_cycles", teams=[self.team_a, self.team_b])


class FigureTests(ScoringTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        request = cls.agree(cls.team_a, cls.lead_a, 40)  # 2 a working day in November
        for on in [MONDAY, MONDAY, day(4), FRIDAY, day(10)]:
            cls.lead(cls.team_a, cls.worker_a, on, request=request)
        cls.lead(  # delivered MONDAY, won on the 4th
            cls.team_a, cls.worker_a, MONDAY, request=request, stage=Stage.WON, closed_on=day(4)
        )
        cls.lead(cls.team_a, cls.worker_a, MONDAY)  # answers no request
        lost = {"stage": Stage.LOST, "closed_on": dt.date(2026, 10, 20), "lost_reason": "预算"}
        cls.lead(cls.team_a, cls.worker_a, dt.date(2026, 10, 5), **lost)
        # team B: 50 from Monday 26 October to TARGET, 25 working days, 2 a day
        request_b = cls.agree(cls.team_b, cls.lead_b, 50, starts_on=dt.date(2026, 10, 26))
        for on in [dt.date(2026, 10, 27), day(3)]:
            cls.lead(cls.team_b, cls.worker_b, on, request=request_b)

    def figures(self, when):
        teams = [self.team_a, self.team_b, self.team_c]
        found = compute([team.pk for team in teams], when)
        return [[found[team.pk][code] for code in CODES] for team in teams]

    def test_delivered_against_the_month_s_pro_rata_target_and_open_leads(self):
        self.assertEqual(
            self.figures(FRIDAY),
            [
                [5, 10, 5],  # 40 × 5 / 20 due; the won lead was delivered, no longer open
                [1, 10, 2],  # 20 due by FRIDAY less 10 by October's end; October's not counted
                [0, 0, 0],
            ],
        )

    def test_as_of_a_past_day(self):
        self.assertEqual(self.figures(day(3)), [[3, 4, 4], [1, 4, 2], [0, 0, 0]])
        self.assertEqual(self.figures(dt.date(2026, 10, 30)), [[0, 0, 0], [1, 10, 1], [0, 0, 0]])

    def test_the_links_open_the_rows_behind_the_figures(self):
        team = self.team_a.pk
        leads, requests = reverse("leads:lead_list"), reverse("leads:request_board")
        links = [FIGURES[code].link for code in CODES]
        self.assertEqual(
            [link(team, FRIDAY) for link in links],
            [
                f"{leads}?month={FRIDAY:%Y-%m}&for_team={team}",
                f"{requests}?show=all&team={team}",
                f"{leads}?stage=open&team={team}",
            ],
        )
        self.assertEqual(
            [link(None, FRIDAY) for link in links],
            [f"{leads}?month={FRIDAY:%Y-%m}", f"{requests}?show=all", f"{leads}?stage=open"],
        )
        self.client.force_login(self.supervisor)
        delivered, _target, open_now = self.figures(day(30))[0]
        rows = self.client.get(FIGURES["leads_open"].link(team, day(30))).context["rows"]
        self.assertEqual(len(rows), open_now)
        link = FIGURES["leads_delivered_month"].link(team, day(30))
        self.assertEqual(len(self.client.get(link).context["rows"]), delivered)
        board = self.client.get(FIGURES["leads_target_month"].link(team, day(30)))
        teams = {r.team_id for rows in board.context["groups"].values() for r, _p in rows}
        self.assertEqual(teams, {team})

    def test_three_queries_for_every_team(self):
        calendar.workdays_between(day(1), day(1))
        with self.assertNumQueries(3):
            scoring.leads_figures([self.team_a.pk, self.team_b.pk, self.team_c.pk], FRIDAY)
