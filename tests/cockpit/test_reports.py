"""The weekly and monthly supervision report: its figures on a hand-built week, the page per
role, the PDF and the workbook, the announcement to the executives, `duban report`."""

import datetime as dt
import io
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from duban.cockpit import report_files, reports
from duban.cockpit.models import Snapshot
from duban.notify.models import OutboxMessage
from duban.org.models import Team
from duban.supervision.choices import CheckInStatus, Escalation, PlanStatus, RiskLevel
from tests.base import BaseTestCase
from tests.supervision.factories import CheckInFactory, PlanFactory, RiskFactory

WEEK = reports.Period(reports.WEEKLY, dt.date(2026, 11, 23), dt.date(2026, 11, 29))
TODAY = dt.date(2026, 12, 1)
REPORT = reverse("cockpit:report")


class ReportFiguresTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for day, status in [(23, "done"), (24, "done"), (25, "waived"), (26, "planned")]:
            CheckInFactory(
                team=cls.team_a,
                lead=cls.lead_a,
                owner=cls.supervisor,
                date=dt.date(2026, 11, day),
                status=status,
                waive_reason="主管外出" if status == "waived" else "",
            )
        CheckInFactory(team=cls.team_c, date=dt.date(2026, 11, 24))  # line 2
        cls.opened = RiskFactory(
            team=cls.team_a, line=cls.line_1, opened_on=dt.date(2026, 11, 24), level="red"
        )
        before = RiskFactory(team=cls.team_b, line=cls.line_1, opened_on=dt.date(2026, 11, 20))
        failed = PlanFactory(
            risk=before, team=cls.team_b, lead=cls.lead_b, demanded_by=cls.supervisor
        )
        failed.status, failed.closed_on = PlanStatus.FAILED, dt.date(2026, 11, 27)
        failed.save()
        cls.failed = failed
        for day, value in [(dt.date(2026, 11, 20), 100), (dt.date(2026, 11, 27), 160)]:
            Snapshot.objects.create(team=cls.team_a, day=day, code="as_open", value=value)
            Snapshot.objects.create(team=cls.team_b, day=day, code="as_open", value=1)
            Snapshot.objects.create(team=cls.team_c, day=day, code="as_open", value=1000)

    def of_line_1(self):
        return reports.report(Team.objects.filter(line=self.line_1), WEEK, TODAY)

    def test_what_was_followed_kept_and_missed(self):
        followed = self.of_line_1()["followed"]
        self.assertEqual(dict(followed["total"]), {"done": 2, "waived": 1, "missed": 1})
        self.assertEqual([team for team, _c in followed["rows"]], ["电销一组"])

    def test_risks_opened_forced_landed_and_failed(self):
        risks = self.of_line_1()["risks"]
        self.assertEqual(risks["opened"], 1)
        self.assertEqual(risks["failed"], [self.failed])
        self.assertEqual(risks["forced"], 0)  # the plans were made before the week (today)
        self.assertGreaterEqual(risks["open_red"], 1)

    def test_figures_come_from_the_snapshots_before_and_in_the_period(self):
        rows = {row["label"]: row for row in self.of_line_1()["figures"]["rows"]}
        found = next(row for label, row in rows.items() if "未解决" in str(label))
        self.assertEqual(
            (found["start"], found["end"], found["change"]),
            (Decimal(101), Decimal(161), Decimal(60)),  # line 2's 1,000 not counted
        )

    def test_escalated_items_go_to_the_executive(self):
        checkin = CheckInFactory(
            team=self.team_a,
            lead=self.lead_a,
            date=dt.date(2026, 11, 25),
            status=CheckInStatus.PLANNED,
            escalation=Escalation.SUPERVISOR,
        )
        decisions = self.of_line_1()["decisions"]
        self.assertIn(str(checkin), [row["item"] for row in decisions])
        line_2 = reports.report(Team.objects.filter(line=self.line_2), WEEK, TODAY)
        self.assertNotIn(str(checkin), [row["item"] for row in line_2["decisions"]])

    def test_the_last_complete_week_and_month(self):
        self.assertEqual(reports.last_complete("weekly", TODAY), WEEK)
        month = reports.last_complete("monthly", TODAY)
        self.assertEqual((month.start, month.end), (dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
        self.assertEqual(WEEK.previous().start, dt.date(2026, 11, 16))

    def test_the_workbook_holds_a_sheet_a_section_and_text_stays_text(self):
        Team.objects.filter(pk=self.team_b.pk).update(name="=HYPERLINK(1)")  # it would run
        context = self.of_line_1()
        target = io.BytesIO()
        report_files.as_xlsx(context, target)
        book = CalamineWorkbook.from_filelike(io.BytesIO(target.getvalue()))
        self.assertEqual(
            book.sheet_names, ["跟进", "风险与方案", "各领域指标", "主管评分", "待领导决策"]
        )
        rows = book.get_sheet_by_name("待领导决策").to_python()
        self.assertIn("=HYPERLINK(1)", [cell for row in rows for cell in row])

    def test_the_pdf_is_a_pdf_with_its_fonts(self):
        pdf = report_files.as_pdf(self.of_line_1(), uncompressed_pdf=True)
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertIn(b"NotoSansCJK", pdf)  # the Chinese text has its font, embedded


class ReportPageTests(BaseTestCase):
    def test_the_executive_reads_every_line_the_supervisor_theirs(self):
        for user, teams in [
            (self.executive, {"电销一组", "电销二组", "电销四组"}),
            (self.supervisor, {"电销一组", "电销二组"}),
            (self.other_supervisor, {"电销四组"}),
        ]:
            with self.subTest(user.username):
                self.client.force_login(user)
                page = self.client.get(REPORT, {"kind": "monthly", "start": "2026-11-05"})
                self.assertEqual({t.name for t in page.context["teams"]}, teams)
                self.assertEqual(page.context["period"].start, dt.date(2026, 11, 1))

    def test_a_line_the_reader_does_not_see_is_not_found(self):
        self.client.force_login(self.other_supervisor)
        self.assertEqual(self.client.get(REPORT, {"line": self.line_1.pk}).status_code, 404)

    def test_leads_and_members_have_no_report(self):
        for user in [self.lead_a, self.member_a]:
            self.client.force_login(user)
            self.assertEqual(self.client.get(REPORT).status_code, 403)

    def test_nonsense_parameters_show_last_week(self):
        self.client.force_login(self.supervisor)
        today = timezone.localdate()
        for params in [{"kind": "daily"}, {"start": "2026-13-01"}, {"start": "1999-01-01"}]:
            with self.subTest(params):
                page = self.client.get(REPORT, params)
                self.assertEqual(page.status_code, 200)
                self.assertLessEqual(page.context["period"].start, today)

    def test_the_page_downloads_as_pdf_and_excel(self):
        self.client.force_login(self.executive)
        pdf = self.client.get(REPORT, {"kind": "weekly", "format": "pdf"})
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        xlsx = self.client.get(REPORT, {"kind": "weekly", "format": "xlsx"})
        book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
        self.assertEqual(book.sheet_names[0], "跟进")

    def test_the_supervisor_sends_it_to_the_executives_once(self):
        self.client.force_login(self.supervisor)
        data = {"kind": "weekly", "start": "2026-11-23", "line": self.line_1.pk}
        self.client.post(reverse("cockpit:report_send"), data)
        recipients = set(OutboxMessage.objects.values_list("recipient__username", flat=True))
        self.assertEqual(recipients, {"lingdao"})  # the executive, who heads line 1
        message = OutboxMessage.objects.get()
        self.assertIn("督办周报 2026-11-23 – 11-29", message.reason)
        self.assertEqual(self.client.get(message.link).status_code, 200)
        self.client.post(reverse("cockpit:report_send"), data)
        self.assertEqual(OutboxMessage.objects.count(), 1)

    def test_the_executive_sends_nothing(self):
        self.client.force_login(self.executive)
        response = self.client.post(reverse("cockpit:report_send"), {"kind": "weekly"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(OutboxMessage.objects.exists())


class ReportCommandTests(BaseTestCase):
    def run_report(self, *args):
        out = io.StringIO()
        call_command("report", *args, stdout=out)
        return out.getvalue()

    def test_duban_report_writes_a_workbook_pdf_or_page_by_the_extension(self):
        with tempfile.TemporaryDirectory() as folder:
            for name in ["周报.xlsx", "周报.pdf", "周报.html"]:
                with self.subTest(name):
                    path = Path(folder) / name
                    said = self.run_report("weekly", "--line", "华东业务线", "--out", str(path))
                    self.assertIn("已生成 督办周报", said)
                    self.assertGreater(path.stat().st_size, 1000)
            html = (Path(folder) / "周报.html").read_text(encoding="utf-8")
            self.assertIn("华东业务线", html)
            self.assertIn("2 个团队", html)

    def test_bad_arguments_are_said_in_chinese(self):
        for args, said in [
            (["weekly", "--line", "华北"], "没有业务条线"),
            (["weekly", "--out", "a.doc"], "不支持的文件类型"),
            (["monthly", "--start", "2026-02-30"], "无法识别的日期"),
            (["monthly", "--start", "2099-01-01"], "不在 2000-01-01 到今天之间"),
        ]:
            with self.subTest(args), self.assertRaisesMessage(CommandError, said):
                self.run_report(*args)

    def test_a_red_risk_is_counted_once(self):
        RiskFactory(team=self.team_a, line=self.line_1, opened_on=TODAY, level=RiskLevel.RED)
        context = reports.report(Team.objects.filter(line=self.line_1), WEEK.following(), TODAY)
        self.assertEqual(context["risks"]["opened"], 1)
