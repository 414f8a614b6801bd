import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from duban.core.backup import VENDOR_NAMES, BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "从 duban backup 的备份文件恢复数据库、密钥文件和上传的文件，到当前的 DUBAN_DATA_DIR 和 "
        "DUBAN_DATABASE_URL。SQLite：先停止 duban serve 和 duban worker。"
        "Restore a backup: duban restore FILE (SQLite: stop the server and the worker first)"
    )
    requires_system_checks = []  # the database may not exist yet

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="duban backup 写的 .tar.gz 文件")
        parser.add_argument(
            "--force", action="store_true", help="目标数据库已有数据时也覆盖（会删除其中全部数据）"
        )

    def handle(self, *args, file, force, **options):
        try:
            restored = backup_restore(archive=file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = restored.manifest
        created_at = timezone.localtime(dt.datetime.fromisoformat(manifest["created_at"]))
        self.stdout.write(
            _(
                "已恢复 %(vendor)s 数据库：%(tables)d 张表共 %(rows)s 行，与备份清单一致"
                "（备份于 %(created_at)s，督办 %(version)s）。"
            )
            % {
                "vendor": VENDOR_NAMES[manifest["vendor"]],
                "tables": len(restored.tables),
                "rows": f"{sum(restored.tables.values()):,}",
                "created_at": f"{created_at:%Y-%m-%d %H:%M}",
                "version": manifest["duban_version"],
            }
        )
        if options["verbosity"] > 1:
            for table, rows in restored.tables.items():
                self.stdout.write(f"  {table}: {rows}")
        self.report_files(restored)

    def report_files(self, restored) -> None:
        if restored.secret_key:
            self.stdout.write(_("已恢复密钥文件。"))
        else:
            self.stdout.write(
                _("备份里没有密钥文件（原系统用 DUBAN_SECRET_KEY）：请在这里设置同一个值。")
            )
        self.stdout.write(_("已恢复上传的文件 %(count)d 个。") % {"count": restored.media_files})
        self.stdout.write(_("下一步：运行 duban migrate，再启动服务。"))
