from pathlib import Path

from django.core.management.base import BaseCommand

from duban.core.exporting import write_xlsx
from duban.org.management.commands._tables import acting_user, table_spec


class Command(BaseCommand):
    help = "导出为 Excel（按用户权限）。Export a table: duban export receivables --out FILE"

    def add_arguments(self, parser):
        parser.add_argument("area", help="数据类型，如 receivables")
        parser.add_argument("--out", type=Path, required=True, help="输出的 .xlsx 文件")
        parser.add_argument("--user", help="以哪个用户的权限导出，默认第一个管理员")

    def handle(self, *args, area, out, user, **options):
        spec = table_spec(area)
        user = acting_user(user)
        rows = spec["rows"](user).order_by("pk")  # a queryset: read as values
        count = write_xlsx(rows, spec["columns"], sheet=area, target=str(out))
        if "log" in spec:  # personal information: who took how many rows is kept
            spec["log"](user=user, rows=rows, count=count, via="cli")
        self.stdout.write(self.style.SUCCESS(f"已导出 {count} 行到 {out}"))
