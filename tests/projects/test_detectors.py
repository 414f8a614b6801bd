"""Each project detector fires on its condition and stops when it is dealt with; a red
indicator miss makes the engine demand a plan from the project's lead (S-PRJ-5)."""

from duban.projects import detectors, services
from duban.projects.models import ProjectHandover, ProjectMilestone, ProjectSummary, Settings
from duban.supervision.choices import Area, CheckInStatus, PlanStatus, RiskLevel, RiskStatus
from duban.supervision.models import Plan, Risk
from duban.supervision.registry import DETECTORS
from duban.supervision.tick import plans_autodemand, risks_sync
from tests.projects.base import D, ProjectsTestCase, day
from tests.supervision.factories import CheckInFactory


def keys(signals):
    return [signal.key for signal in signals]


class DetectorTestCase(ProjectsTestCase):
    def risk(self, key, today) -> Risk:
        """The risk ``key`` after the whole tick's detectors ran on ``today``."""
        risks_sync(today=today)
        return Risk.objects.get(key=key)


class RegistrationTests(ProjectsTestCase):
    def test_each_detector_names_its_requirement(self):
        refs = {name: d.seed_ref for name, d in DETECTORS.items() if d.area == Area.PROJECTS}
        self.assertEqual(
            refs,
            {
                "prj_behind_schedule": "S-PRJ-2",
                "prj_summary_stale": "S-PRJ-3",
                "prj_handover_unreceived": "S-PRJ-2",
                "prj_indicator_miss": "S-PRJ-5",
                "prj_long_unreviewed": "S-PRJ-4",
            },
        )


class BehindScheduleTests(DetectorTestCase):
    def setUp(self):
        self.subject = self.short(name="宽带推广")
        self.late = ProjectMilestone.objects.create(
            project=self.subject, title="方案确认", due_on=day(10)
        )
        ProjectMilestone.objects.create(project=self.subject, title="首单", due_on=day(20))
        self.key = f"prj-behind:project:{self.subject.pk}"

    def test_S_PRJ_2_a_milestone_past_its_day_and_not_done(self):
        self.assertEqual(keys(detectors.behind_schedule(day(10))), [])  # due today: not late
        signal = next(detectors.behind_schedule(day(11)))
        self.assertEqual(
            (signal.key, signal.level, signal.subject, signal.lead_id),
            (self.key, RiskLevel.RED, self.subject, self.lead_a.pk),
        )
        self.assertEqual(str(signal.title), "项目「宽带推广」有 1 个节点过期未完成")
        self.assertEqual(
            [str(line) for line in signal.evidence], ["方案确认：应于 2026-11-10 完成"]
        )

    def test_the_risk_resolves_when_the_milestone_is_done(self):
        self.assertEqual(self.risk(self.key, day(11)).status, RiskStatus.OPEN)
        services.milestone_done(milestone=self.late, by=self.lead_a, done_on=day(11))
        self.assertEqual(self.risk(self.key, day(12)).status, RiskStatus.RESOLVED)

    def test_a_project_no_longer_active_is_not_behind(self):
        self.subject.status = "paused"
        self.subject.save()
        self.assertEqual(keys(detectors.behind_schedule(day(11))), [])


