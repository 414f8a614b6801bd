from duban.core.exporting import ExportColumn
from duban.core.labels import choice_labels
from duban.core.parsing import mask_phone
from duban.resources.models import Resource
from duban.resources.selectors import MASKED


def unmask(value: str) -> str:
    """A number the export marked (selectors.MASKED) is written masked."""
    return mask_phone(value[1:]) if value.startswith(MASKED) else value


# The export and the import's format: the import reads these headers back. The phone columns
# are annotations (selectors.resources_for_export): in full only where the reader may.
EXPORT_COLUMNS = [
    ExportColumn("资源编号", field="number"),
    ExportColumn("联系人", field="contact_name"),
    ExportColumn("单位", field="company", width=24),
    ExportColumn("电话", field="phone_shown", shown=unmask, width=16),
    ExportColumn("备用电话", field="phone2_shown", shown=unmask, width=16),
    ExportColumn("来源", field="source__name"),
    ExportColumn("分类", field="category__name"),
    ExportColumn("级别", field="grade"),
    ExportColumn("团队", field="team__name"),
    ExportColumn("负责人", field="owner__name"),
    ExportColumn("状态", field="status", shown=choice_labels(Resource, "status")),
    ExportColumn("结果", field="outcome", shown=choice_labels(Resource, "outcome")),
    ExportColumn("领取日期", field="received_on", kind="date"),
    ExportColumn("最近跟进", field="last_worked_on", kind="date"),
    ExportColumn("备注", field="note", width=30),
]
