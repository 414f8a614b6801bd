"""Reading real, messy tables: title rows, merged headers, totals, CSV encodings (issue 4)."""

import datetime as dt
import io

import xlsxwriter
from django.test import SimpleTestCase

from duban.core.parsing import parse_date
from duban.core.tabular import TabularError, header_key, read_table

KNOWN = ["序号", "客户名称", "发票号", "金额", "到期日"]


def aging_workbook() -> bytes:
    """An AR table as accountants send it: a title, a two-row header, a total row."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("应收账款")
    sheet.merge_range("A1:G1", "应收账款账龄表（截至2026年3月31日，单位：元）")
    sheet.write_row("A2", ["序号", "客户名称", "发票号"])
    sheet.merge_range("D2:E2", "账龄")
    sheet.write("F2", "金额（元）")
    sheet.write("G2", "到期日")
    sheet.write_row("D3", ["0-30天", "31-60天"])
    date_format = book.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    sheet.write_row("A4", [1, "甲公司", "INV-001", 100, 0, 100])
    sheet.write_datetime("G4", dt.datetime(2026, 3, 5), date_format)  # noqa: DTZ001
    sheet.write_row("A6", [2, "乙公司", "INV-002", 0, 250.5, 250.5, "2026/2/1"])
    sheet.write_row("A7", ["合计", "", "", 100, 250.5, 350.5])
    book.close()
    return buffer.getvalue()


class SpreadsheetTests(SimpleTestCase):
    def test_title_rows_merged_headers_blank_and_total_rows(self):
        table = read_table(aging_workbook(), "账龄表.xlsx", known_headers=KNOWN)
        self.assertEqual(
            table.headers,
            ["序号", "客户名称", "发票号", "账龄/0-30天", "账龄/31-60天", "金额（元）", "到期日"],
        )
        self.assertEqual(table.header_line, 2)
        self.assertEqual([line for line, _ in table.rows], [4, 6])  # line 5 is blank
        self.assertEqual(table.skipped, [7])
        first = table.rows[0][1]
        self.assertEqual(first[2], "INV-001")
        self.assertEqual(first[6], dt.date(2026, 3, 5))

    def test_blank_rows_are_blank_however_they_start_and_totals_anywhere_in_front(self):
        text = (
            "序号,客户名称,发票号,金额\n"
            "1,甲,INV-1,100\n"
            ",,,\n"
            "  ,\t, ,\n"
            ",乙,INV-2,200\n"
            " 3,丙,INV-3,300\n"
            ",, 合 计 ,600\n"
            "小计：,,,600\n"
        )
        table = read_table(text.encode(), "表.csv", known_headers=KNOWN)
        self.assertEqual([line for line, _ in table.rows], [2, 5, 6])
        self.assertEqual(table.skipped, [7, 8])

    def test_a_header_with_units_and_full_width_matches(self):
        self.assertEqual(header_key("金额（元）"), "金额")
        self.assertEqual(header_key(" 发票号码* "), "发票号码")

    def test_a_sheet_without_a_known_header_is_refused_in_chinese(self):
        with self.assertRaisesMessage(TabularError, "找不到表头"):
            read_table(aging_workbook(), "x.xlsx", known_headers=["币种", "汇率"])

    def test_a_broken_file_is_refused_in_chinese(self):
        with self.assertRaisesMessage(TabularError, "无法读取这个表格文件"):
            read_table(b"not a workbook", "x.xlsx", known_headers=KNOWN)

    def test_other_file_types_are_refused(self):
        with self.assertRaisesMessage(TabularError, "不支持的文件类型"):
            read_table(b"", "x.pdf", known_headers=KNOWN)


class CsvTests(SimpleTestCase):
    TEXT = '客户名称,发票号,金额\n甲公司,INV-1,"1,234.50"\n\n小计,,1234.50\n'

    def test_utf8_utf8_with_bom_gbk_and_gb18030(self):
        for name, data in [
            ("utf-8", self.TEXT.encode("utf-8")),
            ("utf-8-sig", self.TEXT.encode("utf-8-sig")),
            ("gbk", self.TEXT.encode("gbk")),
            ("gb18030", (self.TEXT + "㐀公司,INV-2,1\n").encode("gb18030")),
        ]:
            with self.subTest(encoding=name):
                table = read_table(data, "回款.csv", known_headers=KNOWN)
                self.assertEqual(table.headers, ["客户名称", "发票号", "金额"])
                self.assertEqual(table.rows[0], (2, ["甲公司", "INV-1", "1,234.50"]))
                self.assertEqual(table.skipped, [4])

    def test_semicolons_are_understood(self):
        table = read_table("客户名称;发票号\n甲;1\n".encode(), "x.csv", known_headers=KNOWN)
        self.assertEqual(table.rows, [(2, ["甲", "1"])])


def ods_file() -> bytes:
    """A LibreOffice/WPS .ods table: a title row above the header."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table as OdsTable
    from odf.table import TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    sheet = OdsTable(name="应收")
    rows = [
        ["应收账款（单位：元）"],
        ["客户名称", "发票号", "金额", "到期日"],
        ["甲公司", "INV-1", 1234.5, "2026-03-05"],
    ]
    for values in rows:
        row = TableRow()
        for value in values:
            if isinstance(value, float):
                cell = TableCell(valuetype="float", value=value)
            elif value == "2026-03-05":
                cell = TableCell(valuetype="date", datevalue=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            row.addElement(cell)
        sheet.addElement(row)
    doc.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


def xls_file() -> bytes:
    """An Excel 97–2003 .xls table, as older finance software still exports."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("应收")
    sheet.write(0, 0, "应收账款")
    for col, value in enumerate(["客户名称", "发票号", "金额", "到期日"]):
        sheet.write(1, col, value)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    sheet.write(2, 0, "甲公司")
    sheet.write(2, 1, "INV-1")
    sheet.write(2, 2, 1234.5)
    sheet.write(2, 3, dt.date(2026, 3, 5), date_style)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class OtherFormatTests(SimpleTestCase):
    def test_ods_and_xls_are_read_with_their_header_under_a_title(self):
        for name, data in [("账表.ods", ods_file()), ("账表.xls", xls_file())]:
            with self.subTest(name=name):
                table = read_table(data, name, known_headers=KNOWN)
                self.assertEqual(table.headers, ["客户名称", "发票号", "金额", "到期日"])
                line, cells = table.rows[0]
                self.assertEqual(
                    (line, cells[0], cells[1], cells[2]), (3, "甲公司", "INV-1", 1234.5)
                )
                self.assertEqual(parse_date(cells[3]), dt.date(2026, 3, 5))
