"""The project pages through the test client, per role (issue 14)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from duban.projects.models import Actual, Indicator, Project, ProjectHandover
from tests.projects.base import ProjectsTestCase


class ListPageTests(ProjectsTestCase):
    def test_S_PRJ_1_counts_by_class_per_team_and_filters(self):
        self.short(name="短")
        self.medium(name="中")
        self.long(name="长")
        self.client.force_login(self.supervisor)
        page = self.client.get(reverse("projects:project_list"))
        counts = dict(page.context["counts"])
        self.assertEqual(counts[self.team_a], {"short": 1, "medium": 1, "long": 1})
        page = self.client.get(reverse("projects:project_list"), {"cycle": "long"})
        self.assertEqual([p.name for p, _risk, _new in page.context["rows"]], ["长"])
        for params in ({"cycle": "x"}, {"team": "abc"}, {"status": "<b>"}):
            with self.subTest(params):
                self.assertEqual(
                    self.client.get(reverse("projects:project_list"), params).status_code, 200
                )

    def test_another_line_sees_none_of_it(self):
        self.short(name="短")
        self.client.force_login(self.other_supervisor)
        page = self.client.get(reverse("projects:project_list"))
        self.assertEqual(page.context["rows"], [])


class ProjectPageTests(ProjectsTestCase):
    def test_S_PRJ_1_moving_the_end_date_re_classes_the_project(self):
        project = self.short(name="短")
        self.client.force_login(self.lead_a)
        page = self.client.get(project.get_absolute_url())
        form = page.context["form"]
        data = {f.name: f.value() for f in form if f.value() is not None and f.name != "team"}
        data["starts_on"] = project.starts_on.isoformat()
        data["ends_on"] = (project.starts_on + dt.timedelta(days=200)).isoformat()
        response = self.client.post(project.get_absolute_url(), data)
        self.assertEqual(response.status_code, 302)
        project.refresh_from_db()
        self.assertEqual(project.cycle, "long")

    def test_S_PRJ_5_actuals_are_entered_for_a_day_and_nonsense_refused(self):
        project = self.short(name="短", starts_on=timezone.localdate() - dt.timedelta(days=10))
        indicator = Indicator.objects.create(project=project, name="外呼量", daily=100)
        self.client.force_login(self.lead_a)
        url = reverse("projects:project_actuals", args=[project.pk])
        day = timezone.localdate().isoformat()
        self.client.post(url, {"date": day, f"i{indicator.pk}": "1,200"})
        self.assertEqual(Actual.objects.get().value, 1200)
        for bad in ("-5", "NaN", "abc", "1e30"):
            with self.subTest(bad):
                response = self.client.post(
                    url, {"date": day, f"i{indicator.pk}": bad}, follow=True
                )
                self.assertEqual(response.status_code, 200)
                self.assertEqual(Actual.objects.get().value, 1200)

    def test_S_PRJ_2_a_hand_over_is_received_by_the_back_end_with_its_next_goal(self):
        project = self.short(name="短")
        self.client.force_login(self.lead_a)
        self.client.post(
            reverse("projects:project_handover", args=[project.pk]),
            {
                "what": "首批客户",
                "to_team": self.back_team.pk,
                "handed_on": timezone.localdate().isoformat(),
            },
        )
        handover = ProjectHandover.objects.get()
        self.client.force_login(self.back_lead)
        self.assertEqual(self.client.get(project.get_absolute_url()).status_code, 200)
        self.client.post(
            reverse("projects:project_receive", args=[project.pk]),
            {"handover": handover.pk, "next_goal": "两周内开通"},
        )
        handover.refresh_from_db()
        self.assertEqual((handover.received_by, handover.next_goal), (self.back_lead, "两周内开通"))

    def test_a_milestone_or_hand_over_id_that_is_not_a_number_is_a_404(self):
        project = self.short(name="短")
        self.client.force_login(self.lead_a)
        for action, field in (("milestone_done", "milestone"), ("receive", "handover")):
            url = reverse(f"projects:project_{action}", args=[project.pk])
            for bad in ("x", "1.5", "-1", "9" * 30, "²", "\x00"):
                with self.subTest(action=action, value=bad):
                    response = self.client.post(url, {field: bad, "next_goal": "x"})
                    self.assertEqual(response.status_code, 404)

    def test_the_board_shows_new_projects_only(self):
        today = timezone.localdate()
        new = self.short(name="新", starts_on=today - dt.timedelta(days=3))
        self.long(name="老", starts_on=today - dt.timedelta(days=300))
        Indicator.objects.create(project=new, name="外呼量", daily=100, weekly=500)
        self.client.force_login(self.supervisor)
        rows = self.client.get(reverse("projects:indicator_board")).context["rows"]
        self.assertEqual([project for project, _cells in rows], [new])
        self.assertEqual(len(rows[0][1][0][1]), 3)  # day, week, month
        self.assertTrue(Project.objects.filter(name="老").exists())

    def test_the_cockpit_s_links_list_the_team_s_new_projects_and_their_board(self):
        from duban.core import figures

        today = timezone.localdate()
        new = self.short(name="新", starts_on=today - dt.timedelta(days=3))
        self.long(name="老", starts_on=today - dt.timedelta(days=300))
        Indicator.objects.create(project=new, name="外呼量", daily=100, weekly=500)
        self.client.force_login(self.supervisor)
        link = figures.FIGURES["prj_new"].link(self.team_a.pk, today)
        rows = self.client.get(link).context["rows"]
        self.assertEqual([project for project, _risk, _new in rows], [new])
        self.assertEqual(figures.compute([self.team_a.pk], today)[self.team_a.pk]["prj_new"], 1)
        board = reverse("projects:indicator_board")
        other = self.client.get(board, {"team": self.team_b.pk}).context["rows"]
        self.assertEqual(other, [])

    def test_S_PRJ_5_the_chart_adds_up_to_the_actuals_and_ends_at_the_projection(self):
        today = timezone.localdate()
        project = self.short(name="图", starts_on=today - dt.timedelta(days=40))
        indicator = Indicator.objects.create(project=project, name="外呼量", monthly=2000)
        from duban.core import calendar

        last = calendar.previous_workday(today)
        month_days = [d for d in calendar.workdays_between(last.replace(day=1), last)]
        for day in month_days:
            Actual.objects.create(indicator=indicator, date=day, value=50)
        self.client.force_login(self.lead_a)
        page = self.client.get(project.get_absolute_url())
        (_i, forecasts, chart, _id) = page.context["indicators"][0]
        done = [v for v in chart["series"][0]["data"] if v is not None]
        self.assertEqual(done[-1], 50 * len(month_days))
        month = forecasts[2]
        ahead = [v for v in chart["series"][2]["data"] if v is not None]
        if ahead:  # the month is not over
            self.assertAlmostEqual(ahead[-1], float(month.projected), places=0)
