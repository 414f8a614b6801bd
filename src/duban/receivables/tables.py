import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from duban.core.exporting import ExportColumn
from duban.core.labels import choice_label
from duban.core.templatetags.duban import money
from duban.receivables.models import Receivable


class MoneyColumn(tables.Column):
    attrs = {"td": {"class": "num"}, "th": {"class": "num"}}

    def render(self, value):
        return money(value)


class ReceivableTable(tables.Table):
    number = tables.Column(linkify=True)
    customer = tables.Column(linkify=True)
    due_date = tables.DateColumn(format="Y-m-d")
    invoice_date = tables.DateColumn(format="Y-m-d")
    amount = MoneyColumn()
    paid = MoneyColumn()
    outstanding = MoneyColumn()

    class Meta:
        model = Receivable
        fields = [
            "number",
            "customer",
            "team",
            "lead",
            "category",
            "invoice_date",
            "due_date",
            "amount",
            "paid",
            "outstanding",
            "status",
        ]
        empty_text = _("没有符合条件的应收款。")


def _text(path):
    def value(row):
        for part in path.split("."):
            row = getattr(row, part, None) if row is not None else None
        return row

    return value


EXPORT_COLUMNS = [
    ExportColumn("单号", _text("number")),
    ExportColumn("客户名称", _text("customer.name"), width=24),
    ExportColumn("团队", _text("team.name")),
    ExportColumn("负责主管", lambda r: r.lead.display_name if r.lead else ""),
    ExportColumn("项目", _text("project_name"), width=24),
    ExportColumn("类别", lambda r: choice_label(r, "category")),
    ExportColumn("开票日期", _text("invoice_date"), kind="date"),
    ExportColumn("到期日", _text("due_date"), kind="date"),
    ExportColumn("约定付款日", _text("agreed_payment_date"), kind="date"),
    ExportColumn("质保到期日", _text("warranty_due_date"), kind="date"),
    ExportColumn("应收金额", _text("amount"), kind="money"),
    ExportColumn("已回款", _text("paid"), kind="money"),
    ExportColumn("未回款", _text("outstanding"), kind="money"),
    ExportColumn("状态", lambda r: choice_label(r, "status")),
    ExportColumn("备注", _text("note"), width=30),
]
