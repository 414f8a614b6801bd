from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from duban.core.backup import VENDOR_NAMES, BackupError, backup_create


class Command(BaseCommand):
    help = (
        "备份数据库、密钥文件和上传的文件到一个 .tar.gz 文件（服务运行时也可备份）。"
        "Back up Duban to one file: duban backup --out FILE"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", type=Path, required=True, help="备份文件，如 duban-2026-11-27.tar.gz"
        )

    def handle(self, *args, out, **options):
        if not out.parent.is_dir():
            raise CommandError(_("找不到文件夹：%(path)s") % {"path": out.parent})
        try:
            manifest = backup_create(out=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if manifest["secret_key"]:
            done = _(
                "已备份到 %(out)s（%(size)s）：%(vendor)s 数据库 %(tables)d 张表共 %(rows)s 行，"
                "密钥文件，上传文件 %(files)d 个。"
            )
        else:
            done = _(
                "已备份到 %(out)s（%(size)s）：%(vendor)s 数据库 %(tables)d 张表共 %(rows)s 行，"
                "上传文件 %(files)d 个（密钥由 DUBAN_SECRET_KEY 提供，未备份）。"
            )
        self.stdout.write(
            done
            % {
                "out": out,
                "size": filesizeformat(out.stat().st_size),
                "vendor": VENDOR_NAMES[manifest["vendor"]],
                "tables": len(manifest["tables"]),
                "rows": f"{sum(manifest['tables'].values()):,}",
                "files": manifest["media_files"],
            }
        )
