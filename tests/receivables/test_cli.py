"""`duban import receivables FILE [--dry-run]` and `duban export receivables --out FILE`."""

import io
from pathlib import Path

from django.core.management import call_command
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
