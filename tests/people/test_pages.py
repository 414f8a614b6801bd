"""The people pages through the test client, per role: what each sees and may do (issue 12)."""

import datetime as dt

from django.urls import reverse

from duban.org.choices import EmployeeStatus, Post
from duban.people.choices import Sentiment
from duban.people.models import HeadcountPlan, RelationNote, StaffChange, Talk
from duban.supervision.models import Plan
from tests.base import BaseTestCase


class StructurePageTests(BaseTestCase):
    def test_plan_against_actual_by_team_and_one_team_over_time(self):
        HeadcountPlan.objects.create(
            team=self.team_a, post=Post.JUNIOR, count=4, effective_from=dt.date(2026, 1, 1)
        )
        self.client.force_login(self.supervisor)
        page = self.client.get(reverse("people:structure"))
        self.assertContains(page, "电销一组")
        self.assertContains(page, "电销二组")
        self.assertNotContains(page, "电销四组")  # another line's
        row = next(r for r, _cost in page.context["rows"] if r.team == self.team_a)
        self.assertEqual((row.total, row.gap), (3, -2))
        page = self.client.get(reverse("people:structure"), {"team": self.team_a.pk})
        chart = page.context["chart"]
        self.assertEqual(len(chart["categories"]), len(chart["series"][0]["data"]))
        self.assertEqual(chart["series"][0]["data"][-1], 3)
        self.assertContains(page, "小祁")

    def test_nonsense_parameters_are_ignored(self):
        self.client.force_login(self.lead_a)
        for params in ({"team": "abc"}, {"team": "-1"}, {"team": self.team_c.pk}):
            with self.subTest(params):
                page = self.client.get(reverse("people:structure"), params)
                self.assertEqual(page.status_code, 200)
                self.assertIsNone(page.context["team"])
        page = self.client.get(reverse("people:talks"), {"month": "9999-99"})
        self.assertEqual(page.status_code, 200)
        page = self.client.get(reverse("people:training_list"), {"month": "x"})
        self.assertEqual(page.status_code, 200)

    def test_a_supervisor_sets_the_headcount_a_lead_may_not(self):
        url = reverse("people:structure_plan", args=[self.team_a.pk])
        data = {"post": Post.SENIOR, "count": 2, "effective_from": "2026-12-01"}
        self.client.force_login(self.lead_a)
        self.assertEqual(self.client.post(url, data).status_code, 403)
        self.client.force_login(self.supervisor)
        self.client.post(url, data)
        self.assertEqual(HeadcountPlan.objects.get(team=self.team_a, post=Post.SENIOR).count, 2)
        self.client.post(url, {**data, "count": -3})  # refused, said
        self.assertEqual(HeadcountPlan.objects.get(team=self.team_a, post=Post.SENIOR).count, 2)


class ChangePageTests(BaseTestCase):
    def test_S_HR_3_a_lead_records_a_leave_and_is_asked_for_a_staffing_plan(self):
        self.client.force_login(self.lead_a)
        response = self.client.post(
            reverse("people:change_new"),
            {"kind": "leave", "employee": self.worker_a.pk, "date": "2026-11-30", "reason": "pay"},
        )
        change = StaffChange.objects.get()
        self.assertRedirects(response, change.get_absolute_url())
        self.worker_a.refresh_from_db()
        self.assertEqual(self.worker_a.status, EmployeeStatus.LEFT)
        plan = Plan.objects.get(matter=change.staffing_matter)
        todo = self.client.get(reverse("supervision:todo"))
        self.assertContains(todo, plan.get_absolute_url())
        page = self.client.get(change.get_absolute_url())
        self.assertContains(page, plan.get_absolute_url())

    def test_a_form_missing_what_the_change_needs_says_so(self):
        self.client.force_login(self.lead_a)
        for data, field in (
            ({"kind": "leave", "employee": self.worker_a.pk, "date": "2026-11-30"}, "reason"),
            ({"kind": "join", "date": "2026-11-30", "team": self.team_a.pk}, "name"),
            ({"kind": "transfer", "employee": self.worker_a.pk, "date": "2026-11-30"}, "team"),
            ({"kind": "leave", "employee": self.worker_a.pk, "date": "0026-11-30"}, "date"),
        ):
            with self.subTest(field):
                page = self.client.post(
                    reverse("people:change_new"), {**data, "reason": data.get("reason", "")}
                )
                self.assertEqual(page.status_code, 200)
                self.assertIn(field, page.context["form"].errors)
        self.assertFalse(StaffChange.objects.exists())

    def test_a_lead_cannot_pick_another_team_s_employee(self):
        self.client.force_login(self.lead_a)
        page = self.client.post(
            reverse("people:change_new"),
            {"kind": "leave", "employee": self.worker_b.pk, "date": "2026-11-30", "reason": "pay"},
        )
        self.assertIn("employee", page.context["form"].errors)


