from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from duban.core.importing import MappingRequired
from duban.core.management.commands._tables import acting_user, table_spec
from duban.core.services import import_commit, import_preview
from duban.core.tabular import TabularError


class Command(BaseCommand):
    help = "导入表格（全部行通过检查才导入）。Import a table: duban import receivables FILE"

    def add_arguments(self, parser):
        parser.add_argument("area", help="数据类型，如 receivables")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")
        parser.add_argument("--user", help="以哪个用户的权限导入，默认第一个管理员")
        parser.add_argument("--as-of", dest="as_of", help="账表截至日期 YYYY-MM-DD，默认今天")

    def handle(self, *args, area, file, dry_run, user, as_of, **options):
        spec = table_spec(area)
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        user = acting_user(user)
        importer = spec["importer"](user, {"as_of": as_of} if as_of else {})
        try:
            batch, preview = import_preview(
                importer=importer,
                data=file.read_bytes(),
                filename=file.name,
                kind=spec["kind"],
                by=user,
            )
        except (TabularError, MappingRequired) as exc:
            raise CommandError(str(exc)) from None
        counts = preview.counts()
        self.stdout.write(
            f"新增 {counts['new']} 行，更新 {counts['changed']} 行，未变 {counts['unchanged']} 行，"
            f"错误 {counts['errors']} 处"
        )
        if preview.ignored_headers:
            self.stdout.write("未导入的列：" + "、".join(preview.ignored_headers))
        if not preview.ok:
            for error in preview.errors:
                self.stderr.write(str(error))
            raise CommandError("有错误，没有导入任何数据。")
        if dry_run:
            self.stdout.write("检查通过（--dry-run，没有导入）。")
            return
        import_commit(importer=importer, batch=batch)
        self.stdout.write(self.style.SUCCESS("导入完成。"))
