"""Staff changes (S-HR-3): applied to the employee, and each demands the lead's plans once."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError

from duban.org.choices import EmployeeStatus, Post
from duban.org.models import Employee
from duban.people import services
from duban.people.choices import ChangeKind, LeaveReason
from duban.people.models import StaffChange
from duban.supervision.choices import Area, PlanStatus
from duban.supervision.models import Plan
from tests.base import BaseTestCase

TODAY = dt.date(2026, 12, 1)


def record(by, **fields):
    fields.setdefault("date", TODAY)
    return services.change_record(by=by, today=TODAY, **fields)


class ChangeTests(BaseTestCase):
    def test_S_HR_3_a_leave_demands_a_staffing_plan_from_the_lead_once(self):
        change = record(
            self.lead_a, kind=ChangeKind.LEAVE, employee=self.worker_a, reason=LeaveReason.PAY
        )
        self.worker_a.refresh_from_db()
        self.assertEqual(
            (self.worker_a.status, self.worker_a.leave_date), (EmployeeStatus.LEFT, TODAY)
        )
        plan = Plan.objects.get(matter=change.staffing_matter)
        self.assertEqual((plan.lead, plan.status), (self.lead_a, PlanStatus.DEMANDED))
        self.assertEqual(change.staffing_matter.area, Area.PEOPLE)
        self.assertEqual(change.staffing_matter.subject, change)
        self.assertIsNone(change.training_matter)  # a leave brings no one to train
        self.assertTrue(plan.auto_rule)
        self.assertGreater(plan.submit_by, TODAY)
        services.demand_plans(change, today=TODAY)  # again: nothing more
        self.assertEqual(Plan.objects.filter(matter__area=Area.PEOPLE).count(), 1)

    def test_S_HR_3_a_join_adds_the_employee_and_demands_a_training_plan_too(self):
        change = record(
            self.lead_a, kind=ChangeKind.JOIN, name="新人甲", team=self.team_a, post=Post.TRAINEE
        )
        person = Employee.objects.get(name="新人甲")
        self.assertEqual(
            (person.team, person.hire_date, person.status),
            (self.team_a, TODAY, EmployeeStatus.PROBATION),
        )
        self.assertEqual(change.employee, person)
        titles = sorted(m.title for m in (change.staffing_matter, change.training_matter))
        self.assertTrue(titles[0].startswith("人员计划") and titles[1].startswith("培训方案"))
        self.assertEqual(Plan.objects.filter(matter__area=Area.PEOPLE).count(), 2)

    def test_a_transfer_asks_the_losing_lead_for_staffing_and_the_receiving_for_training(self):
        change = record(
            self.supervisor, kind=ChangeKind.TRANSFER, employee=self.worker_a, team=self.team_b
        )
        self.worker_a.refresh_from_db()
        self.assertEqual(self.worker_a.team, self.team_b)
        self.assertEqual((change.from_team, change.team), (self.team_a, self.team_b))
        self.assertEqual(Plan.objects.get(matter=change.staffing_matter).lead, self.lead_a)
        self.assertEqual(Plan.objects.get(matter=change.training_matter).lead, self.lead_b)

    def test_a_lead_records_changes_of_their_teams_only(self):
        with self.assertRaises(PermissionDenied):
            record(self.lead_b, kind=ChangeKind.LEAVE, employee=self.worker_a, reason="pay")
        with self.assertRaises(PermissionDenied):  # moving someone into a team not theirs
            record(self.lead_a, kind=ChangeKind.TRANSFER, employee=self.worker_a, team=self.team_c)
        with self.assertRaises(PermissionDenied):
            record(self.executive, kind=ChangeKind.LONG_LEAVE, employee=self.worker_a)
        self.assertFalse(StaffChange.objects.exists())

    def test_impossible_changes_are_refused_and_change_nothing(self):
        cases = [
            {"kind": ChangeKind.TRANSFER, "employee": self.worker_a, "team": self.team_a},
            {"kind": ChangeKind.POST, "employee": self.worker_a, "post": self.worker_a.post},
            {"kind": ChangeKind.RETURN, "employee": self.worker_a},
            {"kind": ChangeKind.LEAVE, "employee": self.worker_a, "date": dt.date(2020, 1, 1)},
            {"kind": ChangeKind.JOIN, "name": " ", "team": self.team_a},
        ]
        for fields in cases:
            with self.subTest(fields["kind"]), self.assertRaises(ValidationError):
                record(self.lead_a, **fields)
        record(self.lead_a, kind=ChangeKind.LEAVE, employee=self.worker_a, reason="pay")
        with self.assertRaises(ValidationError):  # already left
            record(self.lead_a, kind=ChangeKind.LONG_LEAVE, employee=self.worker_a)
        self.assertEqual(StaffChange.objects.count(), 1)

    def test_long_leave_and_return(self):
        record(
            self.lead_a,
            kind=ChangeKind.LONG_LEAVE,
            employee=self.worker_a,
            until=dt.date(2027, 1, 4),
        )
        self.worker_a.refresh_from_db()
        self.assertEqual(self.worker_a.status, EmployeeStatus.ON_LEAVE)
        record(
            self.lead_a, kind=ChangeKind.RETURN, employee=self.worker_a, date=dt.date(2026, 12, 2)
        )
        self.worker_a.refresh_from_db()
        self.assertEqual(self.worker_a.status, EmployeeStatus.ACTIVE)

    def test_a_team_without_a_lead_gets_no_plan_and_the_change_is_kept(self):
        self.team_c.leads.clear()
        change = record(self.admin, kind=ChangeKind.LEAVE, employee=self.worker_c, reason="other")
        self.assertIsNone(change.staffing_matter)
