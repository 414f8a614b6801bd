"""The import pages: upload → (map) → preview → commit, errors and template downloads."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from python_calamine import CalamineWorkbook

from duban.core.models import ImportBatch
from duban.receivables.models import Receivable, TableVersion
from tests.base import BaseTestCase
from tests.receivables.test_import import GOOD, csv


def upload(client, data, name="应收.csv", as_of="2026-03-16"):
    return client.post(
        reverse("receivables:import"),
        {"file": SimpleUploadedFile(name, data), "as_of": as_of},
    )


def xlsx_rows(response):
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


@override_settings(MEDIA_ROOT="/tmp/duban-test-media")
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
        mapped = self.client.post(url, {"0": "customer", "1": "number", "2": "team", "3": "amount"})
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
        self.assertEqual(rows[0][:3], ["*单号", "*客户名称", "*团队"])

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
