import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from duban.cockpit import report_files, reports
from duban.org.models import BusinessLine, Team

SUFFIXES = {".pdf", ".xlsx", ".html"}


class Command(BaseCommand):
    help = (
        "生成督办周报或月报（PDF、Excel 或 HTML，按 --out 的扩展名）。"
        "Write the weekly or monthly supervision report."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(reports.KINDS), help="weekly 或 monthly")
        parser.add_argument("--line", help="业务条线的名称或编号，默认全部条线")
        parser.add_argument(
            "--start", help="这一期中的任一天（YYYY-MM-DD），默认上一个完整的周或月"
        )
        parser.add_argument("--out", help="输出文件：.pdf、.xlsx 或 .html，默认当前目录下的 PDF")

    def handle(self, *args, kind, line, start, out, **options):
        today = timezone.localdate()
        period = self._period(kind, start, today)
        teams = Team.objects.filter(is_active=True)
        found = self._line(line) if line else None
        if found is not None:
            teams = teams.filter(line=found)
        path = Path(out or f"{period.title}-{period.start:%Y%m%d}.pdf")
        if path.suffix.lower() not in SUFFIXES:
            raise CommandError(f"不支持的文件类型 {path.suffix!r}：请用 .pdf、.xlsx 或 .html")
        context = reports.report(teams, period, today) | {"scope": found.name if found else ""}
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            report_files.as_xlsx(context, str(path))
        elif suffix == ".pdf":
            try:
                path.write_bytes(report_files.as_pdf(context))
            except report_files.PdfUnavailable as error:
                raise CommandError(str(error)) from error
        else:
            path.write_text(report_files.as_html(context), encoding="utf-8")
        self.stdout.write(f"已生成 {period.title} {period.label}：{path}")

    @staticmethod
    def _period(kind, start, today) -> reports.Period:
        if not start:
            return reports.last_complete(kind, today)
        try:
            day = dt.date.fromisoformat(start)
        except ValueError:
            raise CommandError(f"无法识别的日期 {start!r}，请用 YYYY-MM-DD") from None
        if not dt.date(2000, 1, 1) <= day <= today:
            raise CommandError(f"日期 {start} 不在 2000-01-01 到今天之间")
        return reports.period_of(kind, day)

    @staticmethod
    def _line(text: str) -> BusinessLine:
        condition = Q(name=text) | (Q(pk=int(text)) if text.isdigit() else Q())
        found = BusinessLine.objects.filter(condition).first()
        if found is None:
            names = "、".join(BusinessLine.objects.values_list("name", flat=True))
            raise CommandError(f"没有业务条线 {text!r}；现有：{names}")
        return found
