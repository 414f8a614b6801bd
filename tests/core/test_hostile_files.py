"""Files no office makes, and the import still answers in Chinese, naming the cell, saving
nothing (issue 18, defect 8): NUL and other control characters, NaN and infinities, numbers
beyond any column, cells longer than a spreadsheet holds, files that are not tables."""

import csv
import io
import math
import os
import re
import time
import zipfile
from types import SimpleNamespace

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from duban.aftersales.importers import parse_moment
from duban.core.importing import Column, Importer
from duban.core.models import ImportBatch
from duban.core.parsing import (
    CELL_LIMIT,
    ParseError,
    money_unit,
    parse_date,
    parse_money,
    parse_phone,
    parse_text,
)
from duban.core.progress import NoProgress
from duban.core.services import import_commit, import_preview
from duban.core.tabular import CSV_FIELD_LIMIT, TabularError
from duban.leads.importers import parse_probability, parse_request
from duban.org.models import Employee
from duban.people.importers import RosterImporter, parse_score, parse_uptake
from duban.projects.importers import parse_number
from duban.receivables.importers import ReceivableImporter
from duban.receivables.models import Receivable
from duban.resources.importers import TableImporter
from duban.resources.models import Resource
from tests.base import BaseTestCase
from tests.people.test_import import TODAY

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PYTHON_WORDS = ("class", "Invalid", "field larger")
HOSTILE_VALUES = [
    float("nan"),
    float("inf"),
    float("-inf"),
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "1e999999999",
    "-1E-999999999",
    "12345678901234567890",
    12345678901234567890,
    1.2345678901234567e19,
    "²",
    "9" * 5000,
    "甲\x00乙",
]
PARSERS = [
    parse_money,
    money_unit,
    parse_date,
    parse_text,
    parse_phone,
    parse_number,
    parse_score,
    parse_uptake,
    parse_probability,
    parse_request,
    parse_moment,
]


class ParserTests(SimpleTestCase):
    def test_no_parser_raises_anything_but_a_parse_error_or_takes_its_time(self):
        for parse in PARSERS:
            for value in HOSTILE_VALUES:
                with self.subTest(parser=parse.__name__, value=repr(value)[:30]):
                    started = time.perf_counter()
                    try:
                        parse(value)
                    except ParseError as exc:
                        self.assertRegex(exc.reason, CHINESE)
                    self.assertLess(time.perf_counter() - started, 0.1)

    def test_numbers_no_spreadsheet_holds_are_refused_where_a_number_or_date_is_wanted(self):
        for value in [math.nan, math.inf, -math.inf]:
            for parse in [parse_money, parse_date, parse_text, parse_phone, parse_moment]:
                with self.subTest(parser=parse.__name__, value=value):
                    with self.assertRaises(ParseError):
                        parse(value)

    def test_a_twenty_digit_amount_is_beyond_the_money_column(self):
        for value in ["12345678901234567890", 1.2345678901234567e19, "1e999"]:
            with self.subTest(value=value), self.assertRaises(ParseError):
                parse_money(value)


class CellsImporter(Importer):
    columns = [
        Column("code", "代码", (), parse_text, True),
        Column("amount", "金额", (), parse_money),
        Column("due", "到期日", (), parse_date),
        Column("note", "备注", (), parse_text),
    ]

    def compare(self, rows, preview, *, progress):
        preview.new = rows


def preview_of(data: bytes, name="t.csv"):
    return CellsImporter().preview(data, name, progress=NoProgress())


