"""Exports: number and date formats, formulas neutralised, streamed (issue 4)."""

import datetime as dt
import io
from decimal import Decimal

from django.test import SimpleTestCase
from python_calamine import CalamineWorkbook

from duban.core.exporting import ExportColumn, neutralize, write_xlsx, xlsx_response

COLUMNS = [
    ExportColumn("客户", lambda r: r[0]),
    ExportColumn("金额", lambda r: r[1], kind="money"),
    ExportColumn("到期日", lambda r: r[2], kind="date"),
]


class ExportTests(SimpleTestCase):
    def test_formula_like_text_is_neutralised(self):
        for text in ["=1+1", "+86 138", "-SUM(A1)", "@cmd", "普通"]:
            with self.subTest(text=text):
                self.assertEqual(neutralize(text).startswith("'"), text != "普通")

    def test_the_workbook_reads_back_with_numbers_dates_and_inert_text(self):
        buffer = io.BytesIO()
        rows = [
            ("甲公司", Decimal("1234.50"), dt.date(2026, 3, 5)),
            ('=HYPERLINK("x")', None, None),
        ]
        self.assertEqual(write_xlsx(rows, COLUMNS, sheet="应收", target=buffer), 2)
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0)
        data = sheet.to_python()
        self.assertEqual(data[0], ["客户", "金额", "到期日"])
        self.assertEqual(data[1][1], 1234.5)
        self.assertEqual(data[1][2], dt.date(2026, 3, 5))
        self.assertEqual(data[2][0], '\'=HYPERLINK("x")')

    def test_the_response_is_a_streamed_download_with_a_chinese_name(self):
        response = xlsx_response([], COLUMNS, filename="应收账款.xlsx", sheet="应收")
        self.assertTrue(response.streaming)
        self.assertIn("UTF-8''%E5%BA%94", response["Content-Disposition"])
        body = b"".join(response.streaming_content)
        self.assertTrue(body.startswith(b"PK"))
