"""Sheets that reach too far are refused before they are read (issue 18: a 2 KB xlsx with a
cell at XFD1048576 asked the reader for 17 billion cells and killed the process)."""

import io
import zipfile

import xlsxwriter
from django.test import SimpleTestCase, override_settings

from duban.core import extent
from duban.core.extent import Extent
from duban.core.tabular import TabularError, read_table

KNOWN = ["客户名称", "发票号", "金额"]


def workbook(*cells) -> bytes:
    """An xlsx with the header in row 1 and text in the given (row, column) cells, 0-based."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, KNOWN)
    sheet.write_row(1, 0, ["甲", "INV-1", 100])
    for row, column in cells:
        sheet.write(row, column, "x")
    book.close()
    return buffer.getvalue()


def with_sheet_xml(data: bytes, sheet_data: bytes) -> bytes:
    """The workbook ``data`` with its first sheet's <sheetData> replaced."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, rest = content.split(b"<sheetData>", 1)
                content = head + sheet_data + rest.split(b"</sheetData>", 1)[1]
            target.writestr(info, content)
    return buffer.getvalue()


def ods(body: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    return buffer.getvalue()


HEADER_ROW = "".join(
    f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
    for h in KNOWN
)


class HostileSheetTests(SimpleTestCase):
    def test_a_cell_at_xfd1048576_is_refused_unread_saying_how_far_the_sheet_reaches(self):
        data = workbook((1048575, 16383))
        self.assertLess(len(data), 8000)
        with self.assertRaises(TabularError) as caught:
            read_table(data, "小表.xlsx", known_headers=KNOWN)
        message = str(caught.exception)
        self.assertIn("表格太大", message)
        self.assertIn("第 1,048,576 行、第 16,384 列", message)
        self.assertIn("Ctrl+End", message)

    def test_a_cell_at_ax1000000_is_refused_too(self):
        self.assertEqual(extent.of_file(workbook((999999, 49)), ".xlsx"), Extent(1000000, 50))
        with self.assertRaises(TabularError):
            read_table(workbook((999999, 49)), "表.xlsx", known_headers=KNOWN)

    def test_a_cell_naming_a_row_beyond_its_row_counts(self):
        sheet = (
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
            b'<c r="ZZ1000000" t="inlineStr"><is><t>z</t></is></c></row></sheetData>'
        )
        data = with_sheet_xml(workbook(), sheet)
        self.assertEqual(extent.of_file(data, ".xlsx"), Extent(1000000, 702))

    def test_a_wide_row_past_the_first_rows_and_a_row_written_with_leading_zeros_count(self):
        rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 80))
        wide = with_sheet_xml(
            workbook(),
            b"<sheetData>"
            + rows
            + b'<row r="80"><c r="ZZ80"><v>1</v></c></row>'
            + rows.replace(b'r="', b'r="9')
            + b"</sheetData>",
        )
        self.assertEqual(extent.of_file(wide, ".xlsx").columns, 702)
        zeros = with_sheet_xml(
            workbook(),
            b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
            b'<row r="2"><c r="B0001048576"><v>1</v></c></row></sheetData>',
        )
        self.assertEqual(extent.of_file(zeros, ".xlsx"), Extent(1048576, 2))

    def test_positions_left_implicit_or_named_later_are_counted_tag_by_tag(self):
        sheet = (
            b"<sheetData><row><c><v>1</v></c><c><v>2</v></c></row>"
            b'<row><c t="s" r="C7"><v>0</v></c><c><v>3</v></c></row>'
            b'<row r="9"><c r="B9"><v>4</v></c></row></sheetData>'
        )
        data = with_sheet_xml(workbook(), sheet)
        self.assertEqual(extent.of_file(data, ".xlsx"), Extent(9, 4))

    def test_a_row_position_that_is_no_number_is_counted_tag_by_tag_not_a_crash(self):
        sheet = b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="x"><c r="C2">'
        sheet += b"<v>2</v></c></row></sheetData>"
        data = with_sheet_xml(workbook(), sheet)
        self.assertEqual(extent.of_file(data, ".xlsx"), Extent(2, 3))

    @override_settings(IMPORT_MAX_ROWS=3)
    def test_the_limits_are_settings(self):
        with self.assertRaises(TabularError) as caught:
            read_table(workbook((3, 0)), "表.xlsx", known_headers=KNOWN)
        self.assertIn("最多 3 行", str(caught.exception))
        read_table(workbook((2, 0)), "表.xlsx", known_headers=KNOWN)  # three rows: read

    def test_a_table_starting_further_down_and_right_keeps_its_line_numbers(self):
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet()
        sheet.merge_range("C3:E3", "应收账款")
        sheet.write_row("C4", KNOWN)
        sheet.write_row("C6", ["甲", "INV-1", 100])
        book.close()
        table = read_table(buffer.getvalue(), "表.xlsx", known_headers=KNOWN)
        self.assertEqual(table.header_line, 4)
        self.assertEqual(table.rows, [(6, ["甲", "INV-1", 100.0])])

    def test_an_ods_with_a_million_repeated_rows_of_content_is_refused_unread(self):
        body = (
            f"<table:table-row>{HEADER_ROW}</table:table-row>"
            '<table:table-row table:number-rows-repeated="1048575">'
            '<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
            "<text:p>y</text:p></table:table-cell></table:table-row>"
        )
        self.assertEqual(extent.of_file(ods(body), ".ods"), Extent(1048576, 16384))
        with self.assertRaises(TabularError):
            read_table(ods(body), "表.ods", known_headers=KNOWN)

    def test_an_ods_with_trailing_empty_repeats_as_libreoffice_writes_is_read(self):
        body = (
            f"<table:table-row>{HEADER_ROW}"
            '<table:table-cell table:number-columns-repeated="16381"/></table:table-row>'
            '<table:table-row table:number-rows-repeated="1048575">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        )
        self.assertEqual(extent.of_file(ods(body), ".ods"), Extent(1, 3))
        self.assertEqual(read_table(ods(body), "表.ods", known_headers=KNOWN).rows, [])

    def test_a_zip_bomb_sheet_is_refused_by_its_size(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("content.xml", b" " * (extent.MAX_SHEET_XML + 1))
        with self.assertRaises(TabularError) as caught:
            read_table(buffer.getvalue(), "表.ods", known_headers=KNOWN)
        self.assertIn("512 MB", str(caught.exception))
