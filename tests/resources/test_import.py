"""Importing the resource big table: messy files, updates by phone + team or number, weekly
versions with their difference (issue 11, S-RES-1)."""

import datetime as dt
import io

from django.core.management import call_command
from python_calamine import CalamineWorkbook

from duban.core.models import ExportLog
from duban.core.services import import_commit, import_preview
from duban.resources.choices import ResourceStatus
from duban.resources.importers import TableImporter
from duban.resources.models import Category, Resource, Source
from duban.supervision.models import TableVersion
from tests.base import BaseTestCase
from tests.scratch import scratch_folder

TITLE = "电销一组资源大表（2026年第48周）,,,,,,,\n"
HEADER = "序号,客户姓名,公司名称,手机号码,渠道,行业,意向等级,负责人,状态\n"
ROWS = [
    "1,王总,华鑫科技,138 0000 0001,展会,制造业,A类,横洲,跟进中\n",
    "2,赵经理,中诚贸易,+86-139-0000-0002,转介绍,贸易,b级,小祁,\n",
    "3,钱女士,,０１０－６２３４５６７８,展会,,C,横洲,沉睡\n",
]


def csv(*rows, encoding="gbk", title=True) -> bytes:
    return ((TITLE if title else "") + HEADER + "".join(rows)).encode(encoding)