def csv_file(rows: list[list], encoding="utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_file(rows: list[list], forged: dict[str, str] | None = None) -> bytes:
    """A workbook of ``rows``; ``forged`` replaces a number's stored text (its placeholder as
    xlsxwriter writes it) with what no spreadsheet writes: NaN, inf, 1e999."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for index, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(index, column, value)
            else:
                sheet.write(index, column, value)
    book.close()
    data = buffer.getvalue()
    if not forged:
        return data
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for placeholder, text in forged.items():
                    part = part.replace(f"<v>{placeholder}</v>".encode(), f"<v>{text}</v>".encode())
            target.writestr(item, part)
    return out.getvalue()


HEADER = ["代码", "金额", "到期日", "备注"]


class CellTests(SimpleTestCase):
    def assert_refused(self, preview, line, column, words):
        found = [(e.line, e.column) for e in preview.errors]
        self.assertIn((line, column), found)
        error = next(e for e in preview.errors if (e.line, e.column) == (line, column))
        self.assertIn(words, error.reason)
        self.assertTrue(error.raw.isprintable() or "\n" in error.raw, error.raw)

    def test_a_nul_byte_in_a_csv_cell_is_an_error_naming_the_cell(self):
        preview = preview_of(csv_file([HEADER, ["A1", "1", "", "甲\x00乙"]]))
        self.assert_refused(preview, 2, "备注", "控制字符")
        self.assertEqual(preview.errors[0].raw, "甲␀乙")  # shown, never passed on

    def test_a_nul_byte_in_an_xlsx_cell_is_an_error_naming_the_cell(self):
        preview = preview_of(xlsx_file([HEADER, ["A1\x00", 1, None, "x"]]), "t.xlsx")
        self.assert_refused(preview, 2, "代码", "控制字符")

    def test_other_control_characters_are_refused_but_line_breaks_and_tabs_are_kept(self):
        rows = [HEADER, ["A1", "", "", "a\x1b[31m"], ["A2", "", "", "a\n\tb"]]
        preview = preview_of(csv_file(rows))
        self.assertEqual([(e.line, e.column) for e in preview.errors], [(2, "备注")])

    def test_a_cell_longer_than_excel_holds_is_an_error_naming_the_limit(self):
        preview = preview_of(csv_file([HEADER, ["A1", "", "", "长" * 200_000]]))
        self.assert_refused(preview, 2, "备注", f"{CELL_LIMIT:,}")
        self.assertLess(len(preview.errors[0].raw), 300)  # the cell is named, not copied

    def test_a_csv_field_beyond_what_the_reader_takes_refuses_the_file_in_chinese(self):
        data = csv_file([HEADER, ["A1", "", "", "x" * (CSV_FIELD_LIMIT + 1)]])
        with self.assertRaises(TabularError) as caught:
            preview_of(data)
        self.assertIn("第 2 行", str(caught.exception))
        self.assertNotIn("field", str(caught.exception))

    def test_numbers_no_spreadsheet_holds_in_an_xlsx_are_errors_naming_the_cell(self):
        forged = {"111.5": "NaN", "222.5": "inf", "333.5": "1e999", "444.5": "-inf"}
        rows = [HEADER, ["A1", 111.5, 222.5, "x"], ["A2", 444.5, 333.5, "x"]]
        preview = preview_of(xlsx_file(rows, forged), "t.xlsx")
        self.assertEqual(
            sorted((e.line, e.column) for e in preview.errors),
            [(2, "到期日"), (2, "金额"), (3, "到期日"), (3, "金额")],
        )
        for error in preview.errors:
            self.assertRegex(error.reason, CHINESE)

    def test_a_control_character_in_a_header_is_shown_not_kept(self):
        preview = preview_of(csv_file([[*HEADER, "多余\x00列"], ["A1", "", "", "", "x"]]))
        self.assertTrue(preview.ok)
        self.assertEqual(preview.ignored_headers, ["多余␀列"])

    def test_a_gbk_csv_and_a_csv_with_a_bom_are_read(self):
        rows = [HEADER, ["甲-1", "12.5万", "2026年3月5日", "备注"]]
        for data in [csv_file(rows, "gbk"), b"\xef\xbb\xbf" + csv_file(rows)]:
            preview = preview_of(data)
            self.assertTrue(preview.ok, [str(e) for e in preview.errors])
            self.assertEqual(preview.new[0].values["code"], "甲-1")

    def test_files_that_are_not_tables_are_refused_in_chinese(self):
        for name, data in [
            ("empty.csv", b""),
            ("empty.xlsx", b""),
            ("random.xlsx", os.urandom(4096)),
            ("zip.xlsx", b"PK\x03\x04" + os.urandom(512)),
            ("random.csv", os.urandom(4096)),
        ]:
            with self.subTest(name), self.assertRaises(TabularError) as caught:
                preview_of(data, name)
            self.assertRegex(str(caught.exception), CHINESE)


# --- every area's import, with the database ------------------------------------------------

FORMULA = "=cmd|' /C calc'!A0"


def areas(c) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            name="receivables",
            importer=lambda: ReceivableImporter(c.lead_a),
            count=Receivable.objects.count,
            header=["客户名称", "发票号码", "团队", "开票日期", "到期日", "金额", "备注"],
            good=["甲公司", "HOST-1", "电销一组", "2026-01-05", "2026-02-04", "100", ""],
            text="备注",
            number="金额",
            date="到期日",
            url="receivables:import",
            form={"as_of": "2026-03-16"},
        ),
        SimpleNamespace(
            name="resource_table",
            importer=lambda: TableImporter(c.lead_a, TODAY),
            count=Resource.objects.count,
            header=["客户姓名", "公司名称", "手机号码", "负责人", "领取日期", "备注"],
            good=["王总", "华鑫科技", "13800009999", "横洲", "2026-11-01", ""],
            text="备注",
            number="手机号码",
            date="领取日期",
            url="resources:import",
            form={"as_of": "2026-11-27"},
        ),
        SimpleNamespace(
            name="roster",
            importer=lambda: RosterImporter(c.lead_a, today=TODAY),
            count=Employee.objects.count,
            header=["员工编号", "员工姓名", "部门", "职位", "入职时间", "手机号"],
            good=["A9", "新人", "电销一组", "电话销售", "2025-03-01", "13800009998"],
            text="员工姓名",
            number="手机号",
            date="入职时间",
            url="people:import",
            form={},
        ),
    ]


CELLS = [  # (which column, the hostile cell)
    ("text", "甲\x00公司"),
    ("text", "甲\x07公司"),
    ("text", "长" * 200_000),
    ("number", "NaN"),
    ("number", "inf"),
    ("number", "-inf"),
    ("number", "1e999"),
    ("number", "1e999999999"),
    ("number", "12345678901234567890"),
    ("date", "NaN"),
    ("date", "1e999"),
    ("date", "12345678901234567890"),
]
FORGED = ["NaN", "inf", "-inf", "1e999"]  # as an xlsx's stored number


class AreaTests(BaseTestCase):
    def check(self, area, data, filename):
        return import_preview(
            importer=area.importer(),
            data=data,
            filename=filename,
            kind=area.name,
            by=self.lead_a,
        )

    def with_cell(self, area, role, value) -> list[list]:
        row = list(area.good)
        row[area.header.index(getattr(area, role))] = value
        return [area.header, row]

    def assert_cell_refused(self, area, data, filename, column):
        before = area.count()
        batch, preview = self.check(area, data, filename)
        self.assertEqual([(e.line, e.column) for e in preview.errors], [(2, column)])
        reason = preview.errors[0].reason
        self.assertRegex(reason, CHINESE)
        self.assertFalse(any(word in reason for word in PYTHON_WORDS), reason)
        batch.refresh_from_db()  # kept as it is, on PostgreSQL too
        self.assertEqual(batch.counts["errors"], 1)
        self.assertEqual(len(batch.problems), 1)
        self.assertEqual(area.count(), before)

    def test_a_good_row_passes_so_that_each_refusal_below_is_the_cells(self):
        for area in areas(self):
            with self.subTest(area.name):
                _batch, preview = self.check(area, csv_file([area.header, area.good]), "t.csv")
                self.assertTrue(preview.ok, [str(e) for e in preview.errors])

    def test_hostile_csv_cells_are_errors_naming_line_and_column(self):
        for area in areas(self):
            for role, value in CELLS:
                with self.subTest(area=area.name, cell=repr(value)[:20]):
                    data = csv_file(self.with_cell(area, role, value))
                    self.assert_cell_refused(area, data, "t.csv", getattr(area, role))

    def test_hostile_xlsx_cells_are_errors_naming_line_and_column(self):
        for area in areas(self):
            for role in ("number", "date"):
                for forged in FORGED:
                    with self.subTest(area=area.name, column=role, value=forged):
                        data = xlsx_file(self.with_cell(area, role, 777.25), {"777.25": forged})
                        self.assert_cell_refused(area, data, "t.xlsx", getattr(area, role))
            with self.subTest(area=area.name, value="NUL"):
                data = xlsx_file(self.with_cell(area, "text", "甲\x00乙"))
                self.assert_cell_refused(area, data, "t.xlsx", area.text)

    def test_files_that_are_not_tables_are_refused_and_kept_as_such(self):
        for area in areas(self):
            for name, data in [("a.csv", b""), ("a.xlsx", os.urandom(2048))]:
                with self.subTest(area=area.name, file=name):
                    with self.assertRaises(TabularError) as caught:
                        self.check(area, data, name)
                    self.assertRegex(str(caught.exception), CHINESE)
                    batch = ImportBatch.objects.filter(kind=area.name).first()
                    self.assertEqual(batch.report["fatal"], str(caught.exception))

    def test_gbk_and_bom_csv_files_are_read(self):
        for area in areas(self):
            rows = [area.header, area.good]
            for data in [csv_file(rows, "gbk"), b"\xef\xbb\xbf" + csv_file(rows)]:
                with self.subTest(area=area.name, start=data[:3]):
                    _batch, preview = self.check(area, data, "t.csv")
                    self.assertTrue(preview.ok, [str(e) for e in preview.errors])

    def test_a_formula_is_kept_as_text_and_exported_as_inert_text(self):
        area = areas(self)[0]
        rows = self.with_cell(area, "text", FORMULA)
        batch, preview = self.check(area, csv_file(rows), "t.csv")
        self.assertTrue(preview.ok, [str(e) for e in preview.errors])
        import_commit(importer=area.importer(), batch=batch)
        self.assertEqual(Receivable.objects.get(number="HOST-1").note, FORMULA)
        self.client.force_login(self.lead_a)
        response = self.client.get(reverse("receivables:receivable_list"), {"export": "xlsx"})
        book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        self.assertNotIn("<f>", sheet)
        self.assertIn("<t>'=cmd|' /C calc'!A0</t>", sheet.replace("&apos;", "'"))

    @override_settings(IMPORT_BACKGROUND_BYTES=10**9)  # checked at once, not by a worker
    def test_the_upload_pages_answer_hostile_files_without_a_server_error(self):
        for area in areas(self):
            self.client.force_login(self.lead_a)
            refused = "本文件不会导入任何数据"
            huge = "x" * (CSV_FIELD_LIMIT + 1)
            files = [
                ("nul.csv", csv_file(self.with_cell(area, "text", "甲\x00乙")), refused),
                ("nan.csv", csv_file(self.with_cell(area, "number", "NaN")), refused),
                ("long.csv", csv_file(self.with_cell(area, "text", "长" * 200_000)), refused),
                ("random.xlsx", os.urandom(2048), "无法读取这个表格文件"),
                ("huge.csv", csv_file(self.with_cell(area, "text", huge)), "这不是可以导入的表格"),
            ]
            before = area.count()
            for name, data, said in files:
                with self.subTest(area=area.name, file=name):
                    form = {"file": SimpleUploadedFile(name, data), **area.form}
                    response = self.client.post(reverse(area.url), form, follow=True)
                    self.assertContains(response, said)
            self.assertEqual(area.count(), before)
