"""The import pages: upload → (map) → preview → commit, errors and template downloads."""

import datetime as dt
import io
from operator import itemgetter

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from duban.core.models import ImportBatch
from duban.core.tasks import imports_recover
from duban.receivables.models import Receivable
from duban.supervision.models import TableVersion
from tests.base import BaseTestCase, make_cast
from tests.receivables.test_import import GOOD, csv


def upload(client, data, name="应收.csv", as_of="2026-03-16"):
    return client.post(
        reverse("receivables:import"),
        {"file": SimpleUploadedFile(name, data), "as_of": as_of},
    )


def xlsx_rows(response):
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


class ImportPageTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.lead_a)

    def test_upload_preview_and_commit(self):
        response = upload(self.client, csv(*GOOD))
        batch = ImportBatch.objects.get(uploaded_by=self.lead_a)
        self.assertRedirects(response, reverse("receivables:import_preview", args=[batch.pk]))
        preview = self.client.get(response.url)
        self.assertContains(preview, "全部行检查通过")
        self.assertEqual(preview.context["batch"].counts["new"], 2)
        done = self.client.post(reverse("receivables:import_commit", args=[batch.pk]), follow=True)
        self.assertContains(done, "导入完成：新增 2 行")
        self.assertEqual(str(TableVersion.objects.get().as_of), "2026-03-16")
        again = self.client.post(reverse("receivables:import_commit", args=[batch.pk]), follow=True)
        self.assertContains(again, "请不要重复提交")
        self.assertEqual(Receivable.objects.filter(number__startswith="INV-00").count(), 2)

    def test_errors_are_shown_and_downloadable_and_nothing_can_be_committed(self):
        bad = "3,丙,INV-3,电销一组,,2026年13月40日,2026-03-01,100,0,\n"
        response = upload(self.client, csv(*GOOD, bad))
        preview = self.client.get(response.url)
        self.assertContains(preview, "本文件不会导入任何数据")
        self.assertContains(preview, "无法识别的日期")
        self.assertNotContains(preview, "确认导入")
        batch = ImportBatch.objects.get(uploaded_by=self.lead_a)
        rows = xlsx_rows(self.client.get(reverse("receivables:import_errors", args=[batch.pk])))
        self.assertEqual(rows[0], ["行号", "列", "原始值", "原因"])
        self.assertEqual(rows[1][:2], [4.0, "开票日期"])
        self.client.post(reverse("receivables:import_commit", args=[batch.pk]))
        self.assertFalse(Receivable.objects.filter(number="INV-001").exists())

    def test_an_unknown_header_is_mapped_by_the_user(self):
        data = "客户名称,凭证号,团队,应收金额\n甲,V-1,电销一组,100\n".encode()
        preview = self.client.get(upload(self.client, data).url)
        self.assertContains(preview, "找不到这些必填列：单号")
        batch = ImportBatch.objects.get(uploaded_by=self.lead_a)
        url = reverse("receivables:import_preview", args=[batch.pk])
        mapped = self.client.post(
            url, {"0": "customer", "1": "number", "2": "team", "3": "amount"}, follow=True
        )
        self.assertContains(mapped, "全部行检查通过")
        self.client.post(reverse("receivables:import_commit", args=[batch.pk]))
        self.assertTrue(Receivable.objects.filter(number="V-1").exists())

    def test_an_unreadable_file_is_explained(self):
        preview = self.client.get(upload(self.client, b"garbage", name="x.xlsx").url)
        self.assertContains(preview, "无法读取这个表格文件")

    def test_another_users_upload_is_not_found(self):
        response = upload(self.client, csv(*GOOD))
        self.client.force_login(self.supervisor)
        self.assertEqual(self.client.get(response.url).status_code, 404)

    def test_the_template_has_the_chinese_headers(self):
        rows = xlsx_rows(self.client.get(reverse("receivables:import_template")))
        self.assertEqual(rows[0][:4], ["*单号", "*客户名称", "团队", "业务员"])  # one of the two

    def test_an_exported_list_imports_back_unchanged(self):
        self.client.force_login(self.lead_a)
        export = b"".join(
            self.client.get(
                reverse("receivables:receivable_list"), {"export": "xlsx"}
            ).streaming_content
        )
        preview = self.client.get(upload(self.client, export, name="导出.xlsx").url)
        self.assertEqual(
            preview.context["batch"].counts, {"new": 0, "changed": 0, "unchanged": 1, "errors": 0}
        )

    def test_the_sample_shows_cells_as_the_spreadsheet_does_not_as_floats(self):
        from duban.core.exporting import ExportColumn, write_xlsx

        columns = [
            ExportColumn(header, itemgetter(i), kind=kind)
            for i, (header, kind) in enumerate(
                [
                    ("单号", "text"),
                    ("客户名称", "text"),
                    ("团队", "text"),
                    ("应收金额", "money"),
                    ("已回款", "money"),
                    ("到期日", "date"),
                ]
            )
        ]
        row = ("INV-900", "甲公司", "电销一组", 126500, 2485.5, dt.datetime(2026, 3, 5))  # noqa: DTZ001
        buffer = io.BytesIO()
        write_xlsx([row], columns, sheet="应收", target=buffer)
        preview = self.client.get(upload(self.client, buffer.getvalue(), name="应收.xlsx").url)
        self.assertContains(preview, "<td>126500</td>", html=True)
        self.assertContains(preview, "<td>2485.5</td>", html=True)
        self.assertContains(preview, "<td>2026-03-05</td>", html=True)
        self.assertNotContains(preview, "126500.0")
        self.assertNotContains(preview, "00:00:00")

    def test_a_batch_from_before_checks_were_kept_is_checked_when_opened(self):
        response = upload(self.client, csv(*GOOD))
        batch = ImportBatch.objects.get(uploaded_by=self.lead_a)
        ImportBatch.objects.filter(pk=batch.pk).update(report={}, counts={})
        self.assertContains(self.client.get(response.url), "全部行检查通过")

    def test_the_page_shows_the_progress_of_a_running_check(self):
        batch = self.running(ImportBatch.Status.CHECKING)
        ImportBatch.objects.filter(pk=batch.pk).update(
            progress={"stage": "check", "done": 500, "total": 2000}, beat=timezone.now()
        )
        page = self.client.get(reverse("receivables:import_preview", args=[batch.pk]))
        self.assertContains(page, "逐行检查")
        self.assertContains(page, "500 / 2,000 行")
        self.assertContains(page, 'hx-trigger="every 1s"')
        self.assertNotContains(page, "确认导入")
        bar = self.client.get(reverse("receivables:import_progress", args=[batch.pk]))
        self.assertContains(bar, "25%")

    def test_when_the_work_is_done_the_progress_bar_sends_the_page_on(self):
        response = upload(self.client, csv(*GOOD))
        batch = ImportBatch.objects.get(uploaded_by=self.lead_a)
        bar = self.client.get(reverse("receivables:import_progress", args=[batch.pk]))
        self.assertEqual(bar["HX-Redirect"], response.url)

    def test_a_check_lost_with_its_process_can_be_started_again(self):
        batch = self.running(ImportBatch.Status.CHECKING, minutes_ago=10)
        url = reverse("receivables:import_preview", args=[batch.pk])
        self.assertContains(self.client.get(url), "检查中断")
        self.assertContains(self.client.post(url, follow=True), "全部行检查通过")

    def test_a_running_check_is_not_started_twice(self):
        batch = self.running(ImportBatch.Status.CHECKING)
        self.client.post(reverse("receivables:import_preview", args=[batch.pk]))
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.CHECKING)

    def test_a_commit_lost_with_its_process_is_recorded_as_failed(self):
        batch = self.running(ImportBatch.Status.COMMITTING, minutes_ago=10)
        url = reverse("receivables:import_preview", args=[batch.pk])
        self.assertContains(self.client.get(url), "导入中断（服务重启或出错）")
        self.client.post(reverse("receivables:import_commit", args=[batch.pk]))
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn("没有写入任何数据", batch.error)
        self.assertFalse(Receivable.objects.filter(number="INV-001").exists())

    def running(self, status, minutes_ago=0):
        upload(self.client, csv(*GOOD))
        batch = ImportBatch.objects.get(uploaded_by=self.lead_a)
        started = timezone.now() - dt.timedelta(minutes=minutes_ago)
        ImportBatch.objects.filter(pk=batch.pk).update(  # and no news since
            status=status, started_at=started, progress={"stage": "read"}, beat=None
        )
        batch.refresh_from_db()
        return batch


