"""Organisation pages for each role: lists, detail, create and edit (issue 2)."""

from django.urls import reverse

from duban.org.models import Employee
from tests.base import BaseTestCase
from tests.core.test_versioned import form_data
from tests.factories import EmployeeFactory


class TeamPageTests(BaseTestCase):
    def test_the_team_list_groups_teams_by_line_with_headcount(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(reverse("org:team_list"))
        self.assertContains(response, "华东业务线")
        self.assertContains(response, "电销一组")
        self.assertNotContains(response, "电销四组")
        self.assertEqual([t.headcount for t in response.context["teams"]], [3, 1])

    def test_the_team_page_lists_members_the_viewer_may_see(self):
        self.client.force_login(self.lead_a)
        response = self.client.get(self.team_a.get_absolute_url())
        self.assertContains(response, "小祁")
        self.assertContains(response, "横洲")

    def test_team_pages_run_a_constant_number_of_queries(self):
        self.client.force_login(self.supervisor)
        EmployeeFactory.create_batch(20, team=self.team_a)
        with self.assertNumQueries(6):
            self.client.get(reverse("org:team_list"))
        self.client.force_login(self.admin)
        with self.assertNumQueries(5):
            self.client.get(reverse("home"))


class EmployeeListTests(BaseTestCase):
    def test_it_filters_by_team_status_and_name(self):
        self.client.force_login(self.supervisor)
        url = reverse("org:employee_list")
        response = self.client.get(url, {"team": self.team_b.pk})
        self.assertEqual([e.name for e in response.context["table"].data], ["周敏"])
        response = self.client.get(url, {"q": "小"})
        self.assertEqual([e.name for e in response.context["table"].data], ["小祁"])

    def test_the_team_headcount_links_to_exactly_the_rows_it_counts(self):
        EmployeeFactory(team=self.team_a, status="on_leave")
        EmployeeFactory(team=self.team_a, status="left", leave_date="2026-01-01")
        self.client.force_login(self.supervisor)
        team = self.client.get(reverse("org:team_list")).context["teams"][0]
        response = self.client.get(
            reverse("org:employee_list"), {"team": team.pk, "status": "current"}
        )
        self.assertEqual(len(response.context["table"].data), team.headcount)
        self.assertEqual(team.headcount, 4)

    def test_it_cannot_be_filtered_into_another_scope(self):
        self.client.force_login(self.lead_b)
        response = self.client.get(reverse("org:employee_list"), {"team": self.team_a.pk})
        self.assertEqual([e.name for e in response.context["table"].data], ["周敏"])
        self.assertContains(response, "选择一个有效的选项")

    def test_it_pages_fifty_rows_at_a_time_with_constant_queries(self):
        EmployeeFactory.create_batch(60, team=self.team_a)
        self.client.force_login(self.supervisor)
        with self.assertNumQueries(6):
            response = self.client.get(reverse("org:employee_list"))
        self.assertEqual(len(response.context["table"].page.object_list), 50)
        response = self.client.get(reverse("org:employee_list"), {"page": 2})
        self.assertEqual(len(response.context["table"].page.object_list), 14)

    def test_an_empty_result_says_so(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(reverse("org:employee_list"), {"q": "没有这个人"})
        self.assertContains(response, "没有符合条件的员工")


class EmployeeEditTests(BaseTestCase):
    def test_a_lead_adds_an_employee_to_their_team(self):
        self.client.force_login(self.lead_a)
        data = form_data(self.worker_a, name="新人", version="")
        response = self.client.post(reverse("org:employee_create"), data)
        employee = Employee.objects.get(name="新人")
        self.assertRedirects(response, employee.get_absolute_url())
        self.assertEqual(employee.team, self.team_a)

    def test_a_lead_cannot_add_to_another_team(self):
        self.client.force_login(self.lead_b)
        data = form_data(self.worker_a, name="新人", version="")
        response = self.client.post(reverse("org:employee_create"), data)
        self.assertContains(response, "选择一个有效的选项")
        self.assertFalse(Employee.objects.filter(name="新人").exists())

    def test_a_leaver_needs_a_leaving_date_said_in_chinese(self):
        self.client.force_login(self.lead_a)
        url = reverse("org:employee_edit", args=[self.worker_a.pk])
        response = self.client.post(url, form_data(self.worker_a, status="left"))
        self.assertContains(response, "状态为离职时必须填写离职日期")
        response = self.client.post(
            url, form_data(self.worker_a, status="left", leave_date="2020年1月1日")
        )
        self.assertContains(response, "离职日期不能早于入职日期")

    def test_chinese_dates_are_accepted(self):
        self.client.force_login(self.lead_a)
        url = reverse("org:employee_edit", args=[self.worker_a.pk])
        self.client.post(url, form_data(self.worker_a, hire_date="2024年3月5日"))
        self.assertEqual(str(Employee.objects.get(pk=self.worker_a.pk).hire_date), "2024-03-05")

    def test_the_detail_page_offers_edit_only_to_editors(self):
        url = self.worker_a.get_absolute_url()
        edit = reverse("org:employee_edit", args=[self.worker_a.pk])
        self.client.force_login(self.lead_a)
        self.assertContains(self.client.get(url), edit)
        self.client.force_login(self.executive)
        self.assertNotContains(self.client.get(url), edit)
