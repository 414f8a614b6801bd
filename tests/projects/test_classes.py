"""A project's cycle class comes from its dates (S-PRJ-1) and sets the working days it is
followed on: Tuesday and Friday up to three months (S-PRJ-2), the week's first working day up
to six (S-PRJ-3), every few weeks as the supervisor sets for a long one (S-PRJ-4). When the
class changes, the untouched future check-ins follow it."""

import datetime as dt

from duban.projects import services
from duban.projects.choices import CycleClass
from duban.projects.models import Project, Settings, add_months, cycle_class
from duban.projects.selectors import follow_up_days
from duban.supervision.choices import Area, Cadence, CheckInStatus, ScopeKind
from duban.supervision.models import CheckIn, FollowUpRule
from duban.supervision.registry import DEFAULT_RULES
from duban.supervision.tick import checkins_materialize
from tests.projects.base import MONDAY, D, ProjectsTestCase, day
from tests.supervision.factories import RuleFactory


class ClassBoundaryTests(ProjectsTestCase):
    def test_S_PRJ_1_exactly_three_months_is_short_and_a_day_more_is_medium(self):
        self.assertEqual(cycle_class(D(2026, 1, 15), D(2026, 4, 15)), CycleClass.SHORT)
        self.assertEqual(cycle_class(D(2026, 1, 15), D(2026, 4, 16)), CycleClass.MEDIUM)

    def test_S_PRJ_1_exactly_six_months_is_medium_and_a_day_more_is_long(self):
        self.assertEqual(cycle_class(D(2026, 1, 15), D(2026, 7, 15)), CycleClass.MEDIUM)
        self.assertEqual(cycle_class(D(2026, 1, 15), D(2026, 7, 16)), CycleClass.LONG)

    def test_a_one_day_project_is_short(self):
        self.assertEqual(cycle_class(MONDAY, MONDAY), CycleClass.SHORT)

    def test_three_months_from_a_month_end_ends_on_the_shorter_months_last_day(self):
        self.assertEqual(add_months(D(2026, 1, 31), 3), D(2026, 4, 30))
        self.assertEqual(cycle_class(D(2026, 1, 31), D(2026, 4, 30)), CycleClass.SHORT)
        self.assertEqual(cycle_class(D(2026, 1, 31), D(2026, 5, 1)), CycleClass.MEDIUM)

    def test_month_ends_across_the_year_and_in_february(self):
        self.assertEqual(add_months(D(2026, 11, 30), 3), D(2027, 2, 28))
        self.assertEqual(add_months(D(2027, 11, 30), 3), D(2028, 2, 29))  # leap year
        self.assertEqual(add_months(D(2026, 8, 31), 6), D(2027, 2, 28))
        self.assertEqual(add_months(D(2026, 12, 31), 6), D(2027, 6, 30))
        self.assertEqual(cycle_class(D(2026, 8, 31), D(2027, 2, 28)), CycleClass.MEDIUM)
        self.assertEqual(cycle_class(D(2026, 8, 31), D(2027, 3, 1)), CycleClass.LONG)

    def test_a_project_gets_its_class_when_it_is_created(self):
        self.assertEqual(self.short().cycle, CycleClass.SHORT)
        self.assertEqual(self.medium().cycle, CycleClass.MEDIUM)
        self.assertEqual(self.long().cycle, CycleClass.LONG)

    def test_the_class_is_recomputed_when_the_dates_change(self):
        project = self.short()
        project.ends_on = D(2027, 3, 31)
        project.save()
        project.refresh_from_db()
        self.assertEqual(project.cycle, CycleClass.MEDIUM)
        project.starts_on = D(2026, 9, 1)
        project.save(update_fields=["starts_on"])  # the class is written with the dates
        project.refresh_from_db()
        self.assertEqual(project.cycle, CycleClass.LONG)

    def test_new_until_counts_the_settings_weeks_from_the_start(self):
        self.assertEqual(self.short().new_until, MONDAY + dt.timedelta(weeks=8))
        Settings.objects.update_or_create(pk=1, defaults={"new_weeks": 4})
        project = self.short(starts_on=day(4))
        self.assertEqual(project.new_until, day(4) + dt.timedelta(weeks=4))
        self.assertFalse(project.is_new(day(3)))
        self.assertTrue(project.is_new(day(4)))
        self.assertTrue(project.is_new(day(4) + dt.timedelta(days=27)))
        self.assertFalse(project.is_new(day(4) + dt.timedelta(days=28)))


