"""Resources in a browser: the lead uploads the big table → plans a hand-over → the receiver
confirms on a phone-size screen → the supervisor's hand-over board shows it received
(issue 11)."""

from pathlib import Path

from django.test import override_settings

from duban.resources.choices import HandoverStatus
from duban.resources.models import Handover, Resource
from tests.base import make_cast
from tests.e2e.browser import BrowserTestCase
from tests.factories import UserFactory
from tests.scratch import scratch_folder


@override_settings(MEDIA_ROOT=scratch_folder("duban-e2e-media-"))
class ResourcesJourneyTests(BrowserTestCase):
    def setUp(self):
        self.cast = make_cast()
        receiver = UserFactory(username="xiaoqi", name="小祁", role="member")
        self.cast.worker_a.user = receiver
        self.cast.worker_a.save()

    def big_table(self) -> Path:
        text = (
            "电销一组资源大表（第48周）\n"
            "客户姓名,公司名称,手机号码,渠道,意向等级,负责人,状态\n"
            "王总,华鑫科技,138 0000 0001,展会,A类,横洲,跟进中\n"
            "赵经理,中诚贸易,+86 139-0000-0002,转介绍,B,横洲,\n"
            "钱女士,恒泰实业,（010）62345678,展会,C,小祁,\n"
        )
        path = scratch_folder() / "资源大表.csv"
        path.write_bytes(text.encode("gbk"))
        return path

    def test_from_the_big_table_to_a_confirmed_hand_over(self):
        lead = self.sign_in(self.new_page(), "weisheng")
        lead.goto(self.live_server_url + "/resources/import/")
        lead.set_input_files("#id_file", str(self.big_table()))
        lead.get_by_role("button", name="上传并检查").click()
        lead.wait_for_selector("text=全部行检查通过")
        assert lead.inner_text("#count-new") == "3"
        lead.get_by_role("button", name="确认导入").click()
        lead.wait_for_selector("text=导入完成：新增 3 行")
        assert Resource.objects.get(phone="13800000001").owner == self.cast.member_a_employee

        lead.goto(self.live_server_url + "/resources/handovers/new/")
        lead.select_option("#id_from_employee", label="电销一组 · 横洲")
        lead.select_option("#id_to_employee", label="电销一组 · 小祁")
        lead.fill("#id_count", "2")
        lead.fill("#id_reason", "横洲转做老客户")
        lead.get_by_role("button", name="保存").click()
        lead.wait_for_selector("text=已安排流转。")
        lead.get_by_role("button", name="已交出").click()
        lead.wait_for_selector("text=已标记为交出，等待接收人确认。")
        handover = Handover.objects.get(reason="横洲转做老客户")
        assert handover.status == HandoverStatus.SENT

        phone = self.sign_in(self.new_page(width=375, height=740), "xiaoqi")
        phone.goto(self.live_server_url + "/resources/handovers/confirm/")
        phone.wait_for_selector("text=横洲 交给您 2 条资源")  # and the cast's 1
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, width
        self.screenshot(phone, "resources-confirm-phone")
        phone.get_by_role("button", name="确认接收所选").click()
        phone.wait_for_selector("text=已确认接收 2 笔流转。")  # the cast's own one too
        handover.refresh_from_db()
        assert handover.status == HandoverStatus.RECEIVED
        assert handover.resources.filter(owner=self.cast.worker_a).count() == 2

        supervisor = self.sign_in(self.new_page(), "duban")
        supervisor.goto(self.live_server_url + "/resources/handovers/")
        received = supervisor.locator("#board-received")
        assert "横洲 → 小祁" in received.inner_text()
        self.screenshot(supervisor, "resources-board")
