"""A stale edit is refused with a clear Chinese message; nothing is overwritten (issue 2)."""

from django.test import Client
from django.urls import reverse

from duban.core.services import StaleEditError, save_versioned
from duban.org.models import Employee
from tests.base import BaseTestCase


def form_data(employee, **changes):
    data = {
        "name": employee.name,
        "team": employee.team_id,
        "position": employee.position,
        "post": employee.post,
        "status": employee.status,
        "hire_date": employee.hire_date.isoformat(),
        "leave_date": "",
        "daily_capacity": employee.daily_capacity,
        "phone": employee.phone,
        "version": employee.version,
    }
    data.update(changes)
    return data


class SaveVersionedTests(BaseTestCase):
    def test_it_bumps_the_version(self):
        employee = Employee.objects.get(pk=self.worker_a.pk)
        employee.daily_capacity = 150
        save_versioned(employee, expected_version=1)
        employee.refresh_from_db()
        self.assertEqual((employee.version, employee.daily_capacity), (2, 150))

    def test_it_refuses_a_stale_edit(self):
        first = Employee.objects.get(pk=self.worker_a.pk)
        second = Employee.objects.get(pk=self.worker_a.pk)
        first.daily_capacity = 150
        save_versioned(first, expected_version=1)
        second.daily_capacity = 60
        with self.assertRaises(StaleEditError) as caught:
            save_versioned(second, expected_version=1)
        self.assertIn("已被他人修改", str(caught.exception))
        self.assertEqual(Employee.objects.get(pk=self.worker_a.pk).daily_capacity, 150)


class TwoBrowserEditTests(BaseTestCase):
    def test_it_refuses_a_stale_edit_from_a_second_browser(self):
        url = reverse("org:employee_edit", args=[self.worker_a.pk])
        supervisor, lead = Client(), Client()
        supervisor.force_login(self.supervisor)
        lead.force_login(self.lead_a)
        self.assertEqual(supervisor.get(url).status_code, 200)
        self.assertEqual(lead.get(url).status_code, 200)  # both load version 1

        loaded = Employee.objects.get(pk=self.worker_a.pk)
        response = supervisor.post(url, form_data(loaded, daily_capacity=150))
        self.assertRedirects(response, reverse("org:employee_detail", args=[loaded.pk]))

        response = lead.post(url, form_data(loaded, daily_capacity=60))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "已被 刘婷")
        self.assertContains(response, "请刷新页面")
        self.assertEqual(Employee.objects.get(pk=loaded.pk).daily_capacity, 150)

    def test_an_edit_without_a_version_is_refused(self):
        self.client.force_login(self.lead_a)
        url = reverse("org:employee_edit", args=[self.worker_a.pk])
        response = self.client.post(url, form_data(self.worker_a, version=""))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Employee.objects.get(pk=self.worker_a.pk).version, 1)

    def test_admin_edits_are_version_checked_too(self):
        self.client.force_login(self.admin)
        url = reverse("admin:org_employee_change", args=[self.worker_a.pk])
        data = form_data(self.worker_a, daily_capacity=90)
        data.pop("leave_date")
        data.update({"user": "", "leave_date": "", "_save": "1"})
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Employee.objects.get(pk=self.worker_a.pk).version, 2)
        response = self.client.post(url, data)  # same form again: version 1 is stale now
        self.assertContains(response, "已被")
        self.assertEqual(Employee.objects.get(pk=self.worker_a.pk).daily_capacity, 90)