class FollowUpDayTests(ProjectsTestCase):
    def test_S_PRJ_2_a_short_project_is_followed_on_tuesdays_and_fridays(self):
        self.assertEqual(
            follow_up_days(self.short(), day(2), day(15)), [day(3), day(6), day(10), day(13)]
        )

    def test_S_PRJ_2_a_holiday_moves_the_day_to_the_next_working_day(self):
        project = self.short(starts_on=D(2026, 9, 1))
        # Friday 25 September rests (中秋): followed on Monday 28; Friday 2 and Tuesday 6
        # October rest (国庆): both are followed on Thursday 8
        self.assertEqual(
            follow_up_days(project, D(2026, 9, 28), D(2026, 10, 11)),
            [D(2026, 9, 28), D(2026, 9, 29), D(2026, 10, 8), D(2026, 10, 9)],
        )

    def test_S_PRJ_2_a_day_moved_by_a_holiday_can_land_on_a_make_up_sunday(self):
        project = self.short(starts_on=D(2025, 12, 1))
        # Friday 2 January 2026 rests (元旦); Sunday 4 January is worked (调休)
        self.assertEqual(
            follow_up_days(project, D(2025, 12, 29), D(2026, 1, 11)),
            [D(2025, 12, 30), D(2026, 1, 4), D(2026, 1, 6), D(2026, 1, 9)],
        )

    def test_S_PRJ_3_a_medium_project_is_followed_on_the_weeks_first_working_day(self):
        project = self.medium(starts_on=D(2026, 9, 1))
        self.assertEqual(
            follow_up_days(project, D(2026, 9, 28), D(2026, 10, 18)),
            [D(2026, 9, 28), D(2026, 10, 8), D(2026, 10, 12)],
        )

    def test_S_PRJ_3_the_first_working_day_after_the_spring_festival(self):
        project = self.medium(starts_on=D(2026, 1, 5))
        # 16 to 23 February rest: the week after the festival starts on Tuesday 24
        self.assertEqual(
            follow_up_days(project, D(2026, 2, 9), D(2026, 3, 8)),
            [D(2026, 2, 9), D(2026, 2, 24), D(2026, 3, 2)],
        )

    def test_S_PRJ_4_a_long_project_is_followed_every_review_weeks_from_its_start_week(self):
        project = self.long(review_weeks=2)
        self.assertEqual(
            follow_up_days(project, day(2), D(2026, 12, 13)), [day(2), day(16), day(30)]
        )
        project = self.long(starts_on=day(4), review_weeks=3)  # a Wednesday: its week counts
        self.assertEqual(
            follow_up_days(project, day(4), D(2026, 12, 31)), [day(23), D(2026, 12, 14)]
        )

    def test_S_PRJ_4_a_long_projects_follow_up_in_a_holiday_week_moves_and_is_kept(self):
        project = self.long(starts_on=D(2026, 2, 2), review_weeks=2)
        # its second follow-up falls in the Spring Festival week (16 to 22 February, all rest):
        # it moves to the next working day, Tuesday 24, and is not dropped
        self.assertEqual(
            follow_up_days(project, D(2026, 2, 2), D(2026, 3, 8)),
            [D(2026, 2, 2), D(2026, 2, 24), D(2026, 3, 2)],
        )


