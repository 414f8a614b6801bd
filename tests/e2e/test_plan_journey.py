"""The supervision loop in a browser: 倒逼 → submitted → returned → resubmitted → approved →
milestones done → verified as landed (issue 3)."""

import datetime as dt

from django.utils import timezone

from duban.supervision.choices import PlanStatus, RiskStatus
from duban.supervision.models import Plan, Risk
from tests.base import make_cast
from tests.e2e.browser import BrowserTestCase
from tests.supervision.factories import RiskFactory


def click_label(page, text: str) -> None:
    """Click a radio button's label, as a person does, and see it chosen."""
    page.locator("label.form-check-label", has_text=text).click()
    assert page.get_by_label(text, exact=True).is_checked(), text


class PlanJourneyTests(BrowserTestCase):
    def setUp(self):
        self.cast = make_cast()
        self.risk = RiskFactory(
            team=self.cast.team_a, title="电销一组资源量只够三天", evidence=["库存 2,900 条"]
        )

    def test_from_demand_to_landed(self):
        supervisor = self.sign_in(self.new_page(), "duban")
        lead = self.sign_in(self.new_page(), "weisheng")
        due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()

        supervisor.goto(self.live_server_url + self.risk.get_absolute_url())
        supervisor.get_by_role("link", name="倒逼方案").click()
        supervisor.fill("#id_submit_by", due)
        supervisor.fill("#id_request", "说明资源缺口原因，给出补充资源的措施和节点")
        supervisor.get_by_role("button", name="要求主管提交方案").click()
        supervisor.wait_for_selector("text=已要求 维盛 提交方案")
        plan = Plan.objects.get(risk=self.risk)

        lead.goto(self.live_server_url + "/supervision/todo/")
        lead.get_by_role("link", name="填写方案").first.click()
        lead.fill("#id_cause", "转介绍渠道断档")
        lead.fill("#id_measures", "开通两个新渠道")
        lead.fill("#id_form-0-title", "新渠道上线")
        lead.fill("#id_form-0-due_date", due)
        lead.get_by_role("button", name="提交方案").click()
        lead.wait_for_selector("text=方案已提交")

        supervisor.goto(self.live_server_url + plan.get_absolute_url())
        click_label(supervisor, "退回修改")
        supervisor.fill("#review-form textarea", "节点太少，要写清每天补充多少")
        supervisor.get_by_role("button", name="提交审核").click()
        supervisor.wait_for_selector("text=方案已退回主管修改")

        lead.goto(self.live_server_url + plan.get_absolute_url())
        assert "节点太少" in lead.content()
        lead.get_by_role("link", name="修改后重新提交").click()
        assert lead.input_value("#id_cause") == "转介绍渠道断档"
        lead.fill("#id_form-1-title", "每天补充 100 条资源")
        lead.fill("#id_form-1-due_date", due)
        lead.get_by_role("button", name="添加节点").click()  # a row more, then taken out again
        lead.fill("#id_form-3-title", "写错了的节点")
        lead.fill("#id_form-3-due_date", due)
        lead.locator(".milestone-row", has=lead.locator("#id_form-3-title")).get_by_role(
            "button", name="删除"
        ).click()
        assert not lead.locator("#id_form-3-title").is_visible()
        lead.get_by_role("button", name="提交方案").click()
        lead.wait_for_selector("text=方案已提交")
        latest = plan.versions.order_by("-number").first()
        assert [m.title for m in latest.milestones.order_by("pk")] == [
            "新渠道上线",
            "每天补充 100 条资源",
        ]

        supervisor.reload()
        click_label(supervisor, "通过")
        supervisor.get_by_role("button", name="提交审核").click()
        supervisor.wait_for_selector("text=方案已通过")

        lead.goto(self.live_server_url + plan.get_absolute_url())
        for _ in range(2):
            lead.locator("summary", has_text="确认完成").first.click()
            form = lead.locator("form:visible", has=lead.locator("textarea")).first
            form.locator("textarea").fill("已完成，见日报")
            form.get_by_role("button", name="确认完成").click()
            lead.wait_for_selector("text=节点已确认完成")

        supervisor.reload()
        click_label(supervisor, "已落地")
        supervisor.get_by_role("button", name="提交结论").click()
        supervisor.wait_for_selector("#plan-status:has-text('已落地')")
        self.screenshot(supervisor, "plan-landed")

        plan.refresh_from_db()
        self.risk.refresh_from_db()
        assert plan.status == PlanStatus.LANDED
        assert plan.versions.count() == 2
        assert self.risk.status == RiskStatus.MITIGATED
        assert Risk.objects.get(pk=self.risk.pk).history.count() >= 3
