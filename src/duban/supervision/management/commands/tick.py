import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from duban.core.middleware import retry_when_busy
from duban.core.tasks import imports_recover
from duban.supervision.tick import tick


class Command(BaseCommand):
    help = "生成跟进、运行风险检测、逾期升级（可重复运行，可放入 cron）。Run the loop once."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, date, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"无法识别的日期 {date!r}，请用 YYYY-MM-DD") from None
        report = retry_when_busy(lambda: tick(today=today) | imports_recover())
        labels = {
            "checkins_created": "新生成跟进",
            "risks_opened": "新风险",
            "risks_reopened": "复发风险",
            "risks_resolved": "已消除风险",
            "plans_demanded": "自动倒逼方案",
            "imports_rechecked": "重新检查中断的导入",
            "imports_abandoned": "中断的导入记为失败",
            "escalated": "升级事项",
            "messages": "新通知",
            "snapshots": "每日快照指标",
            "scores": "主管评分有变化的评分项",
            "imports_purged": "删除过期的导入文件",
            "digests": "每日摘要",
            "messages_sent": "已发出消息",
            "messages_failed": "发送失败消息",
        }
        self.stdout.write("，".join(f"{labels.get(k, k)} {v}" for k, v in report.items()))
