"""Importing the project table (项目表) and the daily indicator sheet (每日指标表): new and changed
projects written as the pages write them, each import a dated version of each team's table
with its difference, every error at once, only into the user's teams, and an export that
re-imports changing nothing (issue point 8)."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from duban.core.importing import IGNORE
from duban.core.models import ImportBatch
from duban.core.services import import_commit, import_preview
from duban.partners.models import Partner
from duban.projects import selectors
from duban.projects.choices import CycleClass, ProjectStatus, Stage, TargetKind
from duban.projects.importers import ActualsImporter, ProjectImporter
from duban.projects.models import Actual, Project
from duban.supervision.models import TableVersion
from tests.projects.base import ProjectsTestCase, day
from tests.scratch import scratch_folder

TODAY = day(20)
TITLE = "电销一组项目表（2026年11月）,,,,,,,,,,,\n"
HEADER = (
    "项目名称,主管,合作单位,后端团队,后端对接人,开始日期,计划结束,阶段,目标类型,目标,状态,说明\n"
)


def csv(*rows, header=HEADER, title=TITLE, encoding="gbk") -> bytes:
    return (title + header + "".join(rows)).encode(encoding)


class ImportTestCase(ProjectsTestCase):
    importer = ProjectImporter
    kind = "project_table"

    def preview(self, data, user=None, filename="项目表.csv", **options):
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

    def errors(self, data, user=None, **options) -> list[str]:
        return [str(error) for error in self.preview(data, user, **options)[1].errors]


class ProjectImportTests(ImportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.partner = Partner.objects.create(name="乙集团")

    def test_a_gbk_table_with_a_title_row_adds_and_changes_projects(self):
        broadband = self.short(name="宽带推广", note="首批")  # two months: short
        survey = self.short(name="满意度回访", stage=Stage.DELIVERY)
        kept = self.short(name="存量维系")
        rows = [
            "宽带推广,维盛,乙集团,交付一组,钱峰,2026-11-02,2027/3/31,推进,数量,1200,,首批\n",
            "满意度回访,,,交付一组,,,2027-01-01,交付,,,已完成,\n",
            "存量维系,,,交付一组,,2026-11-02,2027-01-01,调研,数量,,进行中,\n",
            "企业专线,,乙集团,,,2026-11-16,2027年2月12日,,金额,12.5万,,新签\n",
        ]
        preview = self.commit(csv(*rows))
        self.assertEqual(preview.counts(), {"new": 1, "changed": 2, "unchanged": 1, "errors": 0})
        broadband.refresh_from_db()
        self.assertEqual(
            (broadband.partner, broadband.back_contact, broadband.stage, broadband.target),
            (self.partner, "钱峰", Stage.PROMOTION, Decimal("1200.00")),
        )
        self.assertEqual((broadband.cycle, broadband.version), (CycleClass.MEDIUM, 2))
        self.assertEqual(broadband.history.first().history_user, self.lead_a)
        survey.refresh_from_db()
        self.assertEqual((survey.status, survey.stage), (ProjectStatus.DONE, Stage.DELIVERY))
        kept.refresh_from_db()
        self.assertEqual(kept.version, 1)
        new = Project.objects.get(name="企业专线")
        self.assertEqual(
            (new.team, new.lead, new.partner, new.back_team, new.stage, new.status),
            (self.team_a, self.lead_a, self.partner, None, Stage.RESEARCH, ProjectStatus.ACTIVE),
        )
        self.assertEqual(
            (new.target_kind, new.target, new.cycle, new.note),
            (TargetKind.AMOUNT, Decimal("125000.00"), CycleClass.SHORT, "新签"),
        )

    def test_the_import_is_a_dated_version_with_its_difference(self):
        self.short(name="宽带推广")
        self.short(name="满意度回访")
        rows = [
            "宽带推广,,,交付一组,,2026-11-02,2027-06-30,,,,,\n",  # now long
            "满意度回访,,,交付一组,,,2027-01-01,,,,已完成,\n",
            "企业专线,,,,,2026-11-16,2027-01-15,,,,,\n",
        ]
        self.commit(csv(*rows), as_of="2026-11-19")
        version = TableVersion.objects.get(kind="project_table")
        self.assertEqual((version.team, version.as_of, version.rows), (self.team_a, day(19), 3))
        self.assertEqual((version.new_count, version.changed_count), (1, 2))
        self.assertEqual(
            version.changes,
            {
                "new": ["企业专线"],
                "changed": ["宽带推广", "满意度回访"],
                "class_changed": ["宽带推广"],
                "finished": ["满意度回访"],
            },
        )
        self.assertEqual(version.summary, {"class_changed": 1, "finished": 1})
        again = self.commit(csv(*rows))  # the same table a day later: a version, no change
        self.assertEqual(again.counts()["unchanged"], 3)
        latest = TableVersion.objects.filter(kind="project_table").first()
        self.assertEqual((latest.as_of, latest.previous, latest.unchanged), (TODAY, version, True))

    def test_bad_rows_reject_the_whole_file_with_every_error(self):
        self.short(name="宽带推广")
        rows = [
            "宽带推广,维盛,丁集团,交付一组,,,2027-01-01,搁浅,,,,\n",
            ",维盛,,,,,2027-01-01,,,,,\n",
            "企业专线,,,交付九组,,2026-12-01,2026-11-30,,,,,\n",
            "存量维系,,,,,,2027-01-01,,件,-5,,\n",
            "存量维系,王立霞,,,,,2027-01-01,,,,,\n",
            "满意度回访,,,,,,2026年13月40日,,,,作废,\n",
            "存量维系,,,,,2026-11-02,2027-01-01,,,,,\n",
        ]
        batch, preview = self.preview(csv(*rows))
        self.assertEqual(
            [str(error) for error in preview.errors],
            [
                '第 3 行「阶段」：无法识别的阶段 "搁浅"，可填：调研、推进、交付、收尾',
                '第 3 行「合作单位」：往来单位中没有 "丁集团"：请先添加',
                "第 4 行「项目名称」：必填，不能为空",
                '第 5 行「后端团队」：没有这个后端团队 "交付九组"',
                "第 5 行「计划结束」：计划结束日期不能早于开始日期",
                '第 6 行「目标类型」：无法识别的目标类型 "件"，可填：数量、金额',
                "第 6 行「目标」：不能为负数",
                '第 8 行「计划结束」：无法识别的日期 "2026年13月40日"',
                '第 8 行「状态」：无法识别的状态 "作废"，可填：进行中、暂停、已完成、已取消',
                '第 9 行「项目名称」：与第 7 行是同一个项目 "存量维系"',
            ],
        )
        self.assertEqual(batch.counts["errors"], 10)
        self.assertEqual(list(Project.objects.values_list("name", flat=True)), ["宽带推广"])
        # the rules only the comparison tells: a 主管 of another team, a date far off
        self.assertEqual(
            self.errors(csv(rows[4], "企业专线,,,,,2020-01-01,2027-01-01,,,,,\n")),
            [
                "第 3 行「主管」：“王立霞”不是电销一组的主管",
                "第 4 行「开始日期」：日期应在五年内",
            ],
        )

    def test_another_team_is_refused(self):
        self.short(name="宽带推广", team=self.team_b, lead=self.lead_b)
        header = "团队," + HEADER
        self.assertEqual(
            self.errors(csv("电销二组,宽带推广,,,,,,2027-01-01,,,,,\n", header=header)),
            ['第 3 行「团队」：没有这个团队，或您无权导入它的数据 "电销二组"'],
        )
        # an executive sees team A and imports nothing
        self.assertEqual(
            self.errors(
                csv("电销一组,宽带推广,,,,,,2027-01-01,,,,,\n", header=header), self.executive
            ),
            ['第 3 行「团队」：没有这个团队，或您无权导入它的数据 "电销一组"'],
        )
        # a supervisor of line 2 sees neither
        errors = self.errors(csv("宽带推广,王立霞,,,,,2027-01-01,,,,,\n"), self.other_supervisor)
        self.assertEqual(errors, ["第 3 行「团队」：无法确定这一行属于哪个团队：请填写团队或主管"])
        self.assertEqual(Project.objects.get().version, 1)

    def test_a_supervisor_s_rows_find_their_team_by_their_lead(self):
        self.commit(csv("宽带推广,王立霞,,,,,2027-01-01,,,,,\n"), self.supervisor)
        self.assertEqual(Project.objects.get().team, self.team_b)

    def test_it_refuses_a_stale_edit(self):
        project = self.short(name="宽带推广")
        batch, preview = self.preview(csv("宽带推广,,,交付一组,,,2027-01-01,推进,,,,\n"))
        self.assertEqual(preview.counts()["changed"], 1)
        Project.objects.filter(pk=project.pk).update(version=5, note="改过")
        import_commit(importer=ProjectImporter(self.lead_a, {}, today=TODAY), batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn("有 1 个项目已被他人修改（宽带推广）", batch.error)
        project.refresh_from_db()
        self.assertEqual(project.stage, Stage.RESEARCH)
        self.assertFalse(TableVersion.objects.filter(kind="project_table").exists())

    def test_the_page_imports_for_a_lead_and_the_list_offers_it(self):
        self.client.force_login(self.lead_a)
        link = reverse("projects:table_import")
        page = self.client.get(reverse("projects:project_list"))
        self.assertContains(page, link)
        self.assertContains(page, reverse("projects:version_list"))
        upload = SimpleUploadedFile("项目表.csv", csv("企业专线,,,,,2026-11-16,2027-01-15,,,,,\n"))
        response = self.client.post(link, {"file": upload, "as_of": "2026-11-20"})
        batch = ImportBatch.objects.get(kind="project_table")
        self.assertRedirects(response, reverse("projects:table_import_preview", args=[batch.pk]))
        response = self.client.post(reverse("projects:table_import_commit", args=[batch.pk]))
        self.assertRedirects(response, reverse("projects:version_list"))
        version = TableVersion.objects.get(kind="project_table")
        self.assertEqual(version.as_of, day(20))
        page = self.client.get(reverse("projects:version_list"))
        self.assertContains(page, reverse("projects:version_detail", args=[version.pk]))
        detail = self.client.get(reverse("projects:version_detail", args=[version.pk]))
        self.assertContains(detail, "企业专线")
        self.client.force_login(self.executive)
        self.assertNotContains(self.client.get(reverse("projects:project_list")), link)
        self.client.force_login(self.lead_b)
        response = self.client.get(reverse("projects:version_detail", args=[version.pk]))
        self.assertEqual(response.status_code, 404)


class ProjectRoundTripTests(ProjectsTestCase):
    def test_what_the_command_exports_reimports_changing_nothing(self):
        partner = Partner.objects.create(name="乙集团")
        self.short(name="宽带推广", partner=partner, back_contact="钱峰", note="=先约见\n第二行")
        self.medium(name="企业专线", target=Decimal("123456.78"), target_kind=TargetKind.AMOUNT)
        self.long(name="存量维系", back_team=None, stage=Stage.CLOSING, status=ProjectStatus.PAUSED)
        self.short(name="满意度回访", lead=self.supervisor)  # led by someone who leads no team
        self.short(name="宽带推广", team=self.team_b, lead=self.lead_b)
        versions = dict(Project.objects.values_list("pk", "version"))
        out = scratch_folder() / "项目表.xlsx"
        call_command("export", "projects", out=out, stdout=io.StringIO())
        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        self.assertEqual(rows[0][:4], ["团队", "项目名称", "主管", "合作单位"])
        self.assertEqual(len(rows), 1 + 5)
        report = io.StringIO()
        call_command("import", "projects", out, stdout=report)
        self.assertIn("新增 0 行，更新 0 行，未变 5 行", report.getvalue())
        self.assertEqual(dict(Project.objects.values_list("pk", "version")), versions)
        recorded = TableVersion.objects.filter(kind="project_table")
        self.assertEqual(sorted(v.team.name for v in recorded), ["电销一组", "电销二组"])
        self.assertTrue(all(version.unchanged for version in recorded))

    def test_a_lead_exports_only_the_projects_of_its_teams(self):
        self.short(name="宽带推广")  # handed over to the back team, which sees it
        self.assertEqual(selectors.projects_for_export(self.lead_a).count(), 1)
        self.assertEqual(selectors.projects_for_export(self.lead_b).count(), 0)
        self.assertEqual(selectors.projects_for_export(self.back_lead).count(), 0)


SHEET = "日期,项目,星期,有效通话,成交量（单）\n"
LONG = "日期,项目,指标,实际\n"


class ActualsImportTests(ImportTestCase):
    importer = ActualsImporter
    kind = "project_actuals"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.broadband = cls.short(name="宽带推广")
        cls.calls = cls.indicator(cls.broadband, "有效通话", daily="100")
        cls.deals = cls.indicator(cls.broadband, "成交量", daily="3")
        cls.other = cls.short(name="存量维系", team=cls.team_b, lead=cls.lead_b)
        cls.indicator(cls.other, "有效通话")

    def actual(self, indicator, date):
        return Actual.objects.get(indicator=indicator, date=date).value

    def test_the_wide_sheet_writes_a_value_a_cell(self):
        self.actuals(self.calls, {day(19): "100"})
        self.actuals(self.deals, {day(20): "5"})
        rows = ["2026-11-19,宽带推广,周四,120,3\n", '2026/11/20,宽带推广,周五,"1,250",\n']
        preview = self.commit(csv(*rows, header=SHEET, title="每日指标,,,,\n"))
        self.assertEqual(preview.counts(), {"new": 2, "changed": 1, "unchanged": 0, "errors": 0})
        self.assertEqual(self.actual(self.calls, day(19)), Decimal("120.00"))
        self.assertEqual(self.actual(self.deals, day(19)), Decimal("3.00"))
        self.assertEqual(self.actual(self.calls, day(20)), Decimal("1250.00"))
        self.assertEqual(self.actual(self.deals, day(20)), Decimal("5.00"))  # blank: kept
        recorded = Actual.objects.get(indicator=self.calls, date=day(20)).recorded_by
        self.assertEqual(recorded, self.lead_a)
        again = self.commit(csv(*rows, header=SHEET, title=""))
        self.assertEqual(again.counts()["unchanged"], 3)

    def test_the_long_sheet_is_read_too(self):
        rows = ["2026-11-19,宽带推广,有效通话,1.2万\n", "2026-11-19,宽带推广,成交量,4\n"]
        self.commit(csv(*rows, header=LONG, title=""))
        self.assertEqual(self.actual(self.calls, day(19)), Decimal("12000.00"))
        self.assertEqual(self.actual(self.deals, day(19)), Decimal("4.00"))
        rows = ["2026-11-19,宽带推广,接通率,1\n", "2026-11-19,宽带推广,成交量,\n"]
        errors = self.errors(csv(*rows, header=LONG, title=""))
        self.assertEqual(
            errors,
            [
                "第 2 行「指标」：项目“宽带推广”没有这个指标（它的指标：有效通话、成交量）",
                "第 3 行「实际」：必填，不能为空",
            ],
        )

    def test_the_mapping_page_ignores_a_column_but_never_an_indicator_s(self):
        importer = ActualsImporter(self.lead_a, {}, today=TODAY)
        headers = ["统计日", "项目", "有效通话", "跟进情况", "成交量（单）", "序号"]
        # the page sends 不导入 for every header the importer did not know
        chosen = {0: "date", 2: IGNORE, 3: IGNORE, 4: IGNORE, 5: IGNORE}
        mapping = importer.map_headers(headers, chosen)
        self.assertEqual(mapping, {0: "date", 1: "project", 2: "i2", 4: "i4"})
        self.assertEqual(importer.label_of("i4", {}), "成交量（单）")

    def test_bad_cells_reject_the_sheet_with_every_error(self):
        header = "日期,项目,有效通话,成交量,接通率\n"
        rows = [
            "2026-11-19,宽带推广,120,3,\n",
            "2026-11-19,宽带推广,-5,NaN,0.6\n",
            "2026-11-21,宽带推广,1,,\n",
            "2026-11-19,存量维系,10,,\n",
            "2026-11-18,宽带推广,十,,\n",
        ]
        self.assertEqual(
            self.errors(csv(*rows, header=header, title="")),
            [
                "第 3 行「有效通话」：不能为负数",
                '第 3 行「成交量」：无法识别的数值 "NaN"',
                "第 3 行「接通率」：项目“宽带推广”没有这个指标（它的指标：有效通话、成交量）",
                "第 4 行「日期」：日期 2026-11-21 晚于今天",
                '第 5 行「项目」：没有这个项目，或它不在您能导入数据的团队 "存量维系"',
                '第 6 行「有效通话」：无法识别的数值 "十"',
            ],
        )
        self.assertEqual(
            self.errors(csv(rows[0], rows[0], header=header, title="")),
            [
                "第 3 行「有效通话」：与第 2 行是同一指标同一天的实际",
                "第 3 行「成交量」：与第 2 行是同一指标同一天的实际",
            ],
        )
        self.assertFalse(Actual.objects.exists())

    def test_a_project_of_one_name_in_two_teams_needs_its_team(self):
        self.short(name="存量维系")
        data = "日期,项目,有效通话\n2026-11-19,存量维系,10\n"
        self.assertEqual(
            self.errors(data.encode(), self.supervisor),
            ["第 2 行「项目」：有 2 个项目叫“存量维系”（电销一组、电销二组）：请在表中写明团队"],
        )
        self.commit(
            "日期,团队,项目,有效通话\n2026-11-19,电销二组,存量维系,10\n".encode(), self.supervisor
        )
        self.assertEqual(Actual.objects.get().indicator.project, self.other)

    def test_the_project_page_offers_the_sheet_to_writers(self):
        link = reverse("projects:actuals_import")
        page = reverse("projects:project_detail", args=[self.broadband.pk])
        self.client.force_login(self.lead_a)
        self.assertContains(self.client.get(page), link)
        upload = SimpleUploadedFile(
            "指标.csv", csv("2026-11-19,宽带推广,周四,80,2\n", header=SHEET)
        )
        self.client.post(link, {"file": upload})
        batch = ImportBatch.objects.get(kind="project_actuals")
        response = self.client.post(reverse("projects:actuals_import_commit", args=[batch.pk]))
        self.assertRedirects(response, reverse("projects:indicator_board"))
        self.assertEqual(self.actual(self.calls, day(19)), Decimal("80.00"))
        self.client.force_login(self.executive)
        self.assertNotContains(self.client.get(page), link)
