"""Importing the roster (花名册): new people, each kind of change recorded through the people
services, only recent changes demanding plans, all or nothing (issue 12, point 9)."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from duban.core.models import ExportLog, ImportBatch
from duban.core.services import import_commit, import_preview
from duban.org.choices import EmployeeStatus, Post
from duban.org.models import Employee
from duban.people.choices import ChangeKind
from duban.people.importers import RosterImporter
from duban.people.models import StaffChange
from duban.supervision.choices import Area
from duban.supervision.models import Plan
from tests.base import BaseTestCase
from tests.factories import EmployeeFactory
from tests.scratch import scratch_folder

TODAY = dt.date(2026, 12, 1)
TITLE = "电销一组花名册（2026年12月）,,,,,,,\n"
HEADER = "员工编号,员工姓名,部门,职位,入职时间,离职时间,在职状态,手机号\n"
TEAM_A = [  # the cast's team A as the register has it, given numbers
    "A1,维盛,电销一组,主管,2025-03-01,,在职,\n",
    "A2,横洲,电销一组,电话销售,2025/3/1,,在职,\n",
    "A3,小祁,电销一组,电话销售,2025年3月1日,,在职,\n",
]


def csv(*rows, encoding="gbk", title=True) -> bytes:
    return ((TITLE if title else "") + HEADER + "".join(rows)).encode(encoding)


class RosterImportTests(BaseTestCase):
    def preview(self, data, user=None, filename="花名册.csv"):
        user = user or self.lead_a
        return import_preview(
            importer=RosterImporter(user, today=TODAY),
            data=data,
            filename=filename,
            kind="roster",
            by=user,
        )

    def commit(self, data, user=None):
        batch, preview = self.preview(data, user)
        self.assertTrue(preview.ok, [str(e) for e in preview.errors])
        import_commit(importer=RosterImporter(user or self.lead_a, today=TODAY), batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.COMMITTED, batch.error)
        return preview

    def give_numbers(self):
        people = {"A1": self.lead_a_employee, "A2": self.member_a_employee, "A3": self.worker_a}
        people["B1"] = self.worker_b
        for number, employee in people.items():
            Employee.objects.filter(pk=employee.pk).update(number=number)

    def changes(self) -> dict[str, list[str]]:
        found = {}
        for change in StaffChange.objects.order_by("pk").select_related("employee"):
            found.setdefault(change.employee.name, []).append(change.kind)
        return found

    def test_a_gbk_roster_with_a_title_row_adds_new_people_and_gives_numbers(self):
        new = [
            "A10,新人甲,电销一组,实习生,2026-11-20,,试用,138 0000 0010\n",
            "A11,老员工,电销一组,资深电销,2023-05-08,,在职,\n",
        ]
        preview = self.commit(csv(*TEAM_A, *new))
        counts = preview.counts()
        self.assertEqual((counts["new"], counts["changed"], counts["unchanged"]), (2, 3, 0))
        self.assertEqual(Employee.objects.get(number="A3"), self.worker_a)  # matched by name
        fresh = Employee.objects.get(number="A10")
        self.assertEqual(
            (fresh.name, fresh.team, fresh.post, fresh.status, fresh.phone),
            ("新人甲", self.team_a, Post.TRAINEE, EmployeeStatus.PROBATION, "13800000010"),
        )
        self.assertEqual(Employee.objects.get(number="A11").post, Post.SENIOR)
        # the recent join is a change with both plans; the one hired in 2023 is the baseline
        self.assertEqual(self.changes(), {"新人甲": [ChangeKind.JOIN]})
        join = StaffChange.objects.get()
        self.assertEqual(join.date, dt.date(2026, 11, 20))
        self.assertEqual(Plan.objects.get(matter=join.staffing_matter).lead, self.lead_a)
        self.assertIsNotNone(join.training_matter)
        self.assertIn("1 条人员变动，其中 1 条在最近 30 天内", preview.notes[0])
        self.assertIn("1 位新员工入职已超过 30 天", preview.notes[1])

    def test_each_kind_of_change_is_recorded_and_applied(self):
        self.give_numbers()
        on_leave = EmployeeFactory(
            name="王芳", number="B2", team=self.team_b, status=EmployeeStatus.ON_LEAVE
        )
        leaving = EmployeeFactory(name="赵强", number="B3", team=self.team_b)
        rows = [
            "A1,维盛,电销一组,主管,2025-03-01,,在职,\n",  # unchanged
            "A2,横洲,电销二组,电话销售,2025-03-01,,在职,\n",  # transfer
            "A3,小祁,电销一组,资深电销,2025-03-01,,在职,\n",  # post change (the title says)
            "B1,周敏,电销二组,电话销售,2025-03-01,,长假,\n",  # long leave
            "B2,王芳,电销二组,电话销售,2025-03-01,,试用期,\n",  # back from leave
            "B3,赵强,电销二组,电话销售,2025-03-01,2026-11-25,,\n",  # leave
        ]
        preview = self.commit(csv(*rows), user=self.supervisor)
        self.assertEqual(preview.counts()["changed"], 5)
        self.assertEqual(
            self.changes(),
            {
                "横洲": [ChangeKind.TRANSFER],
                "小祁": [ChangeKind.POST],
                "周敏": [ChangeKind.LONG_LEAVE],
                "王芳": [ChangeKind.RETURN],
                "赵强": [ChangeKind.LEAVE],
            },
        )
        transfer = StaffChange.objects.get(kind=ChangeKind.TRANSFER)
        self.assertEqual(
            (transfer.from_team, transfer.team, transfer.date), (self.team_a, self.team_b, TODAY)
        )
        self.assertEqual(Plan.objects.get(matter=transfer.training_matter).lead, self.lead_b)
        for employee in (self.member_a_employee, self.worker_a, self.worker_b, on_leave, leaving):
            employee.refresh_from_db()
        self.assertEqual(self.member_a_employee.team, self.team_b)
        self.assertEqual(self.worker_a.post, Post.SENIOR)
        self.assertEqual(self.worker_b.status, EmployeeStatus.ON_LEAVE)
        self.assertEqual(on_leave.status, EmployeeStatus.PROBATION)  # as the sheet says
        self.assertEqual((leaving.status, leaving.leave_date), ("left", dt.date(2026, 11, 25)))
        # each change demands a staffing plan (a transfer a training plan too): all recent
        self.assertEqual(Plan.objects.filter(matter__area=Area.PEOPLE).count(), 6)
        self.assertIn("5 条人员变动，其中 5 条在最近 30 天内", preview.notes[0])
        self.assertEqual(self.commit(csv(*rows), user=self.supervisor).counts()["unchanged"], 6)

    def test_only_recent_changes_demand_plans(self):
        self.give_numbers()
        rows = [
            "A2,横洲,电销一组,电话销售,2025-03-01,2025-06-30,离职,\n",  # left long ago
            "A3,小祁,电销一组,电话销售,2025-03-01,2026-11-28,离职,\n",  # left this week
            "A20,老员工,电销一组,电话销售,2023-11-01,,在职,\n",  # hired 3 years ago
        ]
        preview = self.commit(csv(*rows))
        self.assertIn("2 条人员变动，其中 1 条在最近 30 天内", preview.notes[0])
        self.assertEqual(self.changes(), {"横洲": ["leave"], "小祁": ["leave"]})
        old = StaffChange.objects.get(employee=self.member_a_employee)
        recent = StaffChange.objects.get(employee=self.worker_a)
        self.assertEqual(old.date, dt.date(2025, 6, 30))
        self.assertIsNone(old.staffing_matter)  # history: too late to plan for
        self.assertEqual(Plan.objects.get(matter=recent.staffing_matter).lead, self.lead_a)
        self.assertFalse(StaffChange.objects.filter(employee__number="A20").exists())
        self.assertEqual(Plan.objects.filter(matter__area=Area.PEOPLE).count(), 1)

    def test_bad_rows_reject_the_whole_file_with_every_error(self):
        rows = [
            ",新人乙,电销一组,电话销售,2026-11-02,,在职,\n",
            ",新人丙,电销一组,电话销售,2026-11-02,,出差,\n",  # not a status
            ",新人丁,电销一组,电话销售,2026年13月40日,,在职,\n",
            ",,电销一组,电话销售,2026-11-02,,在职,\n",  # no name
            ",新人戊,电销四组,电话销售,2026-11-02,,在职,\n",  # line 2's team
            ",新人己,电销一组,电话销售,2026-11-02,2026-10-01,,\n",  # left before hired
            ",新人乙,电销一组,电话销售,2026-11-03,,在职,\n",  # the same name as line 3
        ]
        batch, preview = self.preview(csv(*rows))
        reasons = " / ".join(str(e) for e in preview.errors)
        self.assertIn("第 4 行「在职状态」：无法识别的状态", reasons)
        self.assertIn('第 5 行「入职时间」：无法识别的日期 "2026年13月40日"', reasons)
        self.assertIn("第 6 行「员工姓名」：必填", reasons)
        self.assertIn("第 7 行「部门」：没有这个团队，或您无权导入它的数据", reasons)
        self.assertIn("第 8 行「离职时间」：离职日期 2026-10-01 早于入职日期 2026-11-02", reasons)
        self.assertIn("第 9 行「员工姓名」：与第 3 行同名（同一团队）", reasons)
        self.assertEqual(batch.counts["errors"], 6)
        self.assertFalse(Employee.objects.filter(name__startswith="新人").exists())
        self.assertFalse(StaffChange.objects.exists())

    def test_a_name_two_current_employees_of_the_team_hold_is_an_error(self):
        EmployeeFactory(name="小祁", team=self.team_a)
        preview = self.preview(csv(",小祁,电销一组,电话销售,2025-03-01,,在职,\n"))[1]
        self.assertEqual(
            str(preview.errors[0]), "第 3 行「员工姓名」：本团队有 2 位“小祁”：请填写工号以区分"
        )

    def test_a_lead_cannot_import_into_another_team(self):
        self.give_numbers()
        into_b = self.preview(csv("A2,横洲,电销二组,电话销售,2025-03-01,,在职,\n"))[1]
        self.assertIn("第 3 行「部门」：没有这个团队，或您无权导入它的数据", str(into_b.errors[0]))
        out_of_b = self.preview(csv("B1,周敏,电销一组,电话销售,2025-03-01,,在职,\n"))[1]
        self.assertEqual(
            str(out_of_b.errors[0]), "第 3 行「员工编号」：工号 B1 是您无权导入数据的团队的员工"
        )
        # an executive sees team A but imports nothing
        errors = self.preview(csv(TEAM_A[0]), user=self.executive)[1].errors
        self.assertIn("没有这个团队，或您无权导入它的数据", str(errors[0]))
        self.assertEqual(Employee.objects.get(pk=self.worker_b.pk).team, self.team_b)

    def test_a_sheet_without_a_team_column_is_the_leads_team(self):
        data = "姓名,岗位,入职日期\n新人甲,电销,2026-11-30\n".encode()
        self.commit(data)
        self.assertEqual(Employee.objects.get(name="新人甲").team, self.team_a)

    def test_it_refuses_a_stale_edit(self):
        self.give_numbers()
        batch, preview = self.preview(csv("A3,小祁,电销一组,资深电销,2025-03-01,,在职,\n"))
        Employee.objects.filter(pk=self.worker_a.pk).update(version=5, position="组长")
        import_commit(importer=RosterImporter(self.lead_a, today=TODAY), batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn("有 1 位员工已被他人修改（小祁）", batch.error)
        self.assertFalse(StaffChange.objects.exists())

    def test_the_page_imports_for_a_lead_and_the_list_offers_it(self):
        self.client.force_login(self.lead_a)
        self.assertContains(
            self.client.get(reverse("people:change_list")), reverse("people:import")
        )
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        joined = f"A10,新人甲,,电销,{yesterday},,,\n"  # no team: the lead's
        upload = SimpleUploadedFile("花名册.csv", csv(*TEAM_A, joined))
        response = self.client.post(reverse("people:import"), {"file": upload})
        batch = ImportBatch.objects.get(kind="roster")
        self.assertRedirects(response, reverse("people:import_preview", args=[batch.pk]))
        page = self.client.get(response.url)
        self.assertContains(page, "其中 1 条在最近 30 天内")
        response = self.client.post(reverse("people:import_commit", args=[batch.pk]))
        self.assertRedirects(response, reverse("people:change_list"))
        self.assertEqual(self.changes(), {"新人甲": ["join"]})
        self.client.force_login(self.executive)
        self.assertNotContains(
            self.client.get(reverse("people:change_list")), reverse("people:import")
        )


class RosterRoundTripTests(BaseTestCase):
    def test_what_the_command_exports_reimports_changing_nothing(self):
        Employee.objects.filter(pk=self.worker_a.pk).update(number="007", phone="13800000003")
        EmployeeFactory(
            name="小祁",  # a former namesake of 小祁 in team A
            team=self.team_a,
            post=Post.SENIOR,
            status=EmployeeStatus.LEFT,
            hire_date=dt.date(2020, 5, 6),
            leave_date=dt.date(2023, 1, 31),
        )
        versions = dict(Employee.objects.values_list("pk", "version"))
        out = scratch_folder() / "花名册.xlsx"
        call_command("export", "people", out=out, stdout=io.StringIO())
        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        self.assertEqual(
            rows[0],
            ["工号", "姓名", "团队", "岗位", "岗位类别", "入职日期", "离职日期", "状态", "手机"],
        )
        self.assertEqual(len(rows), 1 + 6)
        log = ExportLog.objects.get()
        self.assertEqual((log.what, log.rows, log.full_rows, log.via), ("people", 6, 1, "cli"))
        report = io.StringIO()
        call_command("import", "people", out, stdout=report)
        self.assertIn("新增 0 行，更新 0 行，未变 6 行", report.getvalue())
        self.assertEqual(dict(Employee.objects.values_list("pk", "version")), versions)
        self.assertFalse(StaffChange.objects.exists())
