"""Importing the leads table (销线表) and the daily summary sheet (销线综述表) through the generic
machinery: new and changed leads written as the pages write them, every error at once, only
into the user's front teams, and an export that re-imports changing nothing (issue 13,
point 9)."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from duban.core.models import ImportBatch
from duban.core.services import import_commit, import_preview
from duban.leads import selectors
from duban.leads.choices import Stage
from duban.leads.importers import LeadImporter, SummaryImporter
from duban.leads.models import LeadSummary, SalesLead
from duban.org.choices import EmployeeStatus
from tests.factories import EmployeeFactory
from tests.leads.base import MONDAY, LeadsTestCase, day
from tests.scratch import scratch_folder

TODAY = day(20)
TITLE = "电销一组销线表（2026年11月）,,,,,,,,,,\n"
HEADER = (
    "合作单位,意向客户,负责人,阶段,预计金额,合作概率,下一步,下一步日期,交付日期,流失原因,对应需求\n"
)


def csv(*rows, header=HEADER, title=TITLE, encoding="gbk") -> bytes:
    return (title + header + "".join(rows)).encode(encoding)


class ImportTestCase(LeadsTestCase):
    importer = LeadImporter
    kind = "lead_table"

    def preview(self, data, user=None, filename="销线表.csv", **options):
        user = user or self.lead_a
        return import_preview(
            importer=self.importer(user, options, today=TODAY),
            data=data,
            filename=filename,
            kind=self.kind,
            by=user,
        )

    def commit(self, data, user=None, **options):
        batch, preview = self.preview(data, user, **options)
        self.assertTrue(preview.ok, [str(e) for e in preview.errors])
        import_commit(
            importer=self.importer(user or self.lead_a, options, today=TODAY), batch=batch
        )
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.COMMITTED, batch.error)
        return preview

    def errors(self, data, user=None) -> list[str]:
        return [str(error) for error in self.preview(data, user)[1].errors]


class LeadImportTests(ImportTestCase):
    def test_a_gbk_table_with_a_title_row_adds_and_changes_leads(self):
        changed = self.lead(next_step="电话")  # 乙集团 · 小祁, 50 %
        linked = self.lead(partner=None, prospect="丁公司", owner=self.member_a_employee)
        request = self.agreed()
        rows = [
            "乙集团,,小祁,谈判,12.5万,60%,约面谈,2026-11-24,,,\n",
            f",丙公司,横洲,接触,,0.3,,,,,{request.pk}\n",
            "甲公司,丁公司,横洲,方案/报价,,50,,,,,\n",  # 丁公司 has become a partner
        ]
        preview = self.commit(csv(*rows))
        self.assertEqual(preview.counts()["new"], 1)
        self.assertEqual(preview.counts()["changed"], 2)
        changed.refresh_from_db()
        self.assertEqual(
            (changed.stage, changed.value, changed.probability, changed.probability_on),
            (Stage.NEGOTIATION, Decimal("125000.00"), 60, TODAY),
        )
        self.assertEqual(
            (changed.next_step, changed.next_on, changed.version), ("约面谈", day(24), 2)
        )
        self.assertEqual(changed.history.first().history_user, self.lead_a)
        new = SalesLead.objects.get(prospect="丙公司")
        self.assertEqual(
            (new.team, new.owner, new.stage, new.probability, new.request),
            (self.team_a, self.member_a_employee, Stage.CONTACT, 30, request),
        )
        self.assertEqual((new.delivered_on, new.probability_on), (TODAY, TODAY))
        linked.refresh_from_db()
        self.assertEqual((linked.partner, linked.stage), (self.customer_a, Stage.PROPOSAL))
        self.assertEqual(linked.probability_on, MONDAY)  # the same probability: not re-dated

    def test_won_or_lost_closes_the_lead_and_a_loss_needs_its_reason(self):
        won = self.lead()
        lost = self.lead(partner=None, prospect="丙公司")
        rows = ["乙集团,,小祁,签约,,100,,,,,\n", ",丙公司,小祁,丢单,,0,,,,,\n"]
        self.assertEqual(
            self.errors(csv(*rows)), ["第 4 行「流失原因」：已流失的销线须写明流失原因"]
        )
        self.commit(csv(rows[0], ",丙公司,小祁,丢单,,0,,,,预算取消,\n"))
        won.refresh_from_db()
        lost.refresh_from_db()
        self.assertEqual((won.stage, won.closed_on), (Stage.WON, TODAY))
        self.assertEqual(
            (lost.stage, lost.closed_on, lost.lost_reason), (Stage.LOST, TODAY, "预算取消")
        )

    def test_a_lost_lead_without_a_reason_in_the_table_keeps_the_one_it_has(self):
        lost = self.lead(stage=Stage.LOST, lost_reason="价格", closed_on=MONDAY)
        data = "合作单位,负责人,阶段,合作概率\n乙集团,小祁,流失,10\n".encode()
        self.commit(data)
        lost.refresh_from_db()
        self.assertEqual((lost.probability, lost.lost_reason, lost.closed_on), (10, "价格", MONDAY))

    def test_bad_rows_reject_the_whole_file_with_every_error(self):
        other = self.raised(team=self.team_b)
        rows = [
            "丁集团,,小祁,接触,,50,,,,,\n",  # not a partner
            ",丙公司,小祁,搁置,,50,,,,,\n",
            ",丙公司,小祁,接触,,120%,,,,,\n",
            ",丙公司,小祁,接触,-3000,50,,2026年13月40日,,,\n",
            ",丙公司,,接触,,50,,,,,\n",
            ",,小祁,接触,,50,,,,,\n",
            ",丙公司,小祁,接触,,,,,2026-11-03,,\n",  # a new lead needs its probability
            f",戊公司,小祁,接触,,50,,,,,{other.pk}\n",  # a request team B took
            ",己公司,小祁,已流失,,0,,,,,\n",
        ]
        batch, preview = self.preview(csv(*rows))
        self.assertEqual(
            [str(error) for error in preview.errors],
            [
                '第 3 行「合作单位」：合作单位中没有 "丁集团"：请先添加，或写在意向客户列',
                '第 4 行「阶段」：无法识别的阶段 "搁置"，可填：初步接触、需求确认、方案报价、'
                "商务谈判、已合作、已流失",
                '第 5 行「合作概率」：合作概率应在 0 到 100 之间："120%"',
                '第 6 行「下一步日期」：无法识别的日期 "2026年13月40日"',
                "第 6 行「预计金额」：预计金额不能为负数",
                "第 7 行「负责人」：必填，不能为空",
                "第 8 行「合作单位」：请填写合作单位或意向客户",
                f"第 10 行「对应需求」：没有编号为 {other.pk} 的需求，或它不是电销一组承接的需求",
                "第 11 行「流失原因」：已流失的销线须写明流失原因",
            ],
        )
        self.assertEqual(batch.counts["errors"], 9)
        self.assertFalse(SalesLead.objects.exists())
        # the rule a row's fields pass only the comparison tells: a new lead's probability
        only = self.errors(csv(rows[6]))
        self.assertEqual(only, ["第 3 行「合作概率」：新销线须填写合作概率"])

    def test_a_lead_of_another_team_cannot_be_imported(self):
        self.assertEqual(
            self.errors(csv(",丙公司,周敏,接触,,50,,,,,\n")),
            ["第 3 行「负责人」：“周敏”不在您能导入数据的团队"],
        )
        header = "团队," + HEADER
        self.assertEqual(
            self.errors(csv("电销二组,,丙公司,小祁,接触,,50,,,,,\n", header=header)),
            ['第 3 行「团队」：没有这个团队，或您无权导入它的数据 "电销二组"'],
        )
        # the back end sees the leads delivered to it but keeps no leads table; an executive
        # sees team A and imports nothing
        for user in (self.back_lead, self.executive):
            errors = self.errors(csv(",丙公司,小祁,接触,,50,,,,,\n"), user=user)
            self.assertEqual(errors, ["第 3 行「负责人」：“小祁”不在您能导入数据的团队"])
        self.assertFalse(SalesLead.objects.exists())

    def test_a_row_that_matches_two_leads_needs_its_delivery_date(self):
        first = self.lead(delivered_on=day(3))
        self.lead(delivered_on=day(10))
        self.assertEqual(
            self.errors(csv("乙集团,,小祁,谈判,,70,,,,,\n")),
            ["第 3 行「合作单位」：本团队有 2 条负责人和客户都相同的销线：请填写交付日期以区分"],
        )
        self.commit(csv("乙集团,,小祁,谈判,,70,,,2026-11-03,,\n"))
        first.refresh_from_db()
        self.assertEqual((first.stage, first.probability), (Stage.NEGOTIATION, 70))
        self.assertEqual(
            self.errors(
                csv("乙集团,,小祁,谈判,,70,,,2026-11-03,,\n", "乙集团,,小祁,谈判,,70,,,,,\n")
            ),
            [
                "第 4 行「合作单位」：本团队有 2 条负责人和客户都相同的销线：请填写交付日期以区分",
            ],
        )

    def test_a_new_attempt_at_a_partner_once_lost_is_a_new_lead(self):
        lost = self.lead(stage=Stage.LOST, lost_reason="价格", closed_on=day(5))
        preview = self.commit(csv("乙集团,,小祁,接触,,20,,,2026-11-19,,\n"))
        self.assertEqual(preview.counts()["new"], 1)
        lost.refresh_from_db()
        self.assertEqual(lost.stage, Stage.LOST)
        self.assertEqual(SalesLead.objects.filter(partner=self.partner).count(), 2)

    def test_it_refuses_a_stale_edit(self):
        lead = self.lead()
        batch, preview = self.preview(csv("乙集团,,小祁,谈判,,70,,,,,\n"))
        SalesLead.objects.filter(pk=lead.pk).update(version=5, next_step="改过")
        import_commit(importer=LeadImporter(self.lead_a, {}, today=TODAY), batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn("有 1 条销线已被他人修改（乙集团）", batch.error)
        lead.refresh_from_db()
        self.assertEqual((lead.stage, lead.probability), (Stage.CONTACT, 50))

    def test_the_page_imports_for_a_lead_and_the_list_offers_it(self):
        self.client.force_login(self.lead_a)
        link = reverse("leads:leads_import")
        self.assertContains(self.client.get(reverse("leads:lead_list")), link)
        upload = SimpleUploadedFile("销线表.csv", csv(",丙公司,小祁,接触,,40,,,,,\n"))
        response = self.client.post(link, {"file": upload})
        batch = ImportBatch.objects.get(kind="lead_table")
        self.assertRedirects(response, reverse("leads:leads_import_preview", args=[batch.pk]))
        response = self.client.post(reverse("leads:leads_import_commit", args=[batch.pk]))
        self.assertRedirects(response, reverse("leads:lead_list"))
        self.assertEqual(SalesLead.objects.get().delivered_on, timezone.localdate())
        self.client.force_login(self.executive)
        self.assertNotContains(self.client.get(reverse("leads:lead_list")), link)


class LeadRoundTripTests(LeadsTestCase):
    def test_what_the_command_exports_reimports_changing_nothing(self):
        request = self.agreed()
        left = EmployeeFactory(name="老周", team=self.team_a)
        self.lead(value=Decimal("123456.78"), next_step="=先约见", next_on=day(25))
        self.lead(delivered_on=day(9), prospect="乙集团华东分公司", request=request)
        self.lead(partner=None, prospect="丙公司", probability=0, owner=left)
        self.lead(stage=Stage.LOST, lost_reason="预算取消", closed_on=day(12), delivered_on=day(4))
        self.lead(stage=Stage.WON, closed_on=day(13), partner=self.customer_a)
        SalesLead.objects.create(
            team=self.team_b,
            owner=self.worker_b,
            prospect="庚公司",
            probability=35,
            probability_on=MONDAY,
            delivered_on=MONDAY,
        )
        left.status, left.leave_date = EmployeeStatus.LEFT, day(16)
        left.save()
        versions = dict(SalesLead.objects.values_list("pk", "version"))
        out = scratch_folder() / "销线表.xlsx"
        call_command("export", "leads", out=out, stdout=io.StringIO())
        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        self.assertEqual(rows[0][:4], ["团队", "负责人", "合作单位", "意向客户"])
        self.assertEqual(len(rows), 1 + 6)
        report = io.StringIO()
        call_command("import", "leads", out, stdout=report)
        self.assertIn("新增 0 行，更新 0 行，未变 6 行", report.getvalue())
        self.assertEqual(dict(SalesLead.objects.values_list("pk", "version")), versions)

    def test_a_lead_exports_only_the_leads_of_its_teams(self):
        self.lead()
        self.assertEqual(selectors.leads_for_export(self.lead_a).count(), 1)
        self.assertEqual(selectors.leads_for_export(self.lead_b).count(), 0)
        self.assertEqual(selectors.leads_for_export(self.back_lead).count(), 0)


SUMMARY = "日期,团队,综述,下一目标,下一节点\n"


class SummaryImportTests(ImportTestCase):
    importer = SummaryImporter
    kind = "lead_summary"

    def test_the_summary_sheet_writes_each_team_s_day_with_its_figures(self):
        self.lead(delivered_on=day(19))
        LeadSummary.objects.create(
            team=self.team_a, date=day(19), text="旧", next_target="目标", next_milestone="节点"
        )
        rows = [
            "2026-11-18,电销一组,跟进乙集团,再交付 5 条,11-25 首批\n",
            "2026/11/19,电销一组,乙集团已交付,再交付 4 条,11-25 首批\n",
            "2026年11月20日,电销二组,开始跟进,交付 3 条,11-27\n",
        ]
        preview = self.commit(csv(*rows, header=SUMMARY, title=""), user=self.supervisor)
        counts = preview.counts()
        self.assertEqual((counts["new"], counts["changed"]), (2, 1))
        summary = LeadSummary.objects.get(team=self.team_a, date=day(19))
        self.assertEqual((summary.text, summary.written_by), ("乙集团已交付", self.supervisor))
        self.assertEqual(summary.figures, selectors.day_figures(self.team_a, day(19)))
        self.assertEqual(summary.figures["delivered"], 1)
        self.assertEqual(LeadSummary.objects.get(team=self.team_b).next_milestone, "11-27")
        again = self.commit(csv(*rows, header=SUMMARY, title=""), user=self.supervisor)
        self.assertEqual(again.counts()["unchanged"], 3)

    def test_a_sheet_without_a_team_column_is_the_chosen_team_s(self):
        data = "日期,综述,下一目标,下一节点\n2026-11-20,今天交付 2 条,再交付 3 条,周五\n"
        self.commit(data.encode(), team=str(self.team_a.pk))
        self.assertEqual(LeadSummary.objects.get().team, self.team_a)

    def test_bad_rows_reject_the_sheet_with_every_error(self):
        rows = [
            "2026-11-21,电销一组,明天的,目标,节点\n",
            "2026-11-19,电销二组,别的组,目标,节点\n",
            "2026-11-19,合作一组,后端,目标,节点\n",
            "2026-11-19,电销一组,,目标,节点\n",
            "2026-11-18,电销一组,一,目标,节点\n",
            "2026-11-18,电销一组,二,目标,节点\n",
        ]
        self.assertEqual(
            self.errors(csv(*rows, header=SUMMARY, title="")),
            [
                "第 2 行「日期」：日期 2026-11-21 晚于今天",
                '第 3 行「团队」：没有这个团队，或您无权导入它的数据 "电销二组"',
                '第 4 行「团队」：没有这个团队，或您无权导入它的数据 "合作一组"',
                "第 5 行「综述」：必填，不能为空",
                "第 7 行「日期」：与第 6 行是同一团队同一天的综述",
            ],
        )
        self.assertFalse(LeadSummary.objects.exists())

    def test_the_team_s_summary_page_offers_its_sheet(self):
        self.client.force_login(self.lead_a)
        page = self.client.get(reverse("leads:summary") + f"?team={self.team_a.pk}")
        link = reverse("leads:summary_import") + f"?team={self.team_a.pk}"
        self.assertContains(page, link)
        form = self.client.get(link).context["form"]
        self.assertEqual(form["team"].value(), str(self.team_a.pk))
        today = timezone.localdate()
        data = f"日期,综述,下一目标,下一节点\n{today},今天交付 2 条,再交付 3 条,周五\n"
        upload = SimpleUploadedFile("综述.csv", data.encode())
        response = self.client.post(link, {"file": upload, "team": self.team_a.pk})
        batch = ImportBatch.objects.get(kind="lead_summary")
        self.client.post(reverse("leads:summary_import_commit", args=[batch.pk]))
        self.assertEqual(LeadSummary.objects.get().team, self.team_a)
        self.assertEqual(response.status_code, 302)
        self.client.force_login(self.executive)
        page = self.client.get(reverse("leads:summary") + f"?team={self.team_a.pk}")
        self.assertNotContains(page, reverse("leads:summary_import"))
