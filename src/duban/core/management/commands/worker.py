import os
import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand

from duban.core.tasks import imports_recover


class Command(BaseCommand):
    help = "运行后台任务（大文件的检查与导入）。Run background work until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="处理完排队的任务就退出（用于测试和定时任务）"
        )

    def handle(self, *args, batch, **options):
        recovered = imports_recover()  # runs whose worker died while this one was down
        if any(recovered.values()):
            self.stdout.write(
                f"接手中断的导入：重新检查 {recovered['imports_rechecked']} 个，"
                f"记为失败 {recovered['imports_abandoned']} 个"
            )
        call_command(
            "db_worker",
            queue_name="default",
            interval=1,
            batch=batch,
            reload=False,
            worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
            startup_delay=not batch,
            verbosity=options["verbosity"],
        )
