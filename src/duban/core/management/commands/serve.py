import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from duban.env import env_int, env_str


class Command(BaseCommand):
    help = "用 gunicorn 提供服务（先收集静态文件）。Serve Duban with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=None, help="监听地址，默认 $DUBAN_BIND 或 127.0.0.1:8000"
        )
        parser.add_argument("--workers", type=int, default=None, help="工作进程数，默认 3")

    def handle(self, *args, bind, workers, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        bind = bind or env_str("DUBAN_BIND", "127.0.0.1:8000")
        workers = workers or env_int("DUBAN_WORKERS", 3, minimum=1)
        scheme = "https" if settings.HTTPS and not settings.DEBUG else "http"
        self.stdout.write(f"督办已启动：{scheme}://{bind}/  （Ctrl+C 停止）")
        sys.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "duban.wsgi",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--timeout",  # a 100,000-row table takes seconds to check and to import
            "120",
            "--no-control-socket",  # not a socket in the home folder of whoever starts it
        ]
        os.execv(sys.executable, argv)
