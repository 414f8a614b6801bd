"""The people measures of the lead scorecard and the people figures of the dashboards
(S-EVAL-1), each on a small case with a known answer."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

import duban.people.scoring  # noqa: F401  (registers the measures and the figures)
from duban.core.figures import FIGURES, compute
from duban.core.scoring import MEASURES, Dimension, Period, ratio
from duban.org.choices import Post
from duban.people import services
from duban.people.choices import ChangeKind, EmployeeState
from duban.people.models import HeadcountPlan, TrainingPlan
from duban.supervision.choices import Area, PlanStatus
from tests.base import BaseTestCase
from tests.factories import EmployeeFactory, TeamFactory
from tests.supervision.factories import PlanFactory, RiskFactory

TODAY = dt.date(2026, 12, 1)
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
DEC = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


class ScoringCase(BaseTestCase):
    def score(self, code, lead, teams, days):
        period = Period(lead, tuple(team.pk for team in teams), *days)
        return MEASURES[code].func(period)

    @classmethod
    def held(cls, day, scores, *, team=None, lead=None, **fields):
        """A training of team A (or ``team``) on ``day`` with one attendee per score."""
        team, lead = team or cls.team_a, lead or cls.lead_a
        people = list(team.employees.order_by("pk"))[: len(scores)]
        training = services.training_record(
            by=lead,
            team=team,
            attendees=people,
            topic=fields.pop("topic", f"话术 {day:%m-%d}"),
            kind=fields.pop("kind", "product"),
            held_on=day,
            trainer="维盛",
            **fields,
        )
        rows = {r.employee_id: r.pk for r in training.results.all()}
        results = {rows[p.pk]: {"score": Decimal(s)} for p, s in zip(people, scores, strict=True)}
        return services.results_record(by=lead, training=training, results=results)

    @classmethod
    def talk(cls, person, day, lead=None):
        return services.talk_record(
            by=lead or cls.lead_a, employee=person, held_on=day, state=EmployeeState.GOOD
        )


class HeadcountMeasureTests(ScoringCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for post, count in ((Post.LEAD, 1), (Post.JUNIOR, 4)):
            HeadcountPlan.objects.create(
                team=cls.team_a, post=post, count=count, effective_from=dt.date(2026, 1, 1)
            )
        HeadcountPlan.objects.create(  # team B's plan only from December
            team=cls.team_b, post=Post.JUNIOR, count=1, effective_from=dt.date(2026, 12, 1)
        )
        EmployeeFactory(name="新员工", team=cls.team_b)  # team B: two juniors
        services.change_record(
            by=cls.lead_a,
            today=TODAY,
            kind=ChangeKind.LEAVE,
            employee=cls.member_a_employee,
            reason="pay",
            date=dt.date(2026, 11, 20),
        )

    def test_S_HR_1_headcount_against_the_plan_in_force_at_the_end_of_the_period(self):
        [item] = self.score("headcount", self.lead_a, [self.team_a], NOV)
        self.assertEqual(item.credit, 0.4)  # 维盛 and 小祁 of 5 planned
        self.assertEqual(item.label, "电销一组 11-30 编制 5 人，实有 2 人")
        self.assertEqual(item.day, NOV[1])
        self.assertEqual(item.url, reverse("people:structure") + f"?team={self.team_a.pk}")
        self.assertEqual(MEASURES["headcount"].dimension, Dimension.COMMITMENT)

    def test_headcount_as_of_a_past_day_comes_from_the_change_history(self):
        [item] = self.score(
            "headcount", self.lead_a, [self.team_a], (NOV[0], dt.date(2026, 11, 15))
        )
        self.assertEqual(item.credit, 0.6)  # 横洲 left on 11-20: still there on 11-15

    def test_a_team_without_a_plan_in_force_has_no_item_and_over_plan_counts_one(self):
        self.assertEqual(self.score("headcount", self.lead_b, [self.team_b], NOV), [])
        [item] = self.score("headcount", self.lead_b, [self.team_b], DEC)
        self.assertEqual((item.credit, item.label), (1.0, "电销二组 12-31 编制 1 人，实有 2 人"))


class TrainingsHeldTests(ScoringCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.held(dt.date(2026, 11, 20), [90])  # with the cast's of 11-10: two in November
        cls.held(dt.date(2026, 11, 12), [90], team=cls.team_b, lead=cls.lead_b)
        plan = TrainingPlan.objects.create
        cls.all_kinds = plan(team=cls.team_a, starts_on=NOV[0], ends_on=NOV[1], count=4)
        cls.projects = plan(
            team=cls.team_a, starts_on=NOV[0], ends_on=NOV[1], count=1, kind="project"
        )
        cls.running = plan(
            team=cls.team_a, starts_on=dt.date(2026, 11, 15), ends_on=DEC[1], count=2
        )

    def test_S_PRJ_6_each_plan_ended_in_the_period_credits_trainings_held_over_planned(self):
        items = self.score("trainings_held", self.lead_a, [self.team_a], NOV)
        self.assertEqual([item.credit for item in items], [0.5, 0.0])
        self.assertEqual(items[0].label, "电销一组 培训计划 11-01 至 11-30：计划 4 次，举办 2 次")
        self.assertIn("（项目调研及推进技能）", items[1].label)
        self.assertEqual(items[0].day, NOV[1])
        self.assertEqual(
            items[0].url,
            reverse("people:training_list") + f"?team={self.team_a.pk}&month=2026-11",
        )

    def test_a_plan_still_running_is_not_due_until_it_ends(self):
        [item] = self.score("trainings_held", self.lead_a, [self.team_a], DEC)
        self.assertEqual(item.credit, 0.5)  # one of two held from 11-15 to 12-31
        self.assertEqual(self.score("trainings_held", self.lead_b, [self.team_b], NOV), [])


class TrainingsPassedTests(ScoringCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.low = cls.held(dt.date(2026, 11, 5), [90, 50, 40])  # 33 %
        cls.good = cls.held(dt.date(2026, 11, 20), [90, 85])  # 100 %
        cls.held(dt.date(2026, 12, 2), [90])  # next month

    def test_S_HR_4_each_training_with_results_credits_its_pass_rate_over_the_bar(self):
        items = self.score("trainings_passed", self.lead_a, [self.team_a], NOV)
        self.assertEqual([item.credit for item in items], [33 / 80, 1.0])  # the cast's: no results
        self.assertEqual(
            items[0].label,
            "电销一组 11-05 培训「话术 11-05」通过率 33%（3 人中 1 人通过），底线 80%",
        )
        self.assertEqual(
            (items[0].url, items[0].day), (self.low.get_absolute_url(), self.low.held_on)
        )
        self.assertEqual(self.score("trainings_passed", self.lead_b, [self.team_b], NOV), [])


class RetrainingTests(ScoringCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        held = cls.held
        cls.kept = held(dt.date(2026, 11, 5), [90, 50, 40])  # due 12-05, re-trained 11-20
        held(dt.date(2026, 11, 20), [80, 75], retraining_of=cls.kept)
        cls.missed = held(dt.date(2026, 10, 20), [50, 40])  # due 11-19, never re-trained
        cls.late = held(dt.date(2026, 10, 25), [50])  # due 11-24, re-trained 11-28
        held(dt.date(2026, 11, 28), [70], retraining_of=cls.late)
        cls.landed = held(dt.date(2026, 10, 10), [40])  # due 11-09, its plan landed 11-05
        risk = RiskFactory(
            key=f"hr-pass-low:training:{cls.landed.pk}", area=Area.PEOPLE, team=cls.team_a
        )
        PlanFactory(
            risk=risk,
            team=cls.team_a,
            lead=cls.lead_a,
            status=PlanStatus.LANDED,
            closed_on=dt.date(2026, 11, 5),
        )
        cls.pending = held(dt.date(2026, 11, 25), [40])  # due 12-25
        held(dt.date(2026, 11, 10), [90, 95])  # passed: nothing demanded

    def test_S_HR_4_a_retraining_held_or_its_plan_landed_by_its_due_date_counts_one(self):
        items = self.score("retrainings", self.lead_a, [self.team_a], NOV)
        found = {item.url: item for item in items}
        self.assertEqual(len(items), 4)
        self.assertEqual(found[self.kept.get_absolute_url()].credit, 1.0)
        self.assertEqual(found[self.kept.get_absolute_url()].day, dt.date(2026, 12, 5))
        self.assertEqual(found[self.landed.get_absolute_url()].credit, 1.0)
        self.assertIn("二次培训方案 11-05 落地", found[self.landed.get_absolute_url()].label)
        self.assertEqual(found[self.missed.get_absolute_url()].credit, 0.0)
        self.assertEqual(
            found[self.missed.get_absolute_url()].label,
            "电销一组 培训「话术 10-20」（10-20，通过率 0%）：应于 11-19 前二次培训，未培训",
        )
        self.assertEqual(found[self.late.get_absolute_url()].credit, 0.0)  # held after 11-24
        self.assertEqual(ratio(items), 0.5)
        self.assertEqual(MEASURES["retrainings"].dimension, Dimension.FLEXIBILITY)

    def test_one_not_yet_due_waits_for_its_due_date_and_a_kept_one_counts_once(self):
        [item] = self.score("retrainings", self.lead_a, [self.team_a], DEC)
        self.assertEqual((item.url, item.credit), (self.pending.get_absolute_url(), 0.0))
        self.assertEqual(self.score("retrainings", self.lead_b, [self.team_b], NOV), [])


class TalksDoneTests(ScoringCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.talk(cls.worker_a, dt.date(2026, 11, 18))
        cls.talk(cls.member_a_employee, dt.date(2026, 12, 10))

    def test_S_HR_5_once_the_month_is_over_everyone_due_a_talk_is_an_item(self):
        items = self.score("talks_done", self.lead_a, [self.team_a], NOV)
        self.assertEqual(
            sorted((item.label, item.credit) for item in items),
            [
                ("电销一组 小祁 2026-11 绩效谈话于 11-18 完成", 1.0),
                ("电销一组 横洲 2026-11 没有绩效谈话", 0.0),
            ],
        )
        self.assertEqual({item.day for item in items}, {NOV[1]})
        self.assertEqual(
            items[0].url, reverse("people:talks") + f"?team={self.team_a.pk}&month=2026-11"
        )

    def test_in_the_month_under_way_only_the_talks_held_are_items(self):
        items = self.score(
            "talks_done", self.lead_a, [self.team_a], (DEC[0], dt.date(2026, 12, 15))
        )
        self.assertEqual(
            [(item.label, item.credit) for item in items],
            [("电销一组 横洲 2026-12 绩效谈话于 12-10 完成", 1.0)],
        )
        self.assertEqual(self.score("talks_done", self.lead_b, [self.team_b], (DEC[0], TODAY)), [])


class PeopleFigureTests(ScoringCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.team_d = TeamFactory(name="电销五组", line=cls.line_1)  # no data at all
        for post, count, day in (
            (Post.LEAD, 1, dt.date(2026, 1, 1)),
            (Post.JUNIOR, 4, dt.date(2026, 1, 1)),
            (Post.JUNIOR, 6, dt.date(2026, 12, 1)),
        ):
            HeadcountPlan.objects.create(
                team=cls.team_a, post=post, count=count, effective_from=day
            )
        services.change_record(
            by=cls.lead_a,
            today=TODAY,
            kind=ChangeKind.LEAVE,
            employee=cls.member_a_employee,
            reason="pay",
            date=dt.date(2026, 11, 20),
        )
        cls.talk(cls.worker_a, dt.date(2026, 11, 18))
        cls.talk(cls.worker_b, dt.date(2026, 11, 25), lead=cls.lead_b)

    def figures(self, day):
        teams = [self.team_a, self.team_b, self.team_c, self.team_d]
        found = compute([team.pk for team in teams], day)
        codes = ("hc_actual", "hc_plan", "talks_done_month")
        return [tuple(int(found[team.pk][code]) for code in codes) for team in teams]

    def test_each_team_s_headcount_plan_and_talks_as_of_a_past_day(self):
        self.assertEqual(
            self.figures(dt.date(2026, 11, 19)), [(3, 5, 1), (1, 0, 0), (1, 0, 0), (0, 0, 0)]
        )
        self.assertEqual(
            self.figures(dt.date(2026, 11, 30)), [(2, 5, 1), (1, 0, 1), (1, 0, 0), (0, 0, 0)]
        )
        self.assertEqual(  # a new plan in force, a new month of talks
            self.figures(dt.date(2026, 12, 1)), [(2, 7, 0), (1, 0, 0), (1, 0, 0), (0, 0, 0)]
        )

    def test_each_figure_links_to_the_rows_behind_it(self):
        day, a = dt.date(2026, 11, 30), self.team_a.pk
        self.assertEqual(
            FIGURES["hc_actual"].link(a, day),
            reverse("org:employee_list") + f"?team={a}&status=current",
        )
        self.assertEqual(
            FIGURES["hc_actual"].link(None, day), reverse("org:employee_list") + "?status=current"
        )
        self.assertEqual(
            FIGURES["hc_plan"].link(a, day), reverse("people:structure") + f"?team={a}"
        )
        self.assertEqual(FIGURES["hc_plan"].link(None, day), reverse("people:structure"))
        self.assertEqual(
            FIGURES["talks_done_month"].link(a, day),
            reverse("people:talks") + f"?team={a}&month=2026-11",
        )
        self.assertEqual({FIGURES[c].area for c in ("hc_actual", "hc_plan")}, {Area.PEOPLE})