def run_worker() -> None:
    """What `duban worker --batch` does: take every queued task, then stop."""
    call_command("worker", batch=True, verbosity=0)


@override_settings(IMPORT_BACKGROUND_BYTES=0)
class BackgroundImportTests(TransactionTestCase):
    """A large file: checked and imported by `duban worker` while the page polls its progress."""

    def test_check_and_commit_run_in_the_background(self):
        cast = make_cast()
        self.client.force_login(cast.lead_a)
        response = upload(self.client, csv(*GOOD))
        batch = ImportBatch.objects.get(uploaded_by=cast.lead_a)
        self.assertContains(self.client.get(response.url), "排队等待后台处理")
        run_worker()
        self.assertContains(self.client.get(response.url), "全部行检查通过")
        committed = self.client.post(reverse("receivables:import_commit", args=[batch.pk]))
        self.assertRedirects(committed, response.url, fetch_redirect_response=False)
        run_worker()
        bar = self.client.get(reverse("receivables:import_progress", args=[batch.pk]))
        self.assertEqual(bar["HX-Redirect"], reverse("receivables:version_list"))
        self.assertEqual(Receivable.objects.filter(number__startswith="INV-00").count(), 2)
        page = self.client.get(reverse("receivables:version_list"))
        self.assertContains(page, "导入完成：新增 2 行")

    def test_work_in_the_background_speaks_the_language_of_who_started_it(self):
        cast = make_cast()
        self.client.force_login(cast.lead_a)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        upload(self.client, csv(*GOOD))
        batch = ImportBatch.objects.get(uploaded_by=cast.lead_a)
        run_worker()
        Receivable.objects.create(  # someone enters one of its numbers meanwhile
            number="INV-001", customer=cast.customer_a, team=cast.team_a, amount=1, outstanding=1
        )
        self.client.post(reverse("receivables:import_commit", args=[batch.pk]))
        run_worker()
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertTrue(batch.error.startswith("Writing conflicted"), batch.error)

    def test_a_background_import_survives_a_worker_restart(self):
        cast = make_cast()
        self.client.force_login(cast.lead_a)
        response = upload(self.client, csv(*GOOD))
        batch = ImportBatch.objects.get(uploaded_by=cast.lead_a)
        # a worker took the check and was killed (kill -9) before it ended: no sign of life
        stale = timezone.now() - dt.timedelta(minutes=10)
        ImportBatch.objects.filter(pk=batch.pk).update(
            started_at=stale, progress={"stage": "check", "done": 0, "total": 2}, beat=stale
        )
        self.assertContains(self.client.get(response.url), "检查中断")
        run_worker()  # a new worker starts: it takes the check up again, and runs it
        self.assertContains(self.client.get(response.url), "全部行检查通过")
        self.client.post(reverse("receivables:import_commit", args=[batch.pk]))
        ImportBatch.objects.filter(pk=batch.pk).update(  # killed during the commit too
            started_at=stale, progress={"stage": "write"}, beat=stale
        )
        self.assertEqual(imports_recover()["imports_abandoned"], 1)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn("没有写入任何数据", batch.error)
        self.assertFalse(Receivable.objects.filter(number__startswith="INV-00").exists())
        self.assertContains(self.client.get(response.url), "重新检查")


