"""What projects tell the lead scorecard and the dashboards (S-EVAL-1): each measure's items
and credits on a hand-built month, and each figure per team, as of a day."""

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from duban.core import figures, scoring
from duban.core.scoring import Dimension, Period
from duban.projects import scoring as project_scoring
from duban.projects.models import ProjectHandover, ProjectMilestone, ProjectSummary
from duban.supervision.choices import Area
from tests.projects.base import D, ProjectsTestCase, day

CODES = ["project_indicators", "project_milestones", "project_summaries", "project_handovers"]
FIGURES = ["prj_active", "prj_new", "prj_indicators", "prj_indicators_behind"]


def today(date):
    return mock.patch("django.utils.timezone.localdate", return_value=date)


def summary(project, date) -> None:
    ProjectSummary.objects.create(
        project=project, date=date, progress="推进中", next_goal="签约", next_milestone="首单"
    )


class ScoringTestCase(ProjectsTestCase):
    def period(self, lead=None, teams=None, start=None, end=None) -> Period:
        """Lead A's November 2026 unless told."""
        teams = (self.team_a.pk,) if teams is None else teams
        return Period(lead or self.lead_a, teams, start or day(1), end or day(30))

    def items(self, code, period=None, on=None):
        with today(on or D(2026, 12, 1)):
            found = scoring.MEASURES[code].func(period or self.period())
        return [(item.label, item.credit, item.day) for item in found]


class RegistrationTests(ScoringTestCase):
    def test_S_EVAL_1_each_measure_is_declared_in_its_dimension(self):
        dimensions = {code: scoring.MEASURES[code].dimension for code in CODES}
        self.assertEqual(
            dimensions,
            {
                "project_indicators": Dimension.COMMITMENT,
                "project_milestones": Dimension.EXECUTION,
                "project_summaries": Dimension.IMPROVEMENT,
                "project_handovers": Dimension.RESOURCES,
            },
        )

    def test_the_figures_are_declared_for_the_projects_area(self):
        self.assertEqual({figures.FIGURES[code].area for code in FIGURES}, {Area.PROJECTS})

    def test_a_lead_without_projects_has_no_data_never_zero(self):
        period = self.period(self.lead_b, (self.team_b.pk,))
        for code in CODES:
            with self.subTest(code=code):
                self.assertEqual(self.items(code, period), [])
                self.assertIsNone(scoring.ratio(scoring.MEASURES[code].func(period)))


