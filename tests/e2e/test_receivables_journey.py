"""Receivables in a browser: upload the AR table → preview → commit → aging updates →
the risk is on the supervisor's agenda → a plan is demanded (issue 4)."""

import datetime as dt
import threading
import unittest
from pathlib import Path

from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from duban.supervision.models import Plan
from duban.supervision.tick import tick
from tests.base import make_cast
from tests.e2e.browser import BrowserTestCase
from tests.scratch import scratch_folder


@override_settings(MEDIA_ROOT=scratch_folder("duban-e2e-media-"))
class ReceivablesJourneyTests(BrowserTestCase):
    def setUp(self):
        self.cast = make_cast()

    def ar_table(self) -> Path:
        overdue = timezone.localdate() - dt.timedelta(days=40)
        text = (
            "应收账款账龄表（单位：元）\n"
            "客户名称,发票号码,团队,负责主管,到期日,金额（元）,已回款\n"
            f'宏达建设有限公司,INV-900,电销一组,维盛,{overdue:%Y年%-m月%-d日},"￥860,000.00",0\n'
            f"瑞丰贸易有限公司,INV-901,电销一组,维盛,{overdue:%Y/%m/%d},12.5万,0\n"
            '合计,,,,,"985,000.00",0\n'
        )
        path = scratch_folder() / "应收账表.csv"
        path.write_bytes(text.encode("gbk"))
        return path

    def test_from_upload_to_a_demanded_plan(self):
        lead = self.sign_in(self.new_page(), "weisheng")
        lead.goto(self.live_server_url + "/receivables/import/")
        lead.set_input_files("#id_file", str(self.ar_table()))
        lead.get_by_role("button", name="上传并检查").click()
        lead.wait_for_selector("text=全部行检查通过")
        assert lead.inner_text("#count-new") == "2"
        self.screenshot(lead, "ar-import-preview")
        lead.get_by_role("button", name="确认导入").click()
        lead.wait_for_selector("text=导入完成：新增 2 行")

        lead.goto(self.live_server_url + "/receivables/aging/")
        assert "985,000.00" in lead.inner_text("#aging-table")
        assert lead.locator("#aging-chart canvas").count() == 1

        tick(today=timezone.localdate())  # as cron does
        supervisor = self.sign_in(self.new_page(), "duban")
        risk = supervisor.get_by_role("link", name="电销一组 有 1 笔大额应收逾期或临近到期未催款")
        risk.click()
        supervisor.get_by_role("link", name="倒逼方案").click()
        due = timezone.localdate() + dt.timedelta(days=2)
        supervisor.fill("#id_submit_by", due.isoformat())
        supervisor.fill("#id_request", "说明延期原因，给出催款节奏和节点")
        supervisor.get_by_role("button", name="要求主管提交方案").click()
        supervisor.wait_for_selector("text=已要求 维盛 提交方案")
        self.screenshot(supervisor, "ar-plan-demanded")
        assert Plan.objects.filter(risk__key__startswith="ar-large:").count() == 1


@unittest.skipUnless(
    connection.vendor == "postgresql", "a background import beside a live server needs PostgreSQL"
)
@override_settings(MEDIA_ROOT=scratch_folder("duban-e2e-media-"), IMPORT_BACKGROUND_BYTES=0)
class BackgroundImportJourneyTests(BrowserTestCase):
    """A large table: a worker checks and imports it while the page shows the progress, then
    the page moves on by itself. (SQLite's in-memory test database cannot serve a live server
    and a worker thread at once, so this runs on PostgreSQL.)"""

    def setUp(self):
        self.cast = make_cast()
        self.worker = Worker(
            queue_names=["default"],
            interval=0.2,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="e2e",
            excluded_queue_names=[],
        )
        thread = threading.Thread(target=self.worker.run, daemon=True)  # `duban worker`
        thread.start()
        self.addCleanup(thread.join, 10)
        self.addCleanup(setattr, self.worker, "running", False)

    def test_a_large_table_shows_progress_and_lands(self):
        due = timezone.localdate() + dt.timedelta(days=30)
        lines = ["客户名称,发票号码,团队,到期日,金额（元）"]
        lines += [
            f"客户{n % 500},BIG-{n:06d},电销一组,{due:%Y-%m-%d},{1000 + n}" for n in range(20000)
        ]
        path = scratch_folder() / "应收账表-大.csv"
        path.write_text("\n".join(lines), encoding="utf-8")
        lead = self.sign_in(self.new_page(), "weisheng")
        lead.goto(self.live_server_url + "/receivables/import/")
        lead.set_input_files("#id_file", str(path))
        lead.get_by_role("button", name="上传并检查").click()
        lead.wait_for_selector("text=全部行检查通过", timeout=60_000)
        assert lead.inner_text("#count-new").replace(",", "") == "20000"
        lead.get_by_role("button", name="确认导入").click()
        if lead.locator("#import-progress").count():
            self.screenshot(lead, "ar-import-progress")
        lead.wait_for_selector("text=导入完成：新增 20000 行", timeout=60_000)
