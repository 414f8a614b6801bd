import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.aftersales.choices import OPEN_CASES
from duban.aftersales.importers import shown_moment
from duban.aftersales.models import Case
from duban.core.exporting import ExportColumn
from duban.core.labels import choice_labels

# The after-sales register's export and the import's format (importers.CaseImporter): the
# import reads these headers back, and what it exports re-imports changing nothing.
EXPORT_COLUMNS = [
    ExportColumn("编号", field="number", width=16),
    ExportColumn("客户", field="partner__name", width=20),
    ExportColumn("项目", field="project", width=16),
    ExportColumn("团队", field="team__name"),
    ExportColumn("处理人", field="handler__name"),
    ExportColumn("报告时间", field="reported_at", shown=shown_moment, width=18),
    ExportColumn("渠道", field="channel", shown=choice_labels(Case, "channel")),
    ExportColumn("类别", field="category__name"),
    ExportColumn("原因", field="cause__name"),
    ExportColumn("严重程度", field="severity", shown=choice_labels(Case, "severity")),
    ExportColumn("状态", field="status", shown=choice_labels(Case, "status")),
    ExportColumn("问题描述", field="description", width=40),
    ExportColumn("处理结果", field="resolution", width=30),
    ExportColumn("责任方", field="responsibility", shown=choice_labels(Case, "responsibility")),
]


def _late(record) -> str:
    late = record.status in OPEN_CASES and record.resolve_by < timezone.now()
    return "text-danger fw-semibold" if late else ""


class CaseTable(tables.Table):
    number = tables.Column(linkify=True)
    partner = tables.Column(default="—")
    cause = tables.Column(default="—")
    reported_at = tables.DateTimeColumn(format="m-d H:i")
    resolve_by = tables.DateTimeColumn(format="m-d H:i", attrs={"td": {"class": _late}})

    class Meta:
        model = Case
        fields = ["number", "partner", "team", "severity", "cause", "status", "reported_at"]
        sequence = [*fields, "resolve_by"]
        attrs = {"class": "table table-sm table-hover align-middle text-nowrap", "id": "case-table"}
        empty_text = _("没有符合条件的售后案例。")
