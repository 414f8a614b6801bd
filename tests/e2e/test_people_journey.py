"""People in a browser: a lead records a leave on a phone → the staffing-plan demand is on the
lead's 我的待办 → the lead submits it → the supervisor approves it (issue 12, S-HR-3)."""

import datetime as dt

from django.utils import timezone

from duban.org.choices import EmployeeStatus
from duban.people.models import StaffChange
from duban.supervision.choices import PlanStatus
from duban.supervision.models import Plan
from tests.base import make_cast
from tests.e2e.browser import BrowserTestCase
from tests.e2e.test_plan_journey import click_label


class PeopleJourneyTests(BrowserTestCase):
    def setUp(self):
        self.cast = make_cast()

    def test_a_leave_demands_a_staffing_plan_that_is_submitted_and_approved(self):
        lead = self.sign_in(self.new_page(375, 740), "weisheng")  # a phone
        supervisor = self.sign_in(self.new_page(), "duban")
        today = timezone.localdate()

        lead.goto(self.live_server_url + "/people/changes/new/")
        lead.select_option("#id_kind", label="离职")
        lead.select_option("#id_employee", label="电销一组 · 小祁")
        lead.fill("#id_date", today.isoformat())
        lead.select_option("#id_reason", label="薪酬")
        lead.fill("#id_note", "家人在外地，回老家发展")
        lead.get_by_role("button", name="保存").click()
        lead.wait_for_selector("text=已向主管要人员计划")
        change = StaffChange.objects.get()
        assert change.employee.status == EmployeeStatus.LEFT
        self.screenshot(lead, "people-change-phone")

        lead.goto(self.live_server_url + "/supervision/todo/")
        lead.get_by_role("link", name="填写方案").first.click()
        lead.fill("#id_cause", "小祁离职，团队少一名电话销售")
        lead.fill("#id_measures", "本周发布招聘需求；横洲暂接小祁的资源")
        due = (today + dt.timedelta(days=10)).isoformat()
        lead.fill("#id_form-0-title", "新人到岗")
        lead.fill("#id_form-0-due_date", due)
        lead.get_by_role("button", name="提交方案").click()
        lead.wait_for_selector("text=方案已提交")

        plan = Plan.objects.get(matter=change.staffing_matter)
        supervisor.goto(self.live_server_url + change.get_absolute_url())
        supervisor.get_by_role("link", name=plan.matter.title).first.click()  # the plan
        click_label(supervisor, "通过")
        supervisor.get_by_role("button", name="提交审核").click()
        supervisor.wait_for_selector("text=方案已通过")
        plan.refresh_from_db()
        assert plan.status == PlanStatus.APPROVED
        self.screenshot(supervisor, "people-plan-approved")