class ReTieringTests(ProjectsTestCase):
    """The seed's rule follows every project on its class's days (migration 0002)."""

    def setUp(self):
        self.rules = FollowUpRule.objects.filter(subject_kind="projects.project")
        CheckIn.objects.all().delete()

    def follow_up_dates(self, project):
        return sorted(CheckIn.objects.filter(subject_id=project.pk).values_list("date", flat=True))

    def test_S_PRJ_2_the_seed_rule_follows_every_project(self):
        rule = self.rules.get()
        self.assertEqual(
            (rule.area, rule.scope, rule.seed_ref, rule.is_active),
            (Area.PROJECTS, ScopeKind.ALL, "S-PRJ-2", True),
        )

    def test_the_areas_default_rule_is_the_one_the_migration_made(self):
        declared = [r for r in DEFAULT_RULES if r["subject_kind"] == "projects.project"]
        rule = self.rules.get()
        self.assertEqual(
            declared,
            [
                {
                    "area": rule.area,
                    "title": rule.title,
                    "cadence": rule.cadence,
                    "seed_ref": rule.seed_ref,
                    "subject_kind": rule.subject_kind,
                }
            ],
        )

    def test_S_PRJ_2_check_ins_fall_on_the_class_days_with_the_projects_lead(self):
        project = self.short()
        checkins_materialize(today=day(2), rules=self.rules)
        self.assertEqual(self.follow_up_dates(project), [day(3), day(6), day(10), day(13)])
        checkin = CheckIn.objects.filter(subject_id=project.pk).first()
        self.assertEqual(
            (checkin.subject, checkin.team, checkin.lead, checkin.area),
            (project, self.team_a, self.lead_a, Area.PROJECTS),
        )

    def test_a_new_end_date_moves_the_untouched_future_check_ins_to_the_new_class(self):
        project = self.short(starts_on=D(2026, 10, 26))
        checkins_materialize(today=D(2026, 10, 26), rules=self.rules)
        self.assertEqual(
            self.follow_up_dates(project), [D(2026, 10, 27), D(2026, 10, 30), day(3), day(6)]
        )
        CheckIn.objects.filter(date=D(2026, 10, 27)).update(
            status=CheckInStatus.DONE, findings="已沟通"
        )
        project.ends_on = D(2027, 3, 31)  # now three to six months: weekly
        project.save()
        self.assertEqual(project.cycle, CycleClass.MEDIUM)

        checkins_materialize(today=day(4), rules=self.rules)
        # the past stays as it was (done or not); Friday 6 goes; Mondays 9 and 16 come
        self.assertEqual(
            self.follow_up_dates(project),
            [D(2026, 10, 27), D(2026, 10, 30), day(3), day(9), day(16)],
        )
        done = CheckIn.objects.get(subject_id=project.pk, date=D(2026, 10, 27))
        self.assertEqual((done.status, done.findings), (CheckInStatus.DONE, "已沟通"))

    def test_a_future_check_in_with_notes_stays_when_the_class_changes(self):
        project = self.medium()
        services.replan(today=day(2))
        self.assertEqual(self.follow_up_dates(project), [day(2), day(9), day(16)])
        CheckIn.objects.filter(date=day(9)).update(findings="约好周一沟通")
        project.ends_on = D(2026, 12, 31)  # now short: Tuesdays and Fridays
        project.save()
        services.replan(today=day(4))
        self.assertEqual(
            self.follow_up_dates(project),
            [day(2), day(6), day(9), day(10), day(13), day(17)],
        )

    def test_a_team_rule_follows_only_its_teams_projects(self):
        rule = RuleFactory(
            area=Area.PROJECTS,
            cadence=Cadence.WEEKLY,
            scope=ScopeKind.TEAM,
            team=self.team_a,
            subject_kind="projects.project",
            owner=self.supervisor,
        )
        ours = self.short()
        theirs = self.short(name="二组项目", team=self.team_b, lead=self.lead_b)
        checkins_materialize(today=day(2), rules=FollowUpRule.objects.filter(pk=rule.pk))
        self.assertEqual(self.follow_up_dates(ours), [day(3), day(6), day(10), day(13)])
        self.assertEqual(self.follow_up_dates(theirs), [])

    def test_a_project_is_followed_from_its_start(self):
        project = self.medium(starts_on=day(11))
        checkins_materialize(today=day(2), rules=self.rules)
        self.assertEqual(self.follow_up_dates(project), [day(16)])

    def test_a_project_no_longer_active_loses_its_future_check_ins(self):
        project = self.short()
        checkins_materialize(today=day(2), rules=self.rules)
        Project.objects.filter(pk=project.pk).update(status="done")
        checkins_materialize(today=day(4), rules=self.rules)
        self.assertEqual(self.follow_up_dates(project), [day(3)])