class TrainingPageTests(BaseTestCase):
    def test_a_lead_enters_results_and_the_pass_rate_shows(self):
        self.client.force_login(self.lead_a)
        url = self.training_a.get_absolute_url()
        row = self.training_a.results.get()
        response = self.client.post(
            url,
            {f"r{row.pk}-score": "45", f"r{row.pk}-passed": "unknown", f"r{row.pk}-uptake": "2"},
        )
        self.assertRedirects(response, url)
        page = self.client.get(url)
        self.assertEqual(page.context["figures"].pass_rate, 0)
        self.assertTrue(page.context["below_bar"])
        self.assertContains(page, "记录二次培训")

    def test_a_score_out_of_range_is_refused_with_the_field_named(self):
        self.client.force_login(self.lead_a)
        row = self.training_a.results.get()
        page = self.client.post(self.training_a.get_absolute_url(), {f"r{row.pk}-score": "180"})
        self.assertEqual(page.status_code, 200)
        row.refresh_from_db()
        self.assertIsNone(row.score)

    def test_a_member_sees_their_own_result_only_and_cannot_post(self):
        from duban.people.models import TrainingResult

        TrainingResult.objects.create(training=self.training_a, employee=self.member_a_employee)
        self.client.force_login(self.member_a)
        page = self.client.get(self.training_a.get_absolute_url())
        self.assertContains(page, "横洲")
        self.assertNotContains(page, "小祁")
        self.assertEqual(self.client.post(self.training_a.get_absolute_url(), {}).status_code, 403)

    def test_a_member_who_did_not_attend_gets_404(self):
        self.client.force_login(self.member_a)
        self.assertEqual(self.client.get(self.training_a.get_absolute_url()).status_code, 404)


class EmployeePageTests(BaseTestCase):
    def setUp(self):
        RelationNote.objects.create(
            employee=self.member_a_employee,
            noted_on=dt.date(2026, 11, 30),
            kind="reporting",
            sentiment=Sentiment.CONCERN,
            note="日报不交",
        )
        Talk.objects.create(
            employee=self.member_a_employee,
            lead=self.lead_a,
            month=dt.date(2026, 11, 1),
            held_on=dt.date(2026, 11, 20),
            state="good",
            problems="想转岗",
        )

    def test_S_HR_7_notes_are_seen_by_the_lead_and_supervisors_only(self):
        url = reverse("people:employee", args=[self.member_a_employee.pk])
        for user, sees in (
            (self.lead_a, True),
            (self.supervisor, True),
            (self.admin, True),
            (self.executive, False),
            (self.member_a, False),  # not even about himself
        ):
            with self.subTest(user.username):
                self.client.force_login(user)
                page = self.client.get(url)
                self.assertEqual(page.status_code, 200)
                self.assertEqual("日报不交" in page.content.decode(), sees)

    def test_a_member_sees_their_own_talks_and_trainings(self):
        self.client.force_login(self.member_a)
        page = self.client.get(reverse("people:mine"), follow=True)
        self.assertContains(page, "想转岗")
        self.assertEqual(page.context["person"], self.member_a_employee)

    def test_a_peer_and_another_team_s_lead_get_404(self):
        url = reverse("people:employee", args=[self.member_a_employee.pk])
        self.client.force_login(self.lead_b)
        self.assertEqual(self.client.get(url).status_code, 404)


class TalkPageTests(BaseTestCase):
    def test_S_HR_5_coverage_and_missing_names_with_a_link_to_record(self):
        self.client.force_login(self.lead_a)
        page = self.client.get(reverse("people:talks"), {"month": "2026-11"})
        row, best = page.context["rows"][0]
        self.assertEqual(row.percent, 0)
        self.assertIsNone(best)
        self.assertContains(page, f"?employee={self.worker_a.pk}")
        response = self.client.post(
            reverse("people:talk_new"),
            {"employee": self.worker_a.pk, "held_on": "2026-11-28", "state": "normal"},
        )
        self.assertEqual(response.status_code, 302)
        page = self.client.get(reverse("people:talks"), {"month": "2026-11"})
        self.assertEqual(page.context["rows"][0][0].percent, 50)