class SummaryStaleTests(DetectorTestCase):
    def summary(self, project, date):
        ProjectSummary.objects.create(
            project=project, date=date, progress="推进中", next_goal="签约", next_milestone="首单"
        )

    def stale(self, today):
        return [item.subject for signal in detectors.summary_stale(today) for item in signal.items]

    def test_S_PRJ_2_a_short_project_needs_one_by_each_tuesday_and_friday(self):
        project = self.short()
        self.summary(project, day(3))
        self.assertEqual(self.stale(day(5)), [])
        self.assertEqual(self.stale(day(9)), [project])  # Friday 6 was due
        self.summary(project, day(6))
        self.assertEqual(self.stale(day(9)), [])

    def test_S_PRJ_3_a_medium_project_needs_one_a_week(self):
        project = self.medium()
        self.summary(project, day(3))
        self.assertEqual(self.stale(day(6)), [])
        self.assertEqual(self.stale(day(8)), [])
        self.assertEqual(self.stale(day(10)), [project])  # Monday 9 was due

    def test_S_PRJ_4_a_long_project_needs_one_each_review_weeks(self):
        project = self.long(review_weeks=2)
        self.summary(project, day(2))
        self.assertEqual(self.stale(day(13)), [])
        self.assertEqual(self.stale(day(17)), [project])  # Monday 16 was due

    def test_a_follow_up_days_summary_is_due_by_the_end_of_that_day(self):
        project = self.short()
        self.assertEqual(self.stale(day(3)), [])  # Tuesday 3: its first day, still open
        self.assertEqual(self.stale(day(4)), [project])

    def test_a_project_with_no_day_due_since_its_start_is_not_stale(self):
        self.short(starts_on=day(4))  # a Wednesday: Friday 6 is its first day
        self.assertEqual(self.stale(day(5)), [])

    def test_S_PRJ_3_a_teams_stale_summaries_make_one_risk_that_resolves(self):
        first, second = self.short(), self.medium()
        signal = next(detectors.summary_stale(day(10)))
        self.assertEqual(
            (signal.key, signal.level, signal.team_id),
            (f"prj-summary:team:{self.team_a.pk}", RiskLevel.YELLOW, self.team_a.pk),
        )
        self.assertEqual(str(signal.title), "电销一组 有 2 个项目的综述没有按周期更新")
        self.assertEqual({item.subject for item in signal.items}, {first, second})
        self.assertEqual(self.risk(signal.key, day(10)).status, RiskStatus.OPEN)
        self.summary(first, day(10))
        self.summary(second, day(10))
        self.assertEqual(self.risk(signal.key, day(10)).status, RiskStatus.RESOLVED)


class HandoverUnreceivedTests(DetectorTestCase):
    def setUp(self):
        self.subject = self.short(starts_on=D(2026, 9, 1), name="宽带推广")
        self.handover = ProjectHandover.objects.create(
            project=self.subject, what="客户资料", to_team=self.back_team, handed_on=D(2026, 9, 30)
        )
        self.key = f"prj-handover:handover:{self.handover.pk}"

    def test_S_PRJ_2_a_hand_over_unconfirmed_after_the_next_working_day(self):
        # handed over on the eve of 国庆: the next working day is Thursday 8 October
        self.assertEqual(keys(detectors.handover_unreceived(D(2026, 10, 7))), [])
        self.assertEqual(keys(detectors.handover_unreceived(D(2026, 10, 8))), [])
        signal = next(detectors.handover_unreceived(D(2026, 10, 9)))
        self.assertEqual((signal.key, signal.level), (self.key, RiskLevel.YELLOW))
        self.assertEqual(
            str(signal.title),
            "「宽带推广」交给 交付一组 的「客户资料」（2026-09-30）还没有确认接收",
        )

    def test_the_risk_resolves_when_the_back_end_receives_it(self):
        self.assertEqual(self.risk(self.key, D(2026, 10, 9)).status, RiskStatus.OPEN)
        services.handover_receive(
            by=self.back_lead, handover=self.handover, received_on=D(2026, 10, 9), next_goal="安装"
        )
        self.assertEqual(self.risk(self.key, D(2026, 10, 12)).status, RiskStatus.RESOLVED)