class RealTablePageTests(BaseTestCase):
    """Issue 10 on the pages: a table without team, an empty file, the error download."""

    def setUp(self):
        self.client.force_login(self.supervisor)

    def test_a_table_without_team_offers_all_rows_belong_to_a_team(self):
        data = "客户名称,发票号码,金额\n甲公司,T-1,100\n".encode()
        response = upload(self.client, data)
        page = self.client.get(response.url)
        self.assertContains(page, "整张表属于")
        self.assertContains(page, "请在下面指定")
        batch = ImportBatch.objects.get(uploaded_by=self.supervisor)
        checked = self.client.post(response.url, {"opt_team": str(self.team_b.pk)}, follow=True)
        self.assertContains(checked, "全部行检查通过")
        self.client.post(reverse("receivables:import_commit", args=[batch.pk]))
        self.assertEqual(Receivable.objects.get(number="T-1").team, self.team_b)

    def test_a_team_not_offered_is_ignored(self):
        response = upload(self.client, "客户名称,发票号码,金额\n甲公司,T-1,100\n".encode())
        page = self.client.post(response.url, {"opt_team": str(self.team_c.pk + 999)}, follow=True)
        self.assertContains(page, "整张表属于")

    def test_a_file_without_data_rows_is_refused_not_offered_for_import(self):
        page = self.client.get(upload(self.client, "客户名称,发票号码,团队,金额\n".encode()).url)
        self.assertContains(page, "没有数据行")
        self.assertNotContains(page, "确认导入")

    def test_the_error_list_is_named_after_the_file(self):
        response = upload(
            self.client, "客户名称,发票号码,团队,金额\n甲,E-1,电销一组,abc\n".encode()
        )
        batch = ImportBatch.objects.get(uploaded_by=self.supervisor)
        download = self.client.get(reverse("receivables:import_errors", args=[batch.pk]))
        self.assertIn("%E5%BA%94%E6%94%B6-%E9%94%99%E8%AF%AF.xlsx", download["Content-Disposition"])
        self.assertNotIn(".xlsx.xlsx", download["Content-Disposition"])
        self.assertTrue(response.url)


class OlderBatchTests(BaseTestCase):
    def test_a_batch_uploaded_before_batches_named_their_importer_still_commits(self):
        self.client.force_login(self.lead_a)
        response = upload(self.client, csv(*GOOD))
        batch = ImportBatch.objects.get(uploaded_by=self.lead_a)
        ImportBatch.objects.filter(pk=batch.pk).update(importer="", language="")
        self.client.post(reverse("receivables:import_commit", args=[batch.pk]))
        self.assertTrue(Receivable.objects.filter(number="INV-001").exists())
        self.assertTrue(response.url)
