"""Exports: number and date formats, formulas neutralised, streamed (issue 4).

The workbook is written by our own SpreadsheetML writer, so these tests read it back the way
its users do: python-calamine (the import) and openpyxl (a second, stricter reader).
"""

import datetime as dt
import importlib.util
import io
import unittest
import zipfile
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock
from xml.etree import ElementTree

from django.test import SimpleTestCase
from python_calamine import CalamineWorkbook

from duban.core import exporting
from duban.core.exporting import MAX_TEXT, ExportColumn, neutralize, write_xlsx, xlsx_response
from duban.core.parsing import parse_text

COLUMNS = [
    ExportColumn("客户", lambda r: r[0], width=24),
    ExportColumn("金额", lambda r: r[1], kind="money"),
    ExportColumn("到期日", lambda r: r[2], kind="date"),
]
ROWS = [
    ("甲公司", Decimal("1234.50"), dt.date(2026, 3, 5)),
    ('=HYPERLINK("x")', None, None),
    ("乙 & <丙>", Decimal("-0.01"), dt.datetime(2026, 1, 2, 12, 30)),  # noqa: DTZ001
]


def written(rows, columns=COLUMNS, sheet="应收") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows, columns, sheet=sheet, target=buffer)
    return buffer.getvalue()


def read(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


class ExportTests(SimpleTestCase):
    def test_formula_like_text_is_neutralised(self):
        for text in ["=1+1", "+86 138", "-SUM(A1)", "@cmd", "\tx", "\rx", "普通"]:
            with self.subTest(text=text):
                self.assertEqual(neutralize(text).startswith("'"), text != "普通")

    def test_the_workbook_reads_back_with_numbers_dates_and_inert_text(self):
        buffer = io.BytesIO()
        self.assertEqual(write_xlsx(ROWS, COLUMNS, sheet="应收", target=buffer), 3)
        data = read(buffer.getvalue())
        self.assertEqual(data[0], ["客户", "金额", "到期日"])
        self.assertEqual(data[1], ["甲公司", 1234.5, dt.date(2026, 3, 5)])
        self.assertEqual(data[2], ['\'=HYPERLINK("x")', "", ""])
        self.assertEqual(data[3], ["乙 & <丙>", -0.01, dt.datetime(2026, 1, 2, 12, 30)])  # noqa: DTZ001
        self.assertEqual(len(data), 4)

    def test_every_row_is_written_and_counted(self):
        rows = [
            (f"客户{i}", Decimal(i), dt.date(2026, 1, 1) + dt.timedelta(i)) for i in range(3000)
        ]
        buffer = io.BytesIO()
        self.assertEqual(write_xlsx(iter(rows), COLUMNS, sheet="应收", target=buffer), 3000)
        data = read(buffer.getvalue())
        self.assertEqual(len(data), 3001)
        self.assertEqual(data[-1], ["客户2999", 2999.0, dt.date(2026, 1, 1) + dt.timedelta(2999)])

    def test_rows_past_a_sheets_limit_go_on_the_next_sheet_each_with_the_header(self):
        rows = [(f"客户{i}", Decimal(i), None) for i in range(7)]
        name = "应收账款" * 10  # names are cut to Excel's 31 characters, the number kept
        with mock.patch.object(exporting, "MAX_ROWS", 4):  # a header and three rows a sheet
            data = written(iter(rows), sheet=name)
            self.assertEqual(write_xlsx(rows[:6], COLUMNS, sheet="应收", target=io.BytesIO()), 6)
            two = written(rows[:6])  # exactly two sheets full: no empty third
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [name[:31], name[:27] + " (2)", name[:27] + " (3)"]
        self.assertEqual(book.sheet_names, names)
        sheets = [book.get_sheet_by_index(n).to_python() for n in range(3)]
        self.assertEqual([len(sheet) for sheet in sheets], [4, 4, 2])
        for sheet in sheets:
            self.assertEqual(sheet[0], ["客户", "金额", "到期日"])
        every = [row[0] for sheet in sheets for row in sheet[1:]]
        self.assertEqual(every, [f"客户{i}" for i in range(7)])
        two_names = CalamineWorkbook.from_filelike(io.BytesIO(two)).sheet_names
        self.assertEqual(two_names, ["应收", "应收 (2)"])
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            for part in book.namelist():
                ElementTree.fromstring(book.read(part))  # raises if not well formed
            workbook = book.read("xl/workbook.xml").decode()
            sheet_xml = [book.read(f"xl/worksheets/sheet{n}.xml").decode() for n in (1, 2, 3)]
        # opens on the first sheet alone (several selected would be a group)
        self.assertEqual(["tabSelected" in xml for xml in sheet_xml], [True, False, False])
        self.assertIn(f'localSheetId="2" hidden="1">\'{names[2]}\'!$A$1:$C$2<', workbook)

    def test_text_that_xml_or_excel_would_change_reads_back_unchanged(self):
        texts = [
            "a & b < c > d \"e\" 'f'",
            "  leading and trailing  ",
            "two\nlines",
            "literal _x0041_ escape",
            "bell\x07 and nul\x00",
            "全角　空格　",
            "x" * (MAX_TEXT + 10),
        ]
        data = read(written([(t, None, None) for t in texts]))
        self.assertEqual([row[0] for row in data[1:-1]], texts[:-1])
        self.assertEqual(data[-1][0], "x" * MAX_TEXT)  # Excel's limit for a cell

    def test_a_lone_surrogate_is_escaped_not_a_failure(self):
        data = read(written([("broken \ud800 pair", None, None)]))
        self.assertEqual(len(data), 2)
        self.assertTrue(data[1][0].startswith("broken "))

    def test_an_exported_formula_like_text_imports_back_as_it_was(self):
        texts = ["=SUM(A1)", "-5", "+86 138", "@home", "'quoted"]
        data = read(written([(t, None, None) for t in texts]))
        self.assertEqual([parse_text(row[0]) for row in data[1:]], texts)

    def test_values_of_another_kind_are_written_as_what_they_are(self):
        columns = [
            ExportColumn("数", lambda r: r[0], kind="number"),
            ExportColumn("文", lambda r: r[1]),
            ExportColumn("日", lambda r: r[2], kind="date"),
            ExportColumn("钱", lambda r: r[3], kind="money"),
        ]
        rows = [
            (7, 7, "待定", float("nan")),
            (2.5, dt.date(2026, 3, 5), dt.date(1900, 3, 1), Decimal("Infinity")),
            (True, Decimal("1.10"), dt.date(1900, 2, 28), 10**15),
            (None, "", dt.date(1900, 1, 1), "-5"),
        ]
        data = read(written(rows, columns))
        self.assertEqual(data[1], [7.0, "7", "待定", "nan"])
        self.assertEqual(data[2], [2.5, "2026-03-05", dt.date(1900, 3, 1), "Infinity"])
        self.assertEqual(data[3], ["True", "1.10", dt.date(1900, 2, 28), 1e15])
        self.assertEqual(data[4], ["", "", dt.date(1900, 1, 1), "'-5"])

    def test_a_field_column_reads_objects_by_attribute_and_shows_only_what_is_there(self):
        column = ExportColumn("主管", field="lead__name", shown=str.upper)
        row = SimpleNamespace(lead=SimpleNamespace(name="wei"))
        self.assertEqual(column.value(row), "WEI")
        self.assertIsNone(column.value(SimpleNamespace(lead=None)))
        self.assertIsNone(column.value(SimpleNamespace()))
        with self.assertRaises(TypeError):
            ExportColumn("空")

    def test_an_empty_export_has_its_header_only(self):
        buffer = io.BytesIO()
        self.assertEqual(write_xlsx([], COLUMNS, sheet="应收", target=buffer), 0)
        self.assertEqual(read(buffer.getvalue()), [["客户", "金额", "到期日"]])

    def test_every_part_is_well_formed_xml_and_declared(self):
        with zipfile.ZipFile(io.BytesIO(written(ROWS, sheet="张三's [表]"))) as book:
            names = book.namelist()
            for name in names:
                ElementTree.fromstring(book.read(name))  # raises if not well formed
            types = book.read("[Content_Types].xml").decode()
            workbook = book.read("xl/workbook.xml").decode()
        for part in names:
            if not part.endswith(".rels") and part != "[Content_Types].xml":
                self.assertIn(f'PartName="/{part}"', types)
        self.assertIn('<sheet name="张三\'s _表_"', workbook)
        self.assertIn("'张三''s _表_'!$A$1:$C$4", workbook)

    def test_cells_carry_their_formats_and_the_header_is_bold_frozen_and_filtered(self):
        """Read from the XML itself, so this holds without openpyxl too."""
        ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
        with zipfile.ZipFile(io.BytesIO(written(ROWS))) as book:
            sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
            styles = ElementTree.fromstring(book.read("xl/styles.xml"))
        formats = {"4": "#,##0.00"} | {
            f.get("numFmtId"): f.get("formatCode") for f in styles.iterfind(".//m:numFmt", ns)
        }
        xfs = styles.findall("m:cellXfs/m:xf", ns)
        fonts = styles.findall("m:fonts/m:font", ns)

        def style(ref):
            cell = sheet.find(f".//m:c[@r='{ref}']", ns)
            return xfs[int(cell.get("s", "0"))]

        self.assertEqual(formats[style("B2").get("numFmtId")], "#,##0.00")
        self.assertEqual(formats[style("C2").get("numFmtId")], "yyyy-mm-dd")
        self.assertEqual(formats[style("C4").get("numFmtId")], "yyyy-mm-dd")
        self.assertEqual(style("A2").get("numFmtId"), "0")
        for ref in ["A1", "B1", "C1"]:
            self.assertIsNotNone(fonts[int(style(ref).get("fontId"))].find("m:b", ns))
        pane = sheet.find(".//m:pane", ns)
        self.assertEqual((pane.get("ySplit"), pane.get("state")), ("1", "frozen"))
        self.assertEqual(sheet.find("m:autoFilter", ns).get("ref"), "A1:C4")
        widths = [float(c.get("width")) for c in sheet.iterfind("m:cols/m:col", ns)]
        self.assertEqual([round(w) for w in widths], [25, 15, 15])

    def test_the_response_is_a_streamed_download_with_a_chinese_name(self):
        response = xlsx_response([], COLUMNS, filename="应收账款.xlsx", sheet="应收")
        self.assertTrue(response.streaming)
        self.assertIn("UTF-8''%E5%BA%94", response["Content-Disposition"])
        body = b"".join(response.streaming_content)
        self.assertTrue(body.startswith(b"PK"))


@unittest.skipUnless(importlib.util.find_spec("openpyxl"), "openpyxl is not installed")
class OpenpyxlTests(SimpleTestCase):
    """What a person sees in Excel or WPS: formats, a bold frozen header, a filter, widths."""

    def setUp(self):
        import openpyxl

        self.book = openpyxl.load_workbook(io.BytesIO(written(ROWS)))
        self.sheet = self.book.active

    def test_the_sheet_is_named_with_a_frozen_filtered_bold_header(self):
        sheet = self.sheet
        self.assertEqual(self.book.sheetnames, ["应收"])
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:C4")
        for cell in sheet[1]:
            self.assertTrue(cell.font.b)
            self.assertEqual(cell.fill.fgColor.rgb, "FFF2F2F2")
            self.assertEqual(cell.border.bottom.style, "thin")
        self.assertAlmostEqual(sheet.column_dimensions["A"].width, 24.71, places=2)
        self.assertAlmostEqual(sheet.column_dimensions["B"].width, 14.71, places=2)

    def test_a_row_ending_in_empty_cells_reads_full_width_where_cells_size_rows(self):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(written(ROWS)), read_only=True)
        rows = list(book.active.iter_rows(values_only=True))  # as tablib reads a workbook
        self.assertEqual([len(row) for row in rows], [3, 3, 3, 3])
        self.assertEqual(rows[2], ('\'=HYPERLINK("x")', None, None))

    def test_money_and_dates_are_typed_and_formatted(self):
        money, date = self.sheet["B2"], self.sheet["C2"]
        self.assertEqual((money.value, money.number_format), (1234.5, "#,##0.00"))
        self.assertEqual(money.data_type, "n")
        self.assertEqual(date.value, dt.datetime(2026, 3, 5))  # noqa: DTZ001
        self.assertEqual(date.number_format, "yyyy-mm-dd")
        self.assertTrue(date.is_date)
        self.assertEqual(self.sheet["A3"].value, '\'=HYPERLINK("x")')
        self.assertEqual(self.sheet["A3"].data_type, "s")
        self.assertIsNone(self.sheet["B3"].value)
        self.assertEqual(self.sheet["A4"].value, "乙 & <丙>")