class IndicatorMissTests(DetectorTestCase):
    def setUp(self):
        self.subject = self.short(name="宽带推广")  # new until 28 December
        self.key = f"prj-indicator:project:{self.subject.pk}"

    def test_S_PRJ_5_a_week_projected_to_miss_is_red(self):
        calls = self.indicator(self.subject, weekly=500)
        self.actuals(calls, {day(9): 100})
        self.assertEqual(keys(detectors.indicator_miss(day(10))), [])  # one day: too early
        signal = next(detectors.indicator_miss(day(11)))  # 100 in two days: 250 of 500
        self.assertEqual(
            (signal.key, signal.level, signal.lead_id), (self.key, RiskLevel.RED, self.lead_a.pk)
        )
        self.assertEqual(
            str(signal.title), "新项目「宽带推广」有 1 项指标预计完不成（截至 2026-11-10）"
        )
        self.assertEqual(
            [str(line) for line in signal.evidence],
            ["有效通话（周）：目标 500，实际 100，预计 250"],
        )

    def test_S_PRJ_5_the_risk_resolves_when_the_pace_recovers(self):
        calls = self.indicator(self.subject, weekly=500)
        self.actuals(calls, {day(9): 100})
        self.assertEqual(self.risk(self.key, day(11)).status, RiskStatus.OPEN)
        services.actuals_record(
            by=self.lead_a, project=self.subject, date=day(10), values={calls.pk: 100}
        )
        self.assertEqual(self.risk(self.key, day(11)).status, RiskStatus.RESOLVED)

    def test_S_PRJ_5_a_month_is_judged_from_its_second_working_day(self):
        self.indicator(self.subject, monthly=2000)
        self.assertEqual(keys(detectors.indicator_miss(D(2026, 12, 2))), [])
        self.assertEqual(keys(detectors.indicator_miss(D(2026, 12, 3))), [self.key])

    def test_S_PRJ_5_yesterday_short_of_its_daily_target(self):
        calls = self.indicator(self.subject, daily=100)
        self.actuals(calls, {day(9): 91, day(10): 89})
        self.assertEqual(keys(detectors.indicator_miss(day(10))), [])  # 91: within 10 %
        self.assertEqual(keys(detectors.indicator_miss(day(11))), [self.key])
        Settings.objects.update_or_create(pk=1, defaults={"miss_margin": 20})
        self.assertEqual(keys(detectors.indicator_miss(day(11))), [])

    def test_a_project_no_longer_new_is_not_judged(self):
        old = self.short(starts_on=D(2026, 8, 3))  # new until 28 September
        self.indicator(old, weekly=500)
        self.assertEqual(keys(detectors.indicator_miss(day(11))), [])

    def test_S_PRJ_5_the_tick_demands_a_plan_from_the_projects_lead(self):
        calls = self.indicator(self.subject, weekly=500)
        self.actuals(calls, {day(9): 100})
        risks_sync(today=day(11))
        risk = Risk.objects.get(key=self.key)
        self.assertEqual(
            (risk.level, risk.area, risk.team, risk.lead, risk.subject),
            (RiskLevel.RED, Area.PROJECTS, self.team_a, self.lead_a, self.subject),
        )
        plans_autodemand(today=day(12))  # the next working day: 倒逼 by the engine
        plan = Plan.objects.get(risk=risk)
        self.assertEqual(
            (plan.status, plan.lead, plan.team), (PlanStatus.DEMANDED, self.lead_a, self.team_a)
        )


class LongUnreviewedTests(DetectorTestCase):
    def setUp(self):
        self.subject = self.long(starts_on=D(2026, 9, 7), review_weeks=2, name="园区专线")
        self.key = f"prj-long:project:{self.subject.pk}"

    def followed(self, date, status=CheckInStatus.DONE, subject=None):
        CheckInFactory(
            area=Area.PROJECTS,
            title="项目按周期跟进",
            team=self.team_a,
            lead=self.lead_a,
            owner=self.supervisor,
            date=date,
            status=status,
            subject=subject or self.subject,
        )

    def test_S_PRJ_4_a_long_project_not_followed_within_its_review_weeks(self):
        signal = next(detectors.long_unreviewed(day(10)))
        self.assertEqual(
            (signal.key, signal.level, signal.subject), (self.key, RiskLevel.YELLOW, self.subject)
        )
        self.assertEqual(str(signal.title), "长周期项目「园区专线」已 2 周没有跟进")

    def test_S_PRJ_4_a_done_check_in_within_review_weeks_stops_it(self):
        self.followed(D(2026, 10, 26))  # 15 days before: too old
        self.followed(day(9), status=CheckInStatus.PLANNED)  # not done
        self.followed(day(9), subject=self.medium())  # about another project
        self.assertEqual(keys(detectors.long_unreviewed(day(10))), [self.key])
        self.followed(D(2026, 10, 27))  # 14 days before
        self.assertEqual(keys(detectors.long_unreviewed(day(10))), [])

    def test_the_risk_resolves_when_the_project_is_followed(self):
        self.assertEqual(self.risk(self.key, day(10)).status, RiskStatus.OPEN)
        self.followed(day(10))
        self.assertEqual(self.risk(self.key, day(11)).status, RiskStatus.RESOLVED)

    def test_a_long_project_younger_than_its_review_weeks_or_a_medium_one_is_not_judged(self):
        self.subject.delete()
        self.long(starts_on=day(2), review_weeks=2)
        self.medium(starts_on=D(2026, 9, 7))
        self.assertEqual(keys(detectors.long_unreviewed(day(10))), [])

    def test_review_weeks_set_longer_leaves_more_time(self):
        self.subject.review_weeks = 4
        self.subject.save()
        self.followed(D(2026, 10, 20))
        self.assertEqual(keys(detectors.long_unreviewed(day(10))), [])
        self.assertEqual(keys(detectors.long_unreviewed(day(18))), [self.key])
