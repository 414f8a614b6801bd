"""Projects in a browser: a new project's indicator falls behind → a risk → the lead's plan →
its milestone done → verified as landed (issue 14, S-PRJ-5)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from duban.core import calendar
from duban.projects.models import Actual, Indicator, Project
from duban.supervision.choices import PlanStatus
from duban.supervision.models import Plan, Risk
from duban.supervision.tick import plans_autodemand, risks_sync
from tests.base import make_cast
from tests.e2e.browser import BrowserTestCase
from tests.e2e.test_plan_journey import click_label


class ProjectsJourneyTests(BrowserTestCase):
    def setUp(self):
        self.cast = make_cast()

    def test_an_indicator_behind_to_a_landed_plan(self):
        today = timezone.localdate()
        start = calendar.subtract_workdays(today, 6)
        lead = self.sign_in(self.new_page(), "weisheng")
        lead.goto(self.live_server_url + "/projects/new/")
        lead.fill("#id_name", "企业邮箱新项目")
        lead.select_option("#id_team", label="电销一组")
        lead.fill("#id_starts_on", start.isoformat())
        lead.fill("#id_ends_on", (start + dt.timedelta(days=60)).isoformat())
        lead.get_by_role("button", name="保存").click()
        lead.wait_for_selector("text=项目已建立")
        project = Project.objects.get()
        assert project.cycle == "short"

        lead.locator("summary", has_text="设定指标").click()
        lead.fill("#id_name", "外呼量")
        lead.fill("#id_daily", "100")
        lead.fill("#id_weekly", "500")
        lead.get_by_role("button", name="保存指标").click()
        lead.wait_for_selector("text=指标已保存")
        indicator = Indicator.objects.get()
        for day in calendar.workdays_between(start, calendar.previous_workday(today)):
            Actual.objects.create(indicator=indicator, date=day, value=40)  # far behind

        risks_sync(today=today)
        risk = Risk.objects.get(key=f"prj-indicator:project:{project.pk}")
        plans_autodemand(today=calendar.next_workday(today))
        plan = Plan.objects.get(risk=risk)

        due = (today + dt.timedelta(days=5)).isoformat()
        lead.goto(self.live_server_url + "/supervision/todo/")
        assert plan.get_absolute_url() in lead.content()  # on 我的待办, among others
        lead.goto(self.live_server_url + reverse("supervision:plan_submit", args=[plan.pk]))
        lead.fill("#id_cause", "新名单质量差，接通率低")
        lead.fill("#id_measures", "换一批名单，加两人外呼")
        lead.fill("#id_form-0-title", "新名单到位")
        lead.fill("#id_form-0-due_date", due)
        lead.get_by_role("button", name="提交方案").click()
        lead.wait_for_selector("text=方案已提交")

        supervisor = self.sign_in(self.new_page(), "duban")
        supervisor.goto(self.live_server_url + plan.get_absolute_url())
        click_label(supervisor, "通过")
        supervisor.get_by_role("button", name="提交审核").click()
        supervisor.wait_for_selector("text=方案已通过")

        lead.goto(self.live_server_url + plan.get_absolute_url())
        lead.locator("summary", has_text="确认完成").first.click()
        form = lead.locator("form:visible", has=lead.locator("textarea")).first
        form.locator("textarea").fill("新名单已导入")
        form.get_by_role("button", name="确认完成").click()
        lead.wait_for_selector("text=节点已确认完成")

        supervisor.reload()
        click_label(supervisor, "已落地")
        supervisor.get_by_role("button", name="提交结论").click()
        supervisor.wait_for_selector("#plan-status:has-text('已落地')")
        plan.refresh_from_db()
        assert plan.status == PlanStatus.LANDED
        supervisor.goto(self.live_server_url + project.get_absolute_url())
        self.screenshot(supervisor, "project-page")
