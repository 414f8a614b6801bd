"""Every write of the projects area: who may make it, and what it refuses (S-PRJ-1 … 5)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from duban.core.services import StaleEditError
from duban.projects import services
from duban.projects.choices import CycleClass
from duban.projects.models import Actual, Indicator, Project, ProjectSummary
from tests.projects.base import MONDAY, D, ProjectsTestCase, day


class CreateTests(ProjectsTestCase):
    def create(self, by, team=None, **fields):
        fields = {"name": "宽带推广", "starts_on": MONDAY, "ends_on": D(2027, 1, 29), **fields}
        return services.project_create(by=by, team=team or self.team_a, **fields)

    def test_S_PRJ_1_the_lead_creates_a_project_of_their_team_with_its_milestones(self):
        project = self.create(
            self.lead_a,
            milestones=[
                {"title": "调研完成", "due_on": day(13)},
                {"title": "首单", "due_on": day(27)},
            ],
        )
        self.assertEqual(
            (project.team, project.lead, project.cycle),
            (self.team_a, self.lead_a, CycleClass.SHORT),
        )
        self.assertEqual(
            list(project.milestones.values_list("title", "due_on")),
            [("调研完成", day(13)), ("首单", day(27))],
        )

    def test_the_supervisor_and_the_admin_create_with_the_teams_lead_as_lead(self):
        self.assertEqual(self.create(self.supervisor).lead, self.lead_a)
        self.assertEqual(self.create(self.admin, name="第二个").lead, self.lead_a)

    def test_no_one_else_creates_a_project_for_team_a(self):
        for user in [
            self.lead_b,
            self.other_supervisor,
            self.executive,
            self.member_a,
            self.back_lead,
        ]:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.create(user)
        self.assertFalse(Project.objects.exists())

    def test_an_end_before_the_start_is_refused(self):
        with self.assertRaises(ValidationError):
            self.create(self.lead_a, ends_on=D(2026, 10, 30))

    def test_a_name_is_used_once_per_team(self):
        self.create(self.lead_a)
        with self.assertRaises(ValidationError):
            self.create(self.lead_a)
        self.create(self.lead_b, team=self.team_b)  # another team may


class UpdateTests(ProjectsTestCase):
    def setUp(self):
        self.subject = self.short()

    def update(self, by, **fields):
        return services.project_update(
            project=Project.objects.get(pk=self.subject.pk),
            by=by,
            expected_version=self.subject.version,
            **fields,
        )

    def test_the_lead_updates_and_the_class_follows_the_new_dates(self):
        project = self.update(self.lead_a, ends_on=D(2027, 3, 31))
        project.refresh_from_db()
        self.assertEqual((project.cycle, project.version), (CycleClass.MEDIUM, 2))

    def test_another_teams_lead_an_executive_or_a_member_may_not_update(self):
        for user in [self.lead_b, self.other_supervisor, self.executive, self.member_a]:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.update(user, note="改")

    def test_S_PRJ_4_only_the_supervisor_or_an_admin_sets_review_weeks(self):
        with self.assertRaises(PermissionDenied):
            self.update(self.lead_a, review_weeks=4)
        self.update(self.lead_a, review_weeks=2, note="未改间隔")  # the same value passes
        self.subject.refresh_from_db()
        self.update(self.supervisor, review_weeks=4)
        self.subject.refresh_from_db()
        self.update(self.admin, review_weeks=6)
        self.assertEqual(Project.objects.get(pk=self.subject.pk).review_weeks, 6)

    def test_it_refuses_a_stale_edit(self):
        self.update(self.lead_a, note="第一次")
        with self.assertRaises(StaleEditError):
            self.update(self.supervisor, note="基于旧版本")
        self.assertEqual(Project.objects.get(pk=self.subject.pk).note, "第一次")


class MilestoneTests(ProjectsTestCase):
    def test_the_lead_adds_a_milestone_and_marks_it_done(self):
        project = self.short()
        milestone = services.project_milestone_add(
            by=self.lead_a, project=project, title="方案确认", due_on=day(13)
        )
        services.milestone_done(milestone=milestone, by=self.lead_a, done_on=day(12))
        milestone.refresh_from_db()
        self.assertEqual((milestone.project, milestone.done_on), (project, day(12)))

    def test_another_teams_lead_may_not_touch_them(self):
        project = self.short()
        with self.assertRaises(PermissionDenied):
            services.project_milestone_add(
                by=self.lead_b, project=project, title="x", due_on=day(13)
            )
        milestone = services.project_milestone_add(
            by=self.supervisor, project=project, title="方案确认", due_on=day(13)
        )
        with self.assertRaises(PermissionDenied):
            services.milestone_done(milestone=milestone, by=self.lead_b, done_on=day(12))


class SummaryTests(ProjectsTestCase):
    def write(self, project, date, by=None, **fields):
        fields = {
            "progress": "完成调研",
            "next_goal": "签约",
            "next_milestone": "方案确认",
            **fields,
        }
        return services.summary_write(by=by or self.lead_a, project=project, date=date, **fields)

    def test_S_PRJ_2_one_summary_a_day_written_again_replaces_it(self):
        project = self.short()
        self.write(project, day(3))
        self.write(project, day(3), progress="完成调研，约见客户", allocation="两人跟进")
        self.write(project, day(6))
        summaries = ProjectSummary.objects.filter(project=project)
        self.assertEqual([s.date for s in summaries], [day(6), day(3)])
        replaced = summaries.get(date=day(3))
        self.assertEqual(
            (replaced.progress, replaced.allocation, replaced.written_by),
            ("完成调研，约见客户", "两人跟进", self.lead_a),
        )

    def test_another_teams_lead_may_not_write_one(self):
        with self.assertRaises(PermissionDenied):
            self.write(self.short(), day(3), by=self.lead_b)


class HandoverTests(ProjectsTestCase):
    def setUp(self):
        self.subject = self.short()
        self.handover = services.handover_record(
            by=self.lead_a,
            project=self.subject,
            to_team=self.back_team,
            what="客户资料与报价",
            handed_on=day(3),
            to_person="钱峰",
        )

    def receive(self, by=None, next_goal="两周内完成安装"):
        return services.handover_receive(
            by=by or self.back_lead, handover=self.handover, received_on=day(4), next_goal=next_goal
        )

    def test_S_PRJ_2_the_front_records_a_hand_over_to_the_back_end(self):
        self.assertEqual(
            (self.handover.project, self.handover.to_team, self.handover.received_on),
            (self.subject, self.back_team, None),
        )
        with self.assertRaises(PermissionDenied):
            services.handover_record(
                by=self.lead_b,
                project=self.subject,
                to_team=self.back_team,
                what="x",
                handed_on=day(3),
            )

    def test_S_PRJ_2_the_back_ends_lead_receives_it_with_its_next_goal(self):
        self.receive(next_goal="  两周内完成安装 ")
        self.handover.refresh_from_db()
        self.assertEqual(
            (self.handover.received_on, self.handover.received_by, self.handover.next_goal),
            (day(4), self.back_lead, "两周内完成安装"),
        )

    def test_a_hand_over_is_received_once(self):
        self.receive()
        with self.assertRaises(ValidationError):
            self.receive(next_goal="再确认一次")
        self.handover.refresh_from_db()
        self.assertEqual(self.handover.next_goal, "两周内完成安装")

    def test_the_back_ends_next_goal_is_required(self):
        with self.assertRaises(ValidationError):
            self.receive(next_goal="  ")
        self.handover.refresh_from_db()
        self.assertIsNone(self.handover.received_on)

    def test_the_front_or_another_lead_may_not_receive_for_the_back_end(self):
        for user in [self.lead_a, self.lead_b, self.executive, self.member_a]:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.receive(by=user)

    def test_S_PRJ_2_a_supervisor_judges_the_allocation(self):
        services.handover_review(
            by=self.supervisor, handover=self.handover, ok=False, note=" 人手不够 "
        )
        self.handover.refresh_from_db()
        self.assertEqual(
            (self.handover.allocation_ok, self.handover.allocation_note), (False, "人手不够")
        )

    def test_only_a_supervisor_of_the_line_or_an_admin_reviews(self):
        for user in [self.lead_a, self.back_lead, self.executive, self.other_supervisor]:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.handover_review(by=user, handover=self.handover, ok=True, note="")
        services.handover_review(by=self.admin, handover=self.handover, ok=True, note="")
        self.handover.refresh_from_db()
        self.assertTrue(self.handover.allocation_ok)


class IndicatorTests(ProjectsTestCase):
    def setUp(self):
        self.subject = self.short()

    def test_S_PRJ_5_the_lead_sets_an_indicator_and_sets_it_again_by_name(self):
        services.indicator_set(
            by=self.lead_a, project=self.subject, name="有效通话", daily=Decimal(100)
        )
        indicator = services.indicator_set(
            by=self.lead_a,
            project=self.subject,
            name=" 有效通话 ",
            daily=Decimal(120),
            weekly=Decimal(600),
        )
        self.assertEqual(Indicator.objects.filter(project=self.subject).count(), 1)
        indicator.refresh_from_db()
        self.assertEqual((indicator.daily, indicator.weekly), (Decimal(120), Decimal(600)))

    def test_a_negative_target_is_refused_and_nothing_is_written(self):
        with self.assertRaises(ValidationError):
            services.indicator_set(
                by=self.lead_a, project=self.subject, name="有效通话", daily=Decimal(-5)
            )
        self.assertFalse(Indicator.objects.filter(project=self.subject).exists())

    def test_another_teams_lead_may_not_set_one(self):
        with self.assertRaises(PermissionDenied):
            services.indicator_set(by=self.lead_b, project=self.subject, name="有效通话")

    def test_S_PRJ_5_the_days_actuals_are_recorded_and_replaced(self):
        calls = self.indicator(self.subject, daily=100)
        visits = self.indicator(self.subject, name="上门拜访", daily=2)
        written = services.actuals_record(
            by=self.lead_a, project=self.subject, date=day(3), values={calls.pk: 90, visits.pk: 1}
        )
        services.actuals_record(
            by=self.lead_a, project=self.subject, date=day(3), values={calls.pk: 95}
        )
        self.assertEqual(written, 2)
        self.assertEqual(
            set(Actual.objects.values_list("indicator__name", "date", "value", "recorded_by")),
            {
                ("有效通话", day(3), Decimal(95), self.lead_a.pk),
                ("上门拜访", day(3), Decimal(1), self.lead_a.pk),
            },
        )

    def test_none_clears_a_days_actual(self):
        calls = self.indicator(self.subject, daily=100)
        self.actuals(calls, {day(3): 90, day(4): 80})
        written = services.actuals_record(
            by=self.lead_a, project=self.subject, date=day(3), values={calls.pk: None}
        )
        self.assertEqual(written, 0)
        self.assertEqual(list(calls.actuals.values_list("date", flat=True)), [day(4)])

    def test_an_indicator_of_another_project_is_refused_and_nothing_is_written(self):
        calls = self.indicator(self.subject, daily=100)
        other = self.indicator(self.short(), daily=100)
        with self.assertRaises(ValidationError):
            services.actuals_record(
                by=self.lead_a,
                project=self.subject,
                date=day(3),
                values={calls.pk: 90, other.pk: 50},
            )
        self.assertFalse(Actual.objects.exists())

    def test_a_negative_actual_is_refused(self):
        calls = self.indicator(self.subject, daily=100)
        with self.assertRaises(ValidationError):
            services.actuals_record(
                by=self.lead_a, project=self.subject, date=day(3), values={calls.pk: Decimal(-1)}
            )
        self.assertFalse(Actual.objects.exists())

    def test_another_teams_lead_may_not_record_actuals(self):
        calls = self.indicator(self.subject, daily=100)
        with self.assertRaises(PermissionDenied):
            services.actuals_record(
                by=self.lead_b, project=self.subject, date=day(3), values={calls.pk: 1}
            )
