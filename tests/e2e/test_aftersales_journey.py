"""After-sales in a browser: a case registered on a phone → its deadline breached → the risk on
the supervisor's agenda and the case escalated → resolved → responsibility decided (issue 15)."""

import datetime as dt
from unittest import mock

from django.utils import timezone

from duban.aftersales.models import Case
from duban.core import calendar
from duban.supervision.tick import escalate, risks_sync
from tests.base import make_cast
from tests.e2e.browser import BrowserTestCase


class AftersalesJourneyTests(BrowserTestCase):
    def setUp(self):
        self.cast = make_cast()

    def test_from_a_case_on_a_phone_to_responsibility_decided(self):
        lead = self.sign_in(self.new_page(375, 800), "weisheng")  # a phone
        reported = timezone.localtime() - dt.timedelta(days=7)
        lead.goto(self.live_server_url + "/aftersales/new/")
        lead.select_option("#id_team", label="电销一组")
        lead.select_option("#id_severity", label="紧急")
        lead.fill("#id_reported_at", reported.strftime("%Y-%m-%dT%H:%M"))
        lead.fill("#id_description", "专线中断，客户业务停摆")
        lead.get_by_role("button", name="保存").click()
        lead.wait_for_selector("text=前须响应")
        case = Case.objects.get()
        self.screenshot(lead, "aftersales-case-phone")

        today = timezone.localdate()
        with mock.patch("django.utils.timezone.localdate", return_value=today):
            risks_sync(today=today)
            escalate(today=calendar.next_workday(today))
        case.refresh_from_db()
        assert case.escalation > 0  # past its resolution deadline: escalated by the engine
        supervisor = self.sign_in(self.new_page(), "duban")
        supervisor.goto(self.live_server_url + "/supervision/")
        assert "售后案例超时" in supervisor.content()

        lead.goto(self.live_server_url + case.get_absolute_url())
        lead.fill("#id_resolution", "更换光模块后恢复")
        lead.get_by_label("客户已确认").check()
        lead.get_by_role("button", name="已解决").click()
        lead.wait_for_selector("#status:has-text('已解决')")

        supervisor.goto(self.live_server_url + case.get_absolute_url())
        supervisor.locator("summary", has_text="定责").click()
        supervisor.select_option("#id_responsibility", label="后端")
        supervisor.fill("#id_person", "周敏")
        supervisor.get_by_role("button", name="保存").click()
        supervisor.wait_for_selector("text=已保存")
        case.refresh_from_db()
        assert (case.status, case.responsibility) == ("resolved", "back")
