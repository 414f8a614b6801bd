"""An import's record stays small and its files go after a while (issue 18, defect 9): the
first errors and the counts on the record, every error in a file to download, lists that
leave the large fields out, and uploads removed past DUBAN_IMPORT_RETENTION_DAYS by tick."""

import datetime as dt
import io

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from duban.core.models import ImportBatch
from duban.core.services import KEPT_ERRORS, imports_purge
from duban.receivables.models import Receivable
from duban.supervision.tick import tick
from tests.base import BaseTestCase
from tests.receivables.test_import import GOOD, csv

BAD_DATES = [f"{n},丙,BAD-{n},电销一组,,2026年13月40日,2026-03-01,100,0,\n" for n in range(1200)]
BAD_AMOUNTS = [f"{n},丁,AMT-{n},电销一组,,2026-01-01,2026-03-01,abc,0,\n" for n in range(300)]


def upload(client, data, name="应收.csv"):
    return client.post(
        reverse("receivables:import"),
        {"file": SimpleUploadedFile(name, data), "as_of": "2026-03-16"},
    )


def xlsx_rows(response) -> list[list]:
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


@override_settings(IMPORT_BACKGROUND_BYTES=10**9)  # checked at once, not by a worker
class ManyErrorsTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.lead_a)
        self.response = upload(self.client, csv(*GOOD, *BAD_DATES, *BAD_AMOUNTS))
        self.batch = ImportBatch.objects.get(uploaded_by=self.lead_a)

    def test_the_record_keeps_the_first_errors_and_counts_them_all_by_column(self):
        self.assertEqual(len(self.batch.problems), KEPT_ERRORS)
        self.assertEqual(self.batch.counts["errors"], 1500)
        by_column = [["开票日期", 1200], ["金额（元）", 300]]
        self.assertEqual(self.batch.report["error_columns"], by_column)
        page = self.client.get(self.response.url)
        self.assertContains(page, "有 1,500 处错误")
        self.assertContains(page, "开票日期 1,200 · 金额（元） 300")

    def test_the_error_file_lists_every_error(self):
        url = reverse("receivables:import_errors", args=[self.batch.pk])
        rows = xlsx_rows(self.client.get(url))
        self.assertEqual(rows[0], ["行号", "列", "原始值", "原因"])
        self.assertEqual(len(rows), 1 + 1500)
        self.assertEqual(rows[-1][:2], [1503.0, "金额（元）"])

    def test_a_second_check_replaces_the_error_file(self):
        first = self.batch.errors_file.name
        url = reverse("receivables:import_preview", args=[self.batch.pk])
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url)
        self.batch.refresh_from_db()
        self.assertTrue(self.batch.errors_file)
        self.assertNotEqual(self.batch.errors_file.name, first)
        self.assertFalse(default_storage.exists(first))

    def test_lists_of_imports_leave_the_errors_and_samples_out(self):
        recent = self.client.get(reverse("receivables:import")).context["recent"]
        self.assertTrue({"problems", "report"} <= recent[0].get_deferred_fields())


class RetentionTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.lead_a)
        upload(self.client, csv(*GOOD, *BAD_AMOUNTS[:2]))
        self.old = ImportBatch.objects.get(uploaded_by=self.lead_a)
        ImportBatch.objects.filter(pk=self.old.pk).update(
            created_at=timezone.now() - dt.timedelta(days=31)
        )
        upload(self.client, csv(*GOOD))
        self.recent = ImportBatch.objects.exclude(pk=self.old.pk).get()

    def test_files_past_the_retention_are_removed_and_the_record_stays(self):
        upload_name = self.old.file.name
        self.assertEqual(imports_purge(), 1)
        self.old.refresh_from_db()
        self.assertFalse(default_storage.exists(upload_name))
        self.assertEqual((self.old.file.name, self.old.problems), ("", []))
        self.assertIsNotNone(self.old.files_removed_at)
        self.assertEqual(self.old.counts["errors"], 2)  # who, when and the counts stay
        self.recent.refresh_from_db()
        self.assertTrue(default_storage.exists(self.recent.file.name))
        self.assertEqual(imports_purge(), 0)

    def test_a_record_without_its_file_says_so_and_cannot_be_checked_or_downloaded(self):
        imports_purge()
        page = self.client.get(reverse("receivables:import_preview", args=[self.old.pk]))
        self.assertContains(page, "按保留期限删除")
        self.assertNotContains(page, "下载错误清单")
        errors = self.client.get(reverse("receivables:import_errors", args=[self.old.pk]))
        self.assertEqual(errors.status_code, 404)
        self.client.post(reverse("receivables:import_preview", args=[self.old.pk]))
        self.old.refresh_from_db()
        self.assertEqual(self.old.status, ImportBatch.Status.PREVIEWED)  # not checked again

    def test_a_checked_file_past_the_retention_cannot_be_imported(self):
        ImportBatch.objects.filter(pk=self.recent.pk).update(
            created_at=timezone.now() - dt.timedelta(days=40)
        )
        imports_purge()
        commit = reverse("receivables:import_commit", args=[self.recent.pk])
        page = self.client.post(commit, follow=True)
        self.assertContains(page, "已超过保留期限被删除")
        self.assertFalse(Receivable.objects.filter(number="INV-001").exists())

    @override_settings(IMPORT_RETENTION_DAYS=60)
    def test_the_retention_is_a_setting(self):
        self.assertEqual(imports_purge(), 0)

    def test_tick_removes_them_on_a_working_day(self):
        report = tick(today=dt.date(2026, 3, 3))
        self.assertEqual(report["imports_purged"], 1)
