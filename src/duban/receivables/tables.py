import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from duban.core.exporting import ExportColumn
from duban.core.labels import choice_labels
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


def _display_name(user) -> str:
    return user.display_name


# The export and the import's format: the import reads these headers back. Each column names its
# field, so the list page exports through values_list() and the demo and the CLI from instances.
EXPORT_COLUMNS = [
    ExportColumn("单号", field="number"),
    ExportColumn("客户名称", field="customer__name", width=24),
    ExportColumn("团队", field="team__name"),
    ExportColumn("负责主管", field="lead", shown=_display_name),
    ExportColumn("项目", field="project_name", width=24),
    ExportColumn("类别", field="category", shown=choice_labels(Receivable, "category")),
    ExportColumn("开票日期", field="invoice_date", kind="date"),
    ExportColumn("到期日", field="due_date", kind="date"),
    ExportColumn("约定付款日", field="agreed_payment_date", kind="date"),
    ExportColumn("质保到期日", field="warranty_due_date", kind="date"),
    ExportColumn("应收金额", field="amount", kind="money"),
    ExportColumn("已回款", field="paid", kind="money"),
    ExportColumn("未回款", field="outstanding", kind="money"),
    ExportColumn("状态", field="status", shown=choice_labels(Receivable, "status")),
    ExportColumn("备注", field="note", width=30),
]