class IndicatorMeasureTests(ScoringTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # November 2026: 21 working days, so a month's target of 2,100 is 100 a day
        cls.subject = cls.short(name="宽带推广")
        cls.calls = cls.indicator(cls.subject, monthly=2100, weekly=999, daily=9)
        cls.actuals(cls.calls, {day(2): 100, day(3): 50, day(4): 999})
        cls.visits = cls.indicator(cls.subject, name="上门拜访", weekly=500)
        cls.actuals(cls.visits, {day(2): 100, day(3): 120})
        cls.indicator(cls.subject, name="无目标")
        cls.old = cls.short(starts_on=D(2026, 8, 3), name="老项目")  # new until 28 September
        cls.actuals(cls.indicator(cls.old, monthly=2100), {day(2): 1})
        cls.actuals(cls.indicator(cls.short(team=cls.team_b, lead=cls.lead_b), daily=1), {})

    def test_S_PRJ_5_the_actual_against_the_target_pro_rata_to_yesterday(self):
        self.assertEqual(
            self.items("project_indicators", on=day(4)),  # Wednesday's actuals are not in yet
            [
                (
                    "「宽带推广」有效通话 截至 11-03 实际 150，按进度应达 200（月目标 2,100）",
                    0.75,
                    day(3),
                ),
                (
                    "「宽带推广」上门拜访 截至 11-03 实际 220，按进度应达 200（周目标 500）",
                    1.0,
                    day(3),
                ),
            ],
        )

    def test_S_PRJ_5_a_past_month_is_due_its_whole_target(self):
        found = self.items("project_indicators", on=D(2026, 12, 1))
        self.assertEqual(
            [label[label.index("实际") :] for label, _credit, _day in found],
            [
                "实际 1,149，按进度应达 2,100（月目标 2,100）",
                "实际 220，按进度应达 2,100（周目标 500）",  # 100 a working day of each week
            ],
        )
        self.assertAlmostEqual(found[0][1], 1149 / 2100)
        self.assertAlmostEqual(found[1][1], 220 / 2100)

    def test_S_PRJ_5_a_project_started_within_the_month_is_due_its_own_days(self):
        late = self.short(starts_on=day(16), name="后起项目")  # 11 working days to the 30th
        self.actuals(self.indicator(late, monthly=2100), {day(16): 550})
        found = self.items("project_indicators", self.period(start=day(1)))[-1]
        self.assertEqual(
            found[:2],
            ("「后起项目」有效通话 截至 11-30 实际 550，按进度应达 1,100（月目标 2,100）", 0.5),
        )

    def test_the_item_opens_the_projects_indicators(self):
        with today(day(4)):
            found = scoring.MEASURES["project_indicators"].func(self.period())
        self.assertEqual(found[0].url, self.subject.get_absolute_url() + "#indicators")

    def test_nothing_is_due_before_the_first_working_day_has_passed(self):
        self.assertEqual(self.items("project_indicators", on=day(2)), [])


class MilestoneMeasureTests(ScoringTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.subject = cls.short(name="宽带推广")
        for title, due_on, done_on in [
            ("方案确认", day(10), day(9)),
            ("首单", day(12), day(13)),
            ("培训", day(20), None),
            ("验收", day(25), None),  # due today: still open
            ("回访", day(25), day(24)),
            ("十二月", D(2026, 12, 3), None),
            ("十月", D(2026, 10, 30), None),
        ]:
            ProjectMilestone.objects.create(
                project=cls.subject, title=title, due_on=due_on, done_on=done_on
            )
        paused = cls.short(name="暂停项目", status="paused")
        ProjectMilestone.objects.create(project=paused, title="首单", due_on=day(10))

    def test_S_PRJ_2_a_milestone_due_in_the_period_is_kept_when_done_by_its_day(self):
        self.assertEqual(
            self.items("project_milestones", on=day(25)),
            [
                ("「宽带推广」节点「方案确认」11-10 到期，11-09 完成", 1.0, day(10)),
                ("「宽带推广」节点「首单」11-12 到期，11-13 才完成", 0.0, day(12)),
                ("「宽带推广」节点「培训」11-20 到期，未完成", 0.0, day(20)),
                ("「宽带推广」节点「回访」11-25 到期，11-24 完成", 1.0, day(25)),
            ],
        )

    def test_once_its_day_has_passed_an_open_milestone_is_missed(self):
        found = self.items("project_milestones", on=day(26))
        self.assertIn(("「宽带推广」节点「验收」11-25 到期，未完成", 0.0, day(25)), found)


class SummaryMeasureTests(ScoringTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.short_one = cls.short(name="宽带推广")  # Tuesdays and Fridays
        cls.medium_one = cls.medium(name="专线推广")  # each week's first working day
        for project, date in [
            (cls.short_one, day(3)),
            (cls.short_one, day(9)),  # Monday: late for Friday 6
            (cls.short_one, day(10)),
            (cls.medium_one, day(2)),
        ]:
            summary(project, date)

    def test_S_PRJ_2_S_PRJ_3_one_item_per_follow_up_day_of_the_class(self):
        self.assertEqual(
            self.items("project_summaries", on=day(11)),
            [
                ("「宽带推广」（3个月内）11-03 按时更新综述", 1.0, day(3)),
                ("「宽带推广」（3个月内）应在 11-06 更新综述，11-09 才更新", 0.0, day(6)),
                ("「宽带推广」（3个月内）11-10 按时更新综述", 1.0, day(10)),
                ("「专线推广」（3–6个月）11-02 按时更新综述", 1.0, day(2)),
                ("「专线推广」（3–6个月）应在 11-09 更新综述，未更新", 0.0, day(9)),
            ],
        )

    def test_todays_follow_up_day_counts_once_its_summary_is_written(self):
        self.assertNotIn(
            day(13), [due for _label, _credit, due in self.items("project_summaries", on=day(13))]
        )
        summary(self.short_one, day(13))
        self.assertIn(
            ("「宽带推广」（3个月内）11-13 按时更新综述", 1.0, day(13)),
            self.items("project_summaries", on=day(13)),
        )

    def test_a_project_no_longer_active_owes_no_summary(self):
        self.medium_one.status = "done"
        self.medium_one.save()
        found = self.items("project_summaries", on=day(11))
        self.assertEqual({label[:6] for label, _credit, _day in found}, {"「宽带推广」"})


class HandoverMeasureTests(ScoringTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.subject = cls.short(starts_on=D(2026, 9, 1), name="宽带推广")
        for what, handed_on, received_on in [
            ("客户资料", day(5), day(6)),  # Thursday: by Friday
            ("报价单", day(10), day(12)),
            ("合同", day(12), None),
            ("安装单", day(19), None),  # Thursday: Friday 20 is today
            ("十月", D(2026, 10, 30), None),
            ("国庆前", D(2026, 9, 30), D(2026, 10, 8)),  # next working day: 8 October
        ]:
            ProjectHandover.objects.create(
                project=cls.subject,
                what=what,
                to_team=cls.back_team,
                handed_on=handed_on,
                received_on=received_on,
            )

    def test_S_PRJ_2_a_hand_over_is_kept_when_received_by_the_next_working_day(self):
        self.assertEqual(
            self.items("project_handovers", on=day(20)),
            [
                ("「宽带推广」11-12 交给 交付一组 的「合同」未确认接收", 0.0, day(12)),
                (
                    "「宽带推广」11-10 交给 交付一组 的「报价单」11-12 才接收（应在 11-11 前）",
                    0.0,
                    day(10),
                ),
                ("「宽带推广」11-05 交给 交付一组 的「客户资料」11-06 接收", 1.0, day(5)),
            ],
        )

    def test_a_hand_over_on_the_eve_of_a_holiday_has_until_the_next_working_day(self):
        period = self.period(start=D(2026, 9, 1), end=D(2026, 9, 30))
        self.assertEqual(
            self.items("project_handovers", period, on=D(2026, 10, 20)),
            [("「宽带推广」09-30 交给 交付一组 的「国庆前」10-08 接收", 1.0, D(2026, 9, 30))],
        )


class FigureTests(ScoringTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.subject = cls.short(name="宽带推广")  # new from Monday 2 November
        calls = cls.indicator(cls.subject, monthly=2100)
        cls.actuals(calls, {day(2): 100, day(3): 50, day(4): 100})
        visits = cls.indicator(cls.subject, name="上门拜访", weekly=500)
        cls.actuals(visits, {day(2): 100, day(3): 100, day(4): 100})
        cls.indicator(cls.subject, name="无目标")
        old = cls.short(starts_on=D(2026, 8, 3), name="老项目")  # new until 28 September
        cls.indicator(old, monthly=2100)
        cls.short(name="暂停项目", status="paused")
        cls.short(starts_on=day(10), name="未开始")
        other = cls.short(team=cls.team_b, lead=cls.lead_b, name="专线推广")
        cls.actuals(cls.indicator(other, daily=10), {day(2): 10, day(3): 10, day(4): 10})

    def compute(self, on):
        teams = [self.team_a.pk, self.team_b.pk, self.team_c.pk]
        found = figures.compute(teams, on)
        return {team: [found[team][code] for code in FIGURES] for team in teams}

    def test_each_teams_projects_and_indicators_on_a_day(self):
        self.assertEqual(
            self.compute(day(4)),
            {self.team_a.pk: [2, 1, 2, 1], self.team_b.pk: [1, 1, 1, 0], self.team_c.pk: [0] * 4},
        )

    def test_as_of_a_past_day(self):
        self.assertEqual(self.compute(day(3))[self.team_a.pk], [2, 1, 2, 1])
        self.assertEqual(self.compute(day(2))[self.team_a.pk], [2, 1, 2, 0])
        self.assertEqual(self.compute(day(1))[self.team_a.pk], [1, 0, 0, 0])

    def test_each_figure_opens_the_teams_rows(self):
        team = self.team_a.pk
        links = {code: figures.FIGURES[code].link(team, day(4)) for code in FIGURES}
        board = reverse("projects:indicator_board")
        self.assertEqual(
            links,
            {
                "prj_active": f"{reverse('projects:project_list')}?team={team}",
                "prj_new": f"{reverse('projects:project_list')}?team={team}&new=1",
                "prj_indicators": f"{board}?team={team}",
                "prj_indicators_behind": f"{board}?team={team}",
            },
        )
        self.assertEqual(
            figures.FIGURES["prj_active"].link(None, day(4)), reverse("projects:project_list")
        )


class CostTests(ScoringTestCase):
    def queries(self, func, *args):
        with today(D(2026, 12, 1)), CaptureQueriesContext(connection) as seen:
            func(*args)
        return len(seen)

    def test_the_queries_do_not_grow_with_the_items(self):
        project = self.short(name="宽带推广")
        self.indicator(project, monthly=100)
        ProjectMilestone.objects.create(project=project, title="首单", due_on=day(10))
        ProjectHandover.objects.create(
            project=project, what="资料", to_team=self.back_team, handed_on=day(10)
        )
        calls = [(scoring.MEASURES[code].func, self.period()) for code in CODES]
        calls.append((project_scoring.project_figures, [self.team_a.pk], day(20)))
        for call in calls:
            self.queries(*call)  # the calendar's overrides are read once a minute
        before = [self.queries(*call) for call in calls]
        for number in range(3):
            more = self.short(name=f"项目{number}")
            self.indicator(more, monthly=100)
            ProjectMilestone.objects.create(project=more, title="首单", due_on=day(10))
            ProjectHandover.objects.create(
                project=more, what="资料", to_team=self.back_team, handed_on=day(10)
            )
        self.assertEqual([self.queries(*call) for call in calls], before)
