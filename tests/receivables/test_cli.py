"""`duban import receivables FILE [--dry-run]` and `duban export receivables --out FILE`."""

import io
from pathlib import Path

from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from duban.receivables.models import Receivable
from duban.supervision.models import TableVersion
from tests.base import BaseTestCase
from tests.receivables.test_import import GOOD, csv
from tests.scratch import scratch_folder


class CommandLineTests(BaseTestCase):
    def file(self, data: bytes, name="应收.csv") -> Path:
        folder = scratch_folder()
        path = folder / name
        path.write_bytes(data)
        return path

    def test_dry_run_checks_without_importing(self):
        out = io.StringIO()
        call_command("import", "receivables", self.file(csv(*GOOD)), dry_run=True, stdout=out)
        self.assertIn("新增 2 行", out.getvalue())
        self.assertFalse(Receivable.objects.filter(number="INV-001").exists())

    def test_the_command_runs_as_the_shell_runs_it_with_django_s_checks_first(self):
        # call_command skips the system checks that `duban import` runs first: a method named
        # check() on the command once shadowed them and made every real import fail
        # (run_from_argv, with the parsing of the shell and the checks, less its closing of
        # every database connection, which would end the test's transaction)
        argv = ["duban", "import", "receivables", str(self.file(csv(*GOOD))), "--dry-run"]
        command = ManagementUtility(argv).fetch_command("import")
        options = vars(command.create_parser(argv[0], argv[1]).parse_args(argv[2:]))
        out = io.StringIO()
        command.execute(*options.pop("args", ()), stdout=out, **options)
        self.assertIn("新增 2 行", out.getvalue())

    def test_import_writes_a_table_version(self):
        call_command(
            "import", "receivables", self.file(csv(*GOOD)), as_of="2026-03-16", stdout=io.StringIO()
        )
        self.assertTrue(Receivable.objects.filter(number="INV-001").exists())
        self.assertEqual(str(TableVersion.objects.get().as_of), "2026-03-16")

    def test_errors_are_listed_and_nothing_is_imported(self):
        bad = "3,丙,INV-3,电销一组,,2026年13月40日,2026-03-01,100,0,\n"
        err = io.StringIO()
        with self.assertRaisesMessage(CommandError, "没有导入任何数据"):
            call_command(
                "import",
                "receivables",
                self.file(csv(*GOOD, bad)),
                stdout=io.StringIO(),
                stderr=err,
            )
        self.assertIn('第 4 行「开票日期」：无法识别的日期 "2026年13月40日"', err.getvalue())
        self.assertFalse(Receivable.objects.filter(number="INV-001").exists())

    def test_unknown_area_user_and_file_are_refused_in_chinese(self):
        with self.assertRaisesMessage(CommandError, "不认识的数据类型"):
            call_command("import", "nothing", "x.csv")
        with self.assertRaisesMessage(CommandError, "找不到文件"):
            call_command("import", "receivables", "/nonexistent.csv")
        with self.assertRaisesMessage(CommandError, "没有这个用户"):
            call_command("export", "receivables", out="/tmp/x.xlsx", user="nobody")

    def test_export_holds_what_the_user_sees(self):
        out = scratch_folder() / "ar.xlsx"
        call_command("export", "receivables", out=str(out), user="wanglixia", stdout=io.StringIO())
        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        self.assertEqual(len(rows), 1)  # the header only: team B has no receivables
        call_command("export", "receivables", out=str(out), user="weisheng", stdout=io.StringIO())
        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        self.assertEqual(rows[1][0], "INV-A-001")


class CommandLineChoicesTests(BaseTestCase):
    """Issue 10: the CLI takes what the mapping page asks for, and a dry run leaves nothing."""

    NO_TEAM = "客户名称,发票号码,开票单位地址,金额\n甲公司,INV-7,上海,100\n"

    def file(self, data: str) -> Path:
        path = scratch_folder() / "应收.csv"
        path.write_text(data, encoding="utf-8")
        return path

    def test_a_dry_run_leaves_no_pending_import(self):
        from duban.core.models import ImportBatch

        call_command(
            "import",
            "receivables",
            self.file(self.NO_TEAM),
            dry_run=True,
            team="电销一组",
            stdout=io.StringIO(),
        )
        self.assertFalse(ImportBatch.objects.exists())

    def test_a_table_without_team_needs_team_and_says_how(self):
        with self.assertRaises(CommandError) as caught:
            call_command("import", "receivables", self.file(self.NO_TEAM), stdout=io.StringIO())
        self.assertIn("--team", str(caught.exception))
        self.assertNotIn("在下面指定", str(caught.exception))
        call_command(
            "import", "receivables", self.file(self.NO_TEAM), team="电销一组", stdout=io.StringIO()
        )
        self.assertEqual(Receivable.objects.get(number="INV-7").team, self.team_a)

    def test_columns_are_mapped_by_header_on_the_command_line(self):
        data = "单位,票号,小组,应收\n甲公司,INV-8,电销一组,100\n"
        call_command(
            "import",
            "receivables",
            self.file(data.replace("单位", "开票单位").replace("应收\n", "发生额\n")),
            map=["开票单位=客户名称", "发生额=应收金额"],
            stdout=io.StringIO(),
        )
        self.assertEqual(Receivable.objects.get(number="INV-8").amount, 100)
        with self.assertRaisesMessage(CommandError, "表格里没有“乱写”这一列"):
            call_command(
                "import",
                "receivables",
                self.file(data),
                map=["乱写=客户名称"],
                stdout=io.StringIO(),
            )
