from operator import attrgetter

from duban.core.exporting import ExportColumn
from duban.core.labels import choice_labels
from duban.leads.models import SalesLead

# The leads table's export and the import's format (importers.LeadImporter): the import reads
# these headers back, and what it exports re-imports changing nothing.
EXPORT_COLUMNS = [
    ExportColumn("团队", field="team__name"),
    ExportColumn("负责人", field="owner__name"),
    ExportColumn("合作单位", field="partner__name", width=20),
    ExportColumn("意向客户", field="prospect", width=20),
    ExportColumn("阶段", field="stage", shown=choice_labels(SalesLead, "stage")),
    ExportColumn("预计金额", field="value", kind="money"),
    ExportColumn("合作概率", field="probability", kind="number"),
    ExportColumn("下一步", field="next_step", width=24),
    ExportColumn("下一步日期", field="next_on", kind="date"),
    ExportColumn("交付日期", field="delivered_on", kind="date"),
    ExportColumn("流失原因", field="lost_reason", width=20),
    ExportColumn("对应需求", field="request", shown=attrgetter("pk"), kind="number", width=10),
]
