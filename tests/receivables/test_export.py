"""The receivables export: the list page reads values, the demo and the CLI instances, and
both give the same workbook, which the import reads back."""

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from python_calamine import CalamineWorkbook

from duban.core.exporting import write_xlsx
from duban.receivables.choices import Category, ReceivableStatus
from duban.receivables.models import Receivable
from duban.receivables.tables import EXPORT_COLUMNS
from tests.base import BaseTestCase


def read(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def written(rows) -> list[list]:
    buffer = io.BytesIO()
    write_xlsx(rows, EXPORT_COLUMNS, sheet="应收账款", target=buffer)
    return read(buffer.getvalue())


class ReceivableExportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.warranty = Receivable.objects.create(
            number="INV-A-002",
            customer=cls.customer_a,
            team=cls.team_a,
            lead=None,
            project_name="=cmd|' /C calc'!A0",
            category=Category.WARRANTY,
            due_date=dt.date(2026, 4, 1),
            warranty_due_date=dt.date(2027, 4, 1),
            amount=Decimal("1234567.89"),
            paid=Decimal("1234567.89"),
            outstanding=Decimal("0.00"),
            status=ReceivableStatus.SETTLED,
            note="-1 备注",
        )

    def queryset(self):
        return Receivable.objects.select_related("customer", "team", "lead").order_by("number")

    def test_values_and_instances_give_the_same_cells(self):
        from_values = written(self.queryset())
        self.assertEqual(from_values, written(list(self.queryset())))
        self.assertEqual(from_values[0], [c.header for c in EXPORT_COLUMNS])
        self.assertEqual(len(from_values), 3)
        first = dict(zip(from_values[0], from_values[1], strict=True))
        self.assertEqual(first["客户名称"], "甲公司")
        self.assertEqual(first["团队"], "电销一组")
        self.assertEqual(first["负责主管"], "维盛")
        self.assertEqual(first["类别"], "已开票到账期")
        self.assertEqual(first["状态"], "未结清")
        self.assertEqual(first["应收金额"], 100000.0)
        self.assertEqual(first["开票日期"], dt.date(2026, 1, 2))
        self.assertEqual(first["约定付款日"], "")

    def test_codes_are_labels_formulas_are_inert_and_empty_fields_empty(self):
        second = dict(zip(*written(self.queryset())[::2], strict=True))
        self.assertEqual(second["负责主管"], "")
        self.assertEqual(second["类别"], "质保金")
        self.assertEqual(second["状态"], "已结清")
        self.assertEqual(second["项目"], "'=cmd|' /C calc'!A0")
        self.assertEqual(second["备注"], "'-1 备注")
        self.assertEqual(second["未回款"], 0.0)
        self.assertEqual(second["应收金额"], 1234567.89)
        self.assertEqual(second["质保到期日"], dt.date(2027, 4, 1))

    def test_unsaved_receivables_export_as_the_demo_writes_them(self):
        unsaved = Receivable(
            number="NEW-1",
            customer=self.customer_a,
            team=self.team_a,
            lead=self.lead_a,
            category=Category.PREPAYMENT,
            agreed_payment_date=dt.date(2026, 5, 1),
            amount=Decimal("10.00"),
            outstanding=Decimal("10.00"),
        )
        row = written([unsaved])[1]
        self.assertEqual(row[:6], ["NEW-1", "甲公司", "电销一组", "维盛", "", "预付款"])
        self.assertEqual(row[8], dt.date(2026, 5, 1))

    def test_a_large_export_reads_related_rows_once_not_per_row(self):
        Receivable.objects.bulk_create(
            Receivable(
                number=f"BULK-{i:04d}",
                customer=self.customer_a,
                team=self.team_a,
                lead=self.admin if i == 2499 else self.lead_a if i % 2 else self.lead_b,
                amount=Decimal(i),
                outstanding=Decimal(i),
            )
            for i in range(2500)
        )
        # the rows, then the leads of the first chunk of 2,000 and the one new in the second
        with self.assertNumQueries(3):
            rows = written(Receivable.objects.order_by("number"))
        self.assertEqual(len(rows), 2503)
        self.assertEqual({row[3] for row in rows[1:2500]}, {"维盛", "王立霞"})
        self.assertEqual(rows[2500][:4], ["BULK-2499", "甲公司", "电销一组", "管理员"])

    def test_the_list_page_exports_its_filter_with_formats(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(
            reverse("receivables:receivable_list"), {"category": "warranty", "export": "xlsx"}
        )
        rows = read(b"".join(response.streaming_content))
        self.assertEqual([row[0] for row in rows[1:]], ["INV-A-002"])
