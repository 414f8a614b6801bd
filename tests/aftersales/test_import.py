"""Importing the after-sales register (售后登记表) through the generic machinery: new and
changed cases written with their deadlines, every error at once, only into the user's teams,
and an export that re-imports changing nothing (issue of the after-sales area, point 8)."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from duban.aftersales import services
from duban.aftersales.choices import CaseStatus, Channel, Responsibility, Severity
from duban.aftersales.importers import CaseImporter, parse_moment
from duban.aftersales.models import Case, Category
from duban.core.importing import ParseError
from duban.core.models import ImportBatch
from duban.core.services import import_commit, import_preview
from tests.aftersales.base import AftersalesTestCase, frozen, nov
from tests.scratch import scratch_folder

NOW = nov(30, 12)
TITLE = "电销一组售后登记表（2026年11月）,,,,,,,,,,,,,\n"
HEADER = (
    "编号,客户,项目,团队,处理人,报告时间,渠道,类别,原因,严重程度,状态,问题描述,处理结果,责任方\n"
)


def csv(*rows, header=HEADER, title=TITLE, encoding="gbk") -> bytes:
    return (title + header + "".join(rows)).encode(encoding)


class CaseImportTests(AftersalesTestCase):
    def preview(self, data, user=None, filename="售后登记表.csv", **options):
        user = user or self.lead_a
        return import_preview(
            importer=CaseImporter(user, options, now=NOW),
            data=data,
            filename=filename,
            kind="case_register",
            by=user,
        )

    def commit(self, data, user=None, **options):
        batch, preview = self.preview(data, user, **options)
        self.assertTrue(preview.ok, [str(e) for e in preview.errors])
        import_commit(importer=CaseImporter(user or self.lead_a, options, now=NOW), batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.COMMITTED, batch.error)
        return preview

    def errors(self, data, user=None) -> list[str]:
        return [str(error) for error in self.preview(data, user)[1].errors]

    def test_a_gbk_register_with_a_title_row_adds_and_changes_cases(self):
        changed = self.register(nov(2), handler=self.worker_a, cause=self.cause_line)
        rows = [
            f"{changed.number},甲公司,,,小祁,2026-11-02 10:00,电话,,线路故障,高,处理中,"
            "客户反映无法外呼,,\n",
            "SH-X-1,,宽带,电销一组,横洲,2026-11-30 10:30,企业微信,网络,信号差,紧急,,掉线,,\n",
            ",,,,横洲,2026/11/27,邮件,,账单错误,,已解决,账单多扣,已退款,\n",
        ]
        preview = self.commit(csv(*rows))
        self.assertEqual((preview.counts()["new"], preview.counts()["changed"]), (2, 1))
        changed.refresh_from_db()
        self.assertEqual(
            (changed.partner, changed.severity, changed.status, changed.version),
            (self.customer_a, Severity.HIGH, CaseStatus.IN_PROGRESS, 2),
        )
        self.assertEqual(
            (changed.respond_by, changed.resolve_by), services.deadlines(Severity.HIGH, nov(2))
        )
        self.assertEqual(changed.responded_at, NOW)
        self.assertEqual(changed.history.first().history_user, self.lead_a)
        new = Case.objects.get(number="SH-X-1")
        self.assertEqual(
            (new.team, new.lead, new.handler, new.reported_at, new.channel),
            (self.team_a, self.lead_a, self.member_a_employee, nov(30, 10, 30), Channel.WECOM),
        )
        self.assertEqual((new.category.name, new.cause.name), ("网络", "信号差"))
        self.assertEqual(
            (new.respond_by, new.resolve_by), services.deadlines(Severity.URGENT, nov(30, 10, 30))
        )
        self.assertEqual(new.steps.get().what, "登记")
        self.assertTrue(Category.objects.filter(name="网络").exists())
        numbered = Case.objects.get(description="账单多扣")
        self.assertEqual(numbered.number, "SH202611-0002")  # the month's second case
        self.assertEqual(
            (numbered.status, numbered.resolved_at, numbered.cause),
            (CaseStatus.RESOLVED, NOW, self.cause_bill),
        )

    def test_bad_rows_reject_the_whole_file_with_every_error(self):
        self.register(nov(2))
        rows = [
            "A-1,丁集团,,,横洲,2026-11-30 10:30,,,,,,断网,,\n",  # not a partner
            "A-2,,,,横洲,2026-11-31 10:30,,,,,,断网,,\n",
            "A-3,,,,横洲,2026-11-30 10:30,,,,很急,,断网,,\n",
            "A-4,,,,横洲,2026-11-30 10:30,,,,,,,,\n",
            "A-5,,,,横洲,,,,,,,断网,,\n",  # a new case needs its report time
            "A-6,,,,横洲,2026-11-30 10:30,,,,,已关闭,断网,,\n",
            "A-7,,,,横洲,2026-11-30 10:30,,,,,,断网,,后端\n",  # the supervisors' to decide
            "A-5,,,,横洲,2026-11-30 10:30,,,,,,断网,,\n",
            "A-8,,,,横洲,2026-12-30 10:30,,,,,,断网,,\n",
        ]
        batch, preview = self.preview(csv(*rows))
        self.assertEqual(
            [str(error) for error in preview.errors],
            [
                '第 3 行「客户」：合作单位中没有 "丁集团"：请先添加',
                '第 4 行「报告时间」：无法识别的时间 "2026-11-31 10:30"',
                '第 5 行「严重程度」：无法识别的严重程度 "很急"，可填：紧急、高、普通',
                "第 6 行「问题描述」：必填，不能为空",
                "第 11 行「报告时间」：报告时间 2026-12-30 10:30 晚于现在",
                "第 10 行「编号」：与第 7 行编号重复",
            ],
        )
        self.assertEqual(batch.counts["errors"], 6)
        # the rules only the comparison tells, once the rows' cells are right
        self.assertEqual(
            self.errors(csv(rows[4], rows[5], rows[6])),
            [
                "第 3 行「报告时间」：新案例须填写报告时间",
                "第 4 行「处理结果」：已解决或已关闭的案例须写明处理结果",
                "第 5 行「责任方」：责任方由督办认定：请留空或保持原样",
            ],
        )
        self.assertEqual(Case.objects.count(), 1)
        preview = self.commit(csv(rows[6]), user=self.supervisor)
        self.assertEqual(Case.objects.get(number="A-7").responsibility, Responsibility.BACK)

    def test_a_case_of_another_team_cannot_be_imported(self):
        theirs = self.register(nov(2), team=self.team_b, by=self.lead_b)
        row = f"{theirs.number},,,,小祁,2026-11-02 10:00,,,,,,改掉,,\n"
        self.assertEqual(
            self.errors(csv(row)), [f"第 3 行「编号」：编号 {theirs.number} 已是其他团队的案例"]
        )
        self.assertEqual(
            self.errors(csv("B-1,,,,周敏,2026-11-30 10:30,,,,,,断网,,\n")),
            ["第 3 行「处理人」：“周敏”不在您能导入数据的团队"],
        )
        self.assertEqual(
            self.errors(csv("B-1,,,电销二组,,2026-11-30 10:30,,,,,,断网,,\n")),
            ['第 3 行「团队」：没有这个团队，或您无权导入它的数据 "电销二组"'],
        )
        errors = self.errors(csv("B-1,,,,横洲,2026-11-30 10:30,,,,,,断网,,\n"), self.executive)
        self.assertEqual(errors, ["第 3 行「处理人」：“横洲”不在您能导入数据的团队"])
        theirs.refresh_from_db()
        self.assertEqual((theirs.description, Case.objects.count()), ("客户反映无法外呼", 1))

    def test_it_refuses_a_stale_edit(self):
        case = self.register(nov(2))
        row = f"{case.number},,,,,2026-11-02 10:00,,,,,,改过的描述,,\n"
        batch, preview = self.preview(csv(row))
        self.assertEqual(preview.counts()["changed"], 1)
        Case.objects.filter(pk=case.pk).update(version=5)
        import_commit(importer=CaseImporter(self.lead_a, {}, now=NOW), batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn(f"有 1 个案例已被他人修改（{case.number}）", batch.error)
        case.refresh_from_db()
        self.assertEqual(case.description, "客户反映无法外呼")

    def test_a_report_time_is_read_as_offices_write_it(self):
        self.assertEqual(parse_moment("2026-11-30 10:30"), nov(30, 10, 30))
        self.assertEqual(
            parse_moment("2026年11月30日 10：30：15"), nov(30, 10, 30).replace(second=15)
        )
        naive = dt.datetime(2026, 11, 30, 10, 30)  # noqa: DTZ001 - as a spreadsheet gives it
        self.assertEqual(parse_moment(naive), nov(30, 10, 30))
        self.assertEqual(parse_moment(46356.4375), nov(30, 10, 30))  # Excel's serial
        self.assertEqual(parse_moment("2026/11/30"), nov(30, 0))
        self.assertIsNone(parse_moment(""))
        with self.assertRaises(ParseError):
            parse_moment("2026-11-30 25:00")

    def test_the_page_imports_for_a_lead_and_the_list_offers_it(self):
        self.client.force_login(self.lead_a)
        link = reverse("aftersales:import")
        self.assertContains(self.client.get(reverse("aftersales:case_list")), link)
        upload = SimpleUploadedFile("售后.csv", csv("C-1,,,,横洲,2026-11-30 10:30,,,,,,断网,,\n"))
        response = self.client.post(link, {"file": upload})
        batch = ImportBatch.objects.get(kind="case_register")
        self.assertRedirects(response, reverse("aftersales:import_preview", args=[batch.pk]))
        response = self.client.post(reverse("aftersales:import_commit", args=[batch.pk]))
        self.assertRedirects(response, reverse("aftersales:case_list"))
        self.assertEqual(Case.objects.get().number, "C-1")
        self.client.force_login(self.executive)
        self.assertNotContains(self.client.get(reverse("aftersales:case_list")), link)


class CaseRoundTripTests(AftersalesTestCase):
    def test_what_the_command_exports_reimports_changing_nothing(self):
        self.register(nov(2), handler=self.worker_a, partner=self.customer_a, project="宽带")
        seconds = self.register(nov(3, 9, 15).replace(second=42, microsecond=5000))
        urgent = self.register(nov(4), severity=Severity.URGENT, cause=self.cause_line)
        self.register(nov(5), team=self.team_b, by=self.lead_b, description="=SUM(A1)")
        self.resolve(urgent, nov(5, 11))
        self.decide(urgent, nov(6))
        self.move(seconds, "accept", nov(3, 10))
        versions = dict(Case.objects.values_list("pk", "version"))
        out = scratch_folder() / "售后登记表.xlsx"
        with frozen(NOW):
            call_command("export", "aftersales", out=out, stdout=io.StringIO())
            rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
            self.assertEqual(rows[0][:6], ["编号", "客户", "项目", "团队", "处理人", "报告时间"])
            self.assertEqual(rows[2][5], "2026-11-03 09:15:42")
            self.assertEqual(len(rows), 1 + 4)
            report = io.StringIO()
            call_command("import", "aftersales", out, stdout=report)
        self.assertIn("新增 0 行，更新 0 行，未变 4 行", report.getvalue())
        self.assertEqual(dict(Case.objects.values_list("pk", "version")), versions)