class ResourceImportTests(BaseTestCase):
    def preview(self, data, user=None, as_of=dt.date(2026, 11, 27), filename="资源大表.csv"):
        user = user or self.lead_a
        return import_preview(
            importer=TableImporter(user, as_of),
            data=data,
            filename=filename,
            kind="resource_table",
            by=user,
        )

    def commit(self, data, user=None, as_of=dt.date(2026, 11, 27)):
        batch, preview = self.preview(data, user, as_of)
        self.assertTrue(preview.ok, [str(e) for e in preview.errors])
        import_commit(importer=TableImporter(user or self.lead_a, as_of), batch=batch)
        return preview

    def test_a_gbk_table_with_a_title_row_imports_with_phones_in_one_form(self):
        self.commit(csv(*ROWS))
        wang = Resource.objects.get(contact_name="王总")
        self.assertEqual(
            (wang.phone, wang.team, wang.owner, wang.grade, wang.status),
            ("13800000001", self.team_a, self.member_a_employee, "A", ResourceStatus.IN_PROGRESS),
        )
        self.assertEqual(Resource.objects.get(contact_name="钱女士").phone, "010-62345678")
        zhao = Resource.objects.get(contact_name="赵经理")
        self.assertEqual((zhao.owner, zhao.grade, zhao.status), (self.worker_a, "B", "new"))
        self.assertEqual(zhao.source.name, "转介绍")  # a source not on the list is added
        self.assertTrue(Category.objects.filter(name="制造业").exists())

    def test_a_reimport_updates_by_phone_and_team_and_records_the_week(self):
        self.commit(csv(*ROWS), as_of=dt.date(2026, 11, 20))
        week2 = [
            "1,王总,华鑫科技,13800000001,展会,制造业,A,小祁,跟进中\n",  # reassigned
            "2,赵经理,中诚贸易,13900000002,转介绍,贸易,B,小祁,已关闭\n",  # closed
            "3,钱女士,,010-62345678,展会,,C,横洲,沉睡\n",  # unchanged
            "4,孙先生,恒泰实业,13700000004,展会,,D,横洲,\n",  # new
        ]
        preview = self.commit(csv(*week2), as_of=dt.date(2026, 11, 27))
        self.assertEqual(preview.counts()["new"], 1)
        self.assertEqual(preview.counts()["changed"], 2)
        self.assertEqual(preview.counts()["unchanged"], 1)
        self.assertEqual(Resource.objects.count(), 4 + 2)  # the cast's two as well
        self.assertEqual(Resource.objects.get(phone="13800000001").owner, self.worker_a)
        version = TableVersion.objects.get(as_of=dt.date(2026, 11, 27))
        self.assertEqual(version.summary, {"reassigned": 1, "closed": 1, "dormant": 0})
        self.assertEqual(version.changes["reassigned"], ["138****0001"])  # keys masked
        self.assertEqual(version.previous.as_of, dt.date(2026, 11, 20))

    def test_columns_left_out_keep_what_the_resource_had(self):
        self.commit(csv(*ROWS))
        narrow = "联系人,电话,负责人\n王总,13800000001,横洲\n".encode()
        self.commit(narrow)
        wang = Resource.objects.get(phone="13800000001")
        self.assertEqual((wang.grade, wang.source.name, wang.status), ("A", "展会", "in_progress"))

    def test_a_sheet_with_numbers_updates_by_number(self):
        head = "资源编号,联系人,电话,负责人\n"
        self.commit(f"{head}ZY-1,王总,13800000001,横洲\n".encode())
        self.commit(f"{head}ZY-1,王总,13800000009,横洲\n".encode())  # a new phone, same one
        self.assertEqual(
            list(Resource.objects.filter(number="ZY-1").values_list("phone", flat=True)),
            ["13800000009"],
        )

    def test_bad_rows_reject_the_whole_file_with_every_error(self):
        bad = [
            "4,周,,12345,展会,,A,横洲,\n",  # not a phone
            "5,吴,,13800000001,展会,,A,横洲,\n",  # the same phone as line 3
            "6,郑,,13800000006,展会,,A,不存在的人,\n",
            "7,王,,138****5678,展会,,A,横洲,\n",  # a masked export
            "8,冯,,13800000008,展会,,E,横洲,\n",
        ]
        batch, preview = self.preview(csv(*ROWS, *bad))
        reasons = " / ".join(str(e) for e in preview.errors)
        self.assertIn("第 6 行「手机号码」：无法识别的电话号码", reasons)
        self.assertIn("第 10 行「意向等级」：无法识别的级别", reasons)
        self.assertIn("第 7 行「手机号码」：与第 3 行重复", reasons)
        self.assertIn("第 8 行「负责人」：员工名册里没有“不存在的人”", reasons)
        self.assertIn("第 9 行「手机号码」：号码已脱敏", reasons)
        self.assertEqual(Resource.objects.count(), 2)  # the cast's only

    def test_a_number_another_team_holds_is_flagged_without_saying_whose(self):
        row = "1,李女士,,13900001111,展会,,A,横洲,\n"  # resource_b of team B
        batch, preview = self.preview(csv(row))
        self.assertTrue(preview.ok)
        self.assertEqual(len(preview.notes), 1)
        self.assertIn("1 行的电话号码在其他团队已有资源", preview.notes[0])
        self.assertNotIn(self.team_b.name, preview.notes[0])
        self.assertNotIn("周敏", preview.notes[0])

    def test_a_lead_cannot_import_into_another_team(self):
        row = "1,王总,,13800000001,展会,,A,周敏,\n"  # 周敏 is in team B
        batch, preview = self.preview(csv(row))
        self.assertIn("不在您能导入数据的团队", str(preview.errors[0]))

    def test_an_outcome_closes_the_resource(self):
        head = "联系人,电话,负责人,结果\n"
        self.commit(f"{head}王总,13800000001,横洲,已成交\n".encode())
        wang = Resource.objects.get(phone="13800000001")
        self.assertEqual((wang.status, wang.outcome), ("closed", "won"))


class ExportRoundTripTests(BaseTestCase):
    def test_what_the_command_exports_reimports_changing_nothing(self):
        folder = scratch_folder()
        Resource.objects.filter(pk=self.resource_a.pk).update(
            grade="A", note="=1+1", category=Category.objects.create(name="教育")
        )
        out = folder / "资源.xlsx"
        call_command("export", "resources", out=out, stdout=io.StringIO())
        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        self.assertEqual(rows[0][:4], ["资源编号", "联系人", "单位", "电话"])
        self.assertIn("13812345678", [str(cell) for row in rows for cell in row])
        log = ExportLog.objects.get()
        self.assertEqual((log.user, log.rows, log.full_rows, log.via), (self.admin, 2, 2, "cli"))
        report = io.StringIO()
        call_command("import", "resources", out, dry_run=True, stdout=report)
        self.assertIn("新增 0 行，更新 0 行，未变 2 行", report.getvalue())
        self.assertEqual(Source.objects.count(), 1)
