"""Imports through the API: upload → check (errors, column mapping) → commit, by the pages'
own machinery, changing the data exactly as the page does (issue 17)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, TransactionTestCase, override_settings
from django.urls import reverse

from duban.core.models import ImportBatch
from duban.partners.models import Partner
from duban.receivables.models import Receivable
from duban.supervision.models import TableVersion
from tests.api.base import ApiTestCase, tokens_for
from tests.base import make_cast
from tests.receivables.test_import import GOOD, csv
from tests.receivables.test_import_pages import run_worker

BAD = "3,丙公司,INV-003,电销一组,,2026年13月40日,2026-03-01,100,0,\n"


def upload(token: str, data: bytes, name="应收.csv", kind="ar_table", **fields):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    fields = {"kind": kind, "file": SimpleUploadedFile(name, data), **fields}
    return client.post("/api/v1/imports", fields)


def state() -> tuple:
    """What an import of the AR table changes: the receivables, partners and table versions."""
    rows = Receivable.objects.order_by("number").values_list(
        "number",
        "customer__name",
        "team__name",
        "lead__username",
        "invoice_date",
        "due_date",
        "amount",
        "paid",
        "outstanding",
        "category",
        "status",
        "note",
        "version",
    )
    versions = TableVersion.objects.order_by("team__name").values_list(
        "kind", "team__name", "as_of", "rows", "new_count", "changed_count", "summary"
    )
    partners = Partner.objects.order_by("name").values_list("name", "credit_days")
    return list(rows), list(versions), list(partners)


class ImportTests(ApiTestCase):
    def upload(self, role, data, **fields):
        return upload(self.tokens[role], data, **fields)

    def test_upload_check_and_commit_change_the_data_exactly_as_the_page_does(self):
        before = state()
        with transaction.atomic():  # the page's import, then undone
            self.client.force_login(self.lead_a)
            self.client.post(
                reverse("receivables:import"),
                {"file": SimpleUploadedFile("应收.csv", csv(*GOOD)), "as_of": "2026-03-16"},
            )
            batch = ImportBatch.objects.get(uploaded_by=self.lead_a)
            self.client.post(reverse("receivables:import_commit", args=[batch.pk]))
            self.assertEqual(ImportBatch.objects.get(pk=batch.pk).status, "committed")
            by_page = state()
            transaction.set_rollback(True)
        self.assertEqual(state(), before)
        self.assertNotEqual(by_page, before)

        response = self.upload("lead_a", csv(*GOOD), as_of="2026-03-16")
        self.assertEqual(response.status_code, 201, response.content)
        checked = response.json()
        self.assertEqual(checked["status"], "previewed")
        self.assertEqual(checked["counts"], {"new": 2, "changed": 0, "unchanged": 0, "errors": 0})
        self.assertEqual(checked["errors"], [])
        self.assertEqual(
            self.get("lead_a", f"/imports/{checked['id']}").json()["status"], "previewed"
        )
        done = self.post("lead_a", f"/imports/{checked['id']}/commit")
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["status"], "committed")
        self.assertEqual(state(), by_page)

    def test_errors_are_listed_by_line_and_column_and_nothing_is_committed(self):
        checked = self.upload("lead_a", csv(*GOOD, BAD)).json()
        self.assertEqual(checked["error_count"], 1)
        (error,) = checked["errors"]
        self.assertEqual((error["line"], error["column"]), (4, "开票日期"))
        self.assertIn("无法识别的日期", error["reason"])
        refused = self.post("lead_a", f"/imports/{checked['id']}/commit")
        self.assertEqual(refused.status_code, 409)
        self.assertIn("本文件不会导入任何数据", refused.json()["detail"])
        self.assertFalse(Receivable.objects.filter(number="INV-001").exists())

    def test_an_unknown_header_is_mapped_then_imported(self):
        data = "客户名称,凭证号,团队,应收金额\n甲,V-1,电销一组,100\n".encode()
        checked = self.upload("lead_a", data).json()
        needed = checked["mapping_required"]
        self.assertIn("单号", needed["message"])
        self.assertEqual(needed["headers"], ["客户名称", "凭证号", "团队", "应收金额"])
        self.assertIn({"field": "number", "label": "单号", "required": True}, needed["columns"])
        self.assertEqual(self.post("lead_a", f"/imports/{checked['id']}/commit").status_code, 409)
        bad = self.post("lead_a", f"/imports/{checked['id']}/check", {"mapping": {"1": "colour"}})
        self.assertEqual(bad.status_code, 422)
        mapped = self.post(
            "lead_a", f"/imports/{checked['id']}/check", {"mapping": {"1": "number"}}
        )
        self.assertEqual(mapped.status_code, 200, mapped.content)
        self.assertEqual(mapped.json()["counts"]["new"], 1)
        self.assertIsNone(mapped.json()["mapping_required"])
        self.assertEqual(self.post("lead_a", f"/imports/{checked['id']}/commit").status_code, 200)
        self.assertTrue(Receivable.objects.filter(number="V-1").exists())

    def test_an_unreadable_file_is_explained(self):
        checked = self.upload("lead_a", b"garbage", name="x.xlsx").json()
        self.assertIn("无法读取", checked["fatal"])
        self.assertEqual(self.post("lead_a", f"/imports/{checked['id']}/commit").status_code, 409)

    def test_a_batch_is_committed_once(self):
        checked = self.upload("lead_a", csv(*GOOD)).json()
        self.assertEqual(self.post("lead_a", f"/imports/{checked['id']}/commit").status_code, 200)
        again = self.post("lead_a", f"/imports/{checked['id']}/commit")
        self.assertEqual(again.status_code, 409)
        self.assertIn("请不要重复提交", again.json()["detail"])

    def test_roles_that_may_not_import_are_refused(self):
        for role in ("executive", "member_a"):
            with self.subTest(role=role):
                response = self.upload(role, csv(*GOOD))
                self.assertEqual(response.status_code, 403)
                self.assertIn("应收账表", response.json()["detail"])
        self.assertFalse(ImportBatch.objects.exists())
        kinds = {k["kind"]: k["allowed"] for k in self.get("executive", "/imports/kinds").json()}
        self.assertFalse(any(kinds.values()))
        self.assertTrue(all(k["allowed"] for k in self.get("lead_a", "/imports/kinds").json()))

    def test_another_users_upload_is_not_found(self):
        checked = self.upload("lead_a", csv(*GOOD)).json()
        for role in ("lead_b", "supervisor"):
            with self.subTest(role=role):
                self.assertEqual(self.get(role, f"/imports/{checked['id']}").status_code, 404)
                commit = self.post(role, f"/imports/{checked['id']}/commit")
                self.assertEqual(commit.status_code, 404)
        self.assertEqual([b["id"] for b in self.items("lead_a", "/imports")], [checked["id"]])
        self.assertEqual(self.items("lead_b", "/imports"), [])

    def test_the_upload_form_of_the_page_checks_the_fields(self):
        wrong_kind = self.upload("lead_a", csv(*GOOD), kind="nonsense")
        self.assertEqual(wrong_kind.status_code, 422)
        bad_date = self.upload("lead_a", csv(*GOOD), as_of="昨天")
        self.assertEqual(bad_date.status_code, 422)
        other_team = self.upload("lead_a", b"x", kind="project_table", team=self.team_b.pk)
        self.assertEqual(other_team.status_code, 422)
        self.assertEqual(other_team.json()["detail"][0]["loc"], ["form", "team"])
        no_file = Client(HTTP_AUTHORIZATION=f"Bearer {self.tokens['lead_a']}").post(
            "/api/v1/imports", {"kind": "ar_table"}
        )
        self.assertEqual(no_file.status_code, 422)

    def test_the_as_of_date_defaults_to_today_as_on_the_page(self):
        from django.utils import timezone

        checked = self.upload("lead_a", csv(*GOOD)).json()
        batch = ImportBatch.objects.get(pk=checked["id"])
        self.assertEqual(batch.options["as_of"], timezone.localdate().isoformat())


@override_settings(IMPORT_BACKGROUND_BYTES=0)
class BackgroundImportTests(TransactionTestCase):
    """A large file is checked and written by `duban worker`; the API shows its progress."""

    def test_check_and_commit_run_in_the_background(self):
        cast = make_cast()
        token = tokens_for(cast)["lead_a"]
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        queued = upload(token, csv(*GOOD)).json()
        self.assertEqual(queued["status"], "checking")
        self.assertEqual(queued["progress"]["label"], "排队等待后台处理")
        run_worker()
        self.assertEqual(
            client.get(f"/api/v1/imports/{queued['id']}").json()["status"], "previewed"
        )
        committing = client.post(f"/api/v1/imports/{queued['id']}/commit").json()
        self.assertEqual(committing["status"], "committing")
        run_worker()
        self.assertEqual(
            client.get(f"/api/v1/imports/{queued['id']}").json()["status"], "committed"
        )
        self.assertEqual(Receivable.objects.filter(number__startswith="INV-00").count(), 2)
