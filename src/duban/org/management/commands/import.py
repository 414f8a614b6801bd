from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from duban.core.importing import IGNORE, MappingRequired
from duban.core.services import (
    import_check,
    import_commit,
    import_discard,
    import_recheck,
    import_stage,
)
from duban.core.tabular import TabularError
from duban.org.management.commands._tables import acting_user, table_spec

HOW_TO_MAP = "可用 --map 表头=字段 指定列，--team 团队 指定整张表的团队。"


class Command(BaseCommand):
    help = "导入表格（全部行通过检查才导入）。Import a table: duban import receivables FILE"

    def add_arguments(self, parser):
        parser.add_argument("area", help="数据类型，如 receivables")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")
        parser.add_argument("--user", help="以哪个用户的权限导入，默认第一个管理员")
        parser.add_argument("--as-of", dest="as_of", help="账表截至日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--team", help="表中没有团队或业务员列时，整张表属于哪个团队")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="表头=字段",
            help="指定某一列的含义，如 --map 开票单位=客户名称（可多次使用；写“不导入”忽略该列）",
        )

    def handle(self, *args, area, file, dry_run, user, as_of, team, map, **options):
        spec = table_spec(area)
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        user = acting_user(user)
        choices = {k: v for k, v in {"as_of": as_of, "team": team}.items() if v}
        try:
            importer = spec["importer"](user, choices)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        batch = import_stage(data=file.read_bytes(), filename=file.name, kind=spec["kind"], by=user)
        try:
            preview = self.check_file(importer, batch, map)
            self.report(preview)
            if dry_run:
                self.stdout.write("检查通过（--dry-run，没有导入）。")
                return
        finally:
            if dry_run or batch.status != batch.Status.PREVIEWED or batch.counts.get("errors"):
                import_discard(batch)  # nothing waits to be imported after the command
        import_commit(importer=importer, batch=batch)
        self.stdout.write(self.style.SUCCESS("导入完成。"))

    def check_file(self, importer, batch, names: list[str]):
        """Check the file; columns named on the command line are mapped by their headers."""
        try:
            return import_check(importer=importer, batch=batch, mapping={})
        except TabularError as exc:
            raise CommandError(str(exc)) from None
        except MappingRequired as exc:
            if not names:
                raise CommandError(f"{exc} {HOW_TO_MAP}") from None
            import_recheck(batch, mapping=self.mapping(importer, exc.headers, names))
        try:
            return import_check(importer=importer, batch=batch)
        except (TabularError, MappingRequired) as exc:
            raise CommandError(
                f"{exc} 可用 --map 表头=字段 指定列，--team 团队 指定团队。"
            ) from None

    def mapping(self, importer, headers: list[str], names: list[str]) -> dict[int, str]:
        fields = {c.label: c.field for c in importer.columns} | {
            c.field: c.field for c in importer.columns
        }
        fields["不导入"] = IGNORE
        mapping = {}
        for item in names:
            header, _, field = item.partition("=")
            if header.strip() not in headers:
                raise CommandError(f"表格里没有“{header}”这一列；表头有：{'、'.join(headers)}")
            if field.strip() not in fields:
                known = "、".join(c.label for c in importer.columns)
                raise CommandError(f"不认识的字段“{field}”，可写：{known}、不导入")
            mapping[headers.index(header.strip())] = fields[field.strip()]
        return mapping

    def report(self, preview) -> None:
        counts = preview.counts()
        self.stdout.write(
            f"新增 {counts['new']} 行，更新 {counts['changed']} 行，未变 {counts['unchanged']} 行，"
            f"错误 {counts['errors']} 处"
        )
        if preview.ignored_headers:
            self.stdout.write("未导入的列：" + "、".join(preview.ignored_headers))
        for note in preview.notes:
            self.stdout.write(note)
        if not preview.ok:
            for error in preview.errors:
                self.stderr.write(str(error))
            raise CommandError("有错误，没有导入任何数据。")
