import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from duban.core.demo import DEMO_PASSWORD, build_demo
from duban.org.models import User


class Command(BaseCommand):
    help = "建立演示公司（条线、团队、员工、各角色账号）并启动服务。Build and serve the demo."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="清空数据库后重建演示数据")
        parser.add_argument("--no-serve", action="store_true", help="只建数据，不启动服务")
        parser.add_argument("--bind", default=None, help="监听地址，默认 127.0.0.1:8000")

    def handle(self, *args, reset, no_serve, bind, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        if User.objects.exists() and not User.objects.filter(username="duban").exists():
            raise CommandError(
                "数据库里已有非演示数据，未写入演示数据。请用 DUBAN_DATA_DIR 指定另一个目录，"
                "或加 --reset 清空（会删除全部数据）。"
            )
        if User.objects.exists():
            self.stdout.write("演示数据已存在，直接使用（加 --reset 可重建）。")
            logins = demo_logins()
        else:
            self.stdout.write("正在建立演示公司 …")
            logins = build_demo().logins
        self.print_logins(logins)
        if not no_serve:
            # the worker for large imports, beside the web server: Ctrl+C stops both (one
            # process group)
            subprocess.Popen([sys.executable, "-m", "duban", "worker", "--verbosity", "0"])
            call_command("serve", bind=bind)

    def print_logins(self, logins):
        self.stdout.write(self.style.SUCCESS(f"\n演示账号（密码均为 {DEMO_PASSWORD}）："))
        for role, username, name in logins:
            padded_role = str(role).ljust(
                3, "\u3000"
            )  # ideographic space keeps CJK columns aligned
            self.stdout.write(f"  {padded_role}  {username:<12} {name}")
        self.stdout.write("")


def demo_logins():
    from duban.org.demo import LOGINS

    users = {u.username: u for u in User.objects.filter(username__in=[u for _, u in LOGINS])}
    return [
        (users[username].get_role_display(), username, users[username].display_name)
        for _, username in LOGINS
        if username in users
    ]
