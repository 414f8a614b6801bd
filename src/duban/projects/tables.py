from operator import attrgetter

from duban.core.exporting import ExportColumn
from duban.core.labels import choice_labels
from duban.projects.models import Project

# The project table's export and the import's format (importers.ProjectImporter): the import
# reads these headers back, and what it exports re-imports changing nothing.
EXPORT_COLUMNS = [
    ExportColumn("团队", field="team__name"),
    ExportColumn("项目名称", field="name", width=24),
    ExportColumn("主管", field="lead", shown=attrgetter("display_name")),
    ExportColumn("合作单位", field="partner__name", width=20),
    ExportColumn("后端团队", field="back_team__name"),
    ExportColumn("后端对接人", field="back_contact"),
    ExportColumn("开始日期", field="starts_on", kind="date"),
    ExportColumn("计划结束", field="ends_on", kind="date"),
    ExportColumn("阶段", field="stage", shown=choice_labels(Project, "stage"), width=10),
    ExportColumn("目标类型", field="target_kind", shown=choice_labels(Project, "target_kind")),
    ExportColumn("目标", field="target", kind="number"),
    ExportColumn("状态", field="status", shown=choice_labels(Project, "status"), width=10),
    ExportColumn("说明", field="note", width=30),
]
