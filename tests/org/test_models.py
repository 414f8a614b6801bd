import datetime as dt

from django.db import IntegrityError, transaction

from duban.org.choices import EmployeeStatus, Role
from duban.org.models import Employee, User
from tests.base import BaseTestCase


class EmployeeConstraintTests(BaseTestCase):
    def test_it_refuses_leaving_before_being_hired(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Employee.objects.filter(pk=self.worker_a.pk).update(leave_date=dt.date(2020, 1, 1))

    def test_it_refuses_a_leaver_without_a_leaving_date(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Employee.objects.filter(pk=self.worker_a.pk).update(status=EmployeeStatus.LEFT)

    def test_current_staff_excludes_leavers(self):
        Employee.objects.filter(pk=self.worker_a.pk).update(
            status=EmployeeStatus.LEFT, leave_date=dt.date(2026, 6, 1)
        )
        self.assertNotIn(self.worker_a, Employee.objects.current())


class UserTests(BaseTestCase):
    def test_createsuperuser_makes_an_admin(self):
        user = User.objects.create_superuser("root", password="pw")
        self.assertEqual(user.role, Role.ADMIN)

    def test_display_name_falls_back_to_the_username(self):
        self.assertEqual(User(username="zhang").display_name, "zhang")
        self.assertEqual(self.lead_a.display_name, "维盛")


class HistoryTests(BaseTestCase):
    def test_a_change_is_recorded_with_who_and_what(self):
        self.client.force_login(self.lead_a)
        employee = Employee.objects.get(pk=self.worker_a.pk)
        from tests.core.test_versioned import form_data

        self.client.post(
            f"/org/employees/{employee.pk}/edit/",
            form_data(employee, status=EmployeeStatus.ON_LEAVE, daily_capacity=80),
        )
        response = self.client.get(employee.get_absolute_url())
        self.assertContains(response, "维盛 · 修改")
        self.assertContains(response, "状态：")
        self.assertContains(response, "休假")
        self.assertContains(response, "日呼叫量：")

    def test_team_lead_changes_show_names_on_the_team_page(self):
        self.team_a.leads.add(self.lead_b)
        self.team_a.save()
        self.client.force_login(self.supervisor)
        response = self.client.get(self.team_a.get_absolute_url())
        self.assertContains(response, "修改记录")
        self.assertContains(response, "主管：")
        self.assertContains(response, "王立霞")

    def test_line_changes_show_on_the_line_page(self):
        self.line_1.supervisors.add(self.other_supervisor)
        self.line_1.save()
        self.client.force_login(self.executive)
        response = self.client.get(self.line_1.get_absolute_url())
        self.assertContains(response, "督办：")
        self.assertContains(response, "孙悦")
        self.assertContains(response, "电销一组")

    def test_times_in_history_are_shown_in_shanghai_time(self):
        import datetime as dt

        from django.utils import timezone

        from duban.core.history import history_of
        from duban.supervision.models import Matter

        matter = Matter.objects.get(pk=self.matter_a.pk)
        matter.closed_at = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
        matter.save()
        change = next(c for c in history_of(matter)[0].changes if c.field == "关闭时间")
        self.assertEqual(change.new, "2026-03-02 09:30")
        self.assertTrue(timezone.is_aware(matter.closed_at))
