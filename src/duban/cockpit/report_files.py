"""The report as a printable page, a PDF (WeasyPrint, with the CJK fonts the system has) and
an Excel workbook (a sheet a section)."""

import datetime as dt
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

FONTS = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'
)


def as_html(context: dict) -> str:
    return render_to_string("cockpit/report_print.html", {**context, "fonts": FONTS})


class PdfUnavailable(Exception):
    """WeasyPrint could not load the system's Pango (a server without it)."""


def as_pdf(context: dict, **options) -> bytes:
    try:
        from weasyprint import HTML  # imported when asked: it loads the system's Pango
    except OSError as error:
        raise PdfUnavailable(
            _(
                "这台服务器缺少生成 PDF 所需的 Pango 库（Debian：apt-get install libpango-1.0-0 "
                "libpangoft2-1.0-0），请先导出 Excel 或打印网页。"
            )
        ) from error
    return HTML(string=as_html(context)).write_pdf(**options)


def as_xlsx(context: dict, target) -> None:
    """Write the report to ``target`` (a path or a binary file)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(target, {"in_memory": True})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    period = context["period"]

    def sheet(name, head, rows, widths=None):
        page = book.add_worksheet(name)
        page.write(0, 0, f"{period.title} {period.label}", title)
        page.write_row(2, 0, [str(h) for h in head], bold)
        for n, row in enumerate(rows, start=3):
            for column, value in enumerate(row):
                _write(page, n, column, value)
        for column, width in enumerate(widths or [14] * len(head)):
            page.set_column(column, column, width)

    followed = context["followed"]
    sheet(
        _("跟进"),
        [_("团队"), _("已跟进"), _("已免除"), _("未跟进（已过期）"), _("待跟进")],
        [[team, c["done"], c["waived"], c["missed"], c["planned"]] for team, c in followed["rows"]]
        + [[_("合计"), *(followed["total"][k] for k in ("done", "waived", "missed", "planned"))]]
        + [[_("约定沟通时间：守约"), followed["agreed"]["kept"]]]
        + [[_("约定沟通时间：失约"), followed["agreed"]["missed"]]],
        [20, 10, 10, 16, 10],
    )
    risks = context["risks"]
    sheet(
        _("风险与方案"),
        [_("领域"), _("新增红色"), _("新增黄色"), _("期末未消除红色")],
        [[row["area"], row["red"], row["yellow"], row["open_red"]] for row in risks["rows"]]
        + [
            [_("新增风险"), risks["opened"]],
            [_("已消除风险"), risks["resolved"]],
            [_("倒逼方案"), risks["forced"]],
            [_("方案落地"), risks["landed"]],
            [_("方案未落地"), len(risks["failed"])],
        ],
        [20, 12, 12, 16],
    )
    sheet(
        _("各领域指标"),
        [_("领域"), _("指标"), _("单位"), _("期初"), _("期末"), _("变化")],
        [
            [row["area"], row["label"], row["unit"], row["start"], row["end"], row["change"]]
            for row in context["figures"]["rows"]
        ],
        [12, 22, 8, 16, 16, 16],
    )
    sheet(
        _("主管评分"),
        [_("主管"), _("总分"), *(d.label for d in _dimensions(context))],
        [
            [card.lead.display_name, card.total, *(d.score for d in card.dimensions)]
            for card in context["scorecards"]
        ],
        [14, 10, 16, 16, 14, 14, 14],
    )
    sheet(
        _("待领导决策"),
        [_("事由"), _("事项"), _("团队"), _("到期")],
        [[row["what"], row["item"], row["team"], row["due"]] for row in context["decisions"]]
        + [
            [_("方案未落地"), str(plan), plan.team.name, plan.closed_on] for plan in risks["failed"]
        ],
        [24, 40, 14, 12],
    )
    book.close()


def _dimensions(context):
    cards = context["scorecards"]
    return cards[0].dimensions if cards else []


def _write(page, row: int, column: int, value) -> None:
    """Numbers as numbers; everything else as text, never as a formula (a name starting
    with "=" stays a name)."""
    if value is None:
        return
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        page.write_number(row, column, float(value))
    elif isinstance(value, dt.date):
        page.write_string(row, column, f"{value:%Y-%m-%d}")
    else:
        page.write_string(row, column, str(value))
