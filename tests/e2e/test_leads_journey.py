"""Sales leads in a browser: a back-end request → the front lead agrees a target → the day's
task arranged and its result collected on a phone → too few leads delivered: a shortfall risk →
the lead is asked for a plan (issue 13, S-LEAD-1/2/3)."""

from django.utils import timezone

from duban.core import calendar
from duban.leads.models import LeadRequest, LeadTask, SalesLead
from duban.supervision.models import Plan, Risk
from duban.supervision.tick import plans_autodemand, risks_sync
from tests.base import make_cast
from tests.e2e.browser import BrowserTestCase
from tests.factories import TeamFactory, UserFactory


class LeadsJourneyTests(BrowserTestCase):
    def setUp(self):
        self.cast = make_cast()
        self.back = TeamFactory(name="合作一组", kind="back", line=self.cast.line_1)
        self.back.leads.add(UserFactory(username="zhaolan", name="赵岚", role="lead"))

    def test_from_a_request_to_a_demanded_plan(self):
        today = timezone.localdate()
        start = calendar.subtract_workdays(today, 6)
        target = calendar.add_workdays(today, 10)
        back = self.sign_in(self.new_page(), "zhaolan")
        back.goto(self.live_server_url + "/leads/requests/new/")
        back.select_option("#id_back_team", label="合作一组")
        back.select_option("#id_team", label="电销一组")
        back.fill("#id_kind", "企业宽带新装")
        back.fill("#id_quantity", "40")
        back.fill("#id_deadline", target.isoformat())
        back.get_by_role("button", name="保存").click()
        back.wait_for_selector("text=需求已提出")
        request = LeadRequest.objects.get()

        lead = self.sign_in(self.new_page(375, 800), "weisheng")  # on a phone
        lead.goto(self.live_server_url + request.get_absolute_url())
        lead.fill("#id_accepted", "40")
        lead.fill("#id_starts_on", start.isoformat())
        lead.fill("#id_target_on", target.isoformat())
        lead.fill("#id_milestones", f"{target.isoformat()} 全部交付 40")
        lead.get_by_role("button", name="确定目标").click()
        lead.wait_for_selector("text=目标已确定")
        request.refresh_from_db()
        assert (request.status, request.accepted) == ("agreed", 40)

        lead.goto(self.live_server_url + f"/leads/tasks/?team={self.cast.team_a.pk}")
        lead.select_option("#id_assignee", label="小祁")
        lead.fill("#id_work", "新名单首呼")
        lead.fill("#id_planned", "20")
        lead.get_by_role("button", name="安排").click()
        lead.wait_for_selector("text=已安排")
        task = LeadTask.objects.get()
        form = lead.locator("form", has=lead.locator(f"input[name=task][value='{task.pk}']"))
        form.locator("select").select_option("partly")
        form.get_by_placeholder("完成数量").fill("3")
        form.get_by_label("已向内勤讲清").check()
        form.get_by_role("button", name="保存").click()
        lead.wait_for_selector("text=结果已回收")
        task.refresh_from_db()
        assert (task.outcome, task.achieved, task.explained) == ("partly", 3, True)
        self.screenshot(lead, "leads-task-phone")

        SalesLead.objects.create(  # two leads in six working days: far behind 40
            team=self.cast.team_a,
            request=request,
            prospect="顺达制造",
            owner=self.cast.worker_a,
            probability=50,
            probability_on=start,
            delivered_on=start,
        )
        risks_sync(today=today)
        risk = Risk.objects.get(key=f"leads-shortfall:request:{request.pk}")
        plans_autodemand(today=calendar.next_workday(today))
        plan = Plan.objects.get(risk=risk)
        assert plan.lead.username == "weisheng"
        lead.goto(self.live_server_url + "/supervision/todo/")
        assert lead.get_by_role("link", name="填写方案").count() >= 1
