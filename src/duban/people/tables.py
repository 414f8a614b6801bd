from duban.core.exporting import ExportColumn
from duban.core.labels import choice_labels
from duban.org.models import Employee

# The roster's export and the import's format: the import reads these headers back, and what
# it exports re-imports changing nothing.
EXPORT_COLUMNS = [
    ExportColumn("工号", field="number"),
    ExportColumn("姓名", field="name"),
    ExportColumn("团队", field="team__name"),
    ExportColumn("岗位", field="position", width=16),
    ExportColumn("岗位类别", field="post", shown=choice_labels(Employee, "post")),
    ExportColumn("入职日期", field="hire_date", kind="date"),
    ExportColumn("离职日期", field="leave_date", kind="date"),
    ExportColumn("状态", field="status", shown=choice_labels(Employee, "status")),
    ExportColumn("手机", field="phone", width=16),
]
