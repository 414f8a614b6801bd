"""Export of any list to xlsx: what this user sees, filtered, streamed from a temporary file.

Cell text that a spreadsheet would run as a formula (starting with =, +, - or @) is written
as text prefixed with an apostrophe, so opening an export can never execute anything.
"""

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter
from django.db import models
from django.http import FileResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class ExportColumn:
    header: str
    value: Callable  # row -> cell value
    kind: str = "text"  # text, money, date, number
    width: int = 14


def neutralize(text: str) -> str:
    """Make formula-like text inert: a leading quote mark keeps it as text in Excel/WPS."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_xlsx(rows: Iterable, columns: list[ExportColumn], *, sheet: str, target) -> int:
    """Write ``rows`` to ``target`` (a path or file); returns the number of data rows."""
    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    money = book.add_format({"num_format": MONEY_FORMAT})
    date = book.add_format({"num_format": DATE_FORMAT})
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    ws = book.add_worksheet(sheet[:31])
    for index, column in enumerate(columns):
        ws.set_column(index, index, column.width)
        ws.write_string(0, index, column.header, bold)
    ws.freeze_panes(1, 0)
    writers = [_writer(ws, column.kind, money, date) for column in columns]
    cells = list(enumerate(zip((c.value for c in columns), writers, strict=True)))
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, (value, write) in cells:
            write(count, index, value(row))
    ws.autofilter(0, 0, max(count, 1), len(columns) - 1)
    book.close()
    return count


def _writer(ws, kind, money, date):
    """A cell writer for one column kind: numbers and dates typed, text neutralised."""

    def text(row, col, value):
        if value is None or value == "":
            return
        ws.write_string(row, col, neutralize(value if isinstance(value, str) else str(value)))

    def number(row, col, value, cell_format=None):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            ws.write_number(row, col, float(value), cell_format)
        else:
            text(row, col, value)

    def when(row, col, value):
        if isinstance(value, dt.datetime):
            ws.write_datetime(row, col, timezone.localtime(value).replace(tzinfo=None), date)
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date)  # noqa: DTZ001
        else:
            text(row, col, value)

    if kind == "money":
        return lambda row, col, value: number(row, col, value, money)
    if kind == "number":
        return number
    return when if kind == "date" else text


def xlsx_response(rows, columns: list[ExportColumn], *, filename: str, sheet: str):
    """A streamed download; the workbook is built in a temporary file, not in memory."""
    target = tempfile.TemporaryFile()
    write_xlsx(rows, columns, sheet=sheet, target=target)
    target.seek(0)
    response = FileResponse(
        target,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def table_columns(table) -> list[ExportColumn]:
    """Export columns from a django-tables2 table over a queryset: its headers, typed values
    (dates stay dates, money stays numbers) and choice labels instead of codes."""
    model = table.data.model
    return [
        ExportColumn(str(bound.header), _cell(bound.accessor, field), kind=_kind(field))
        for bound in table.columns
        for field in [bound.accessor.get_field(model)]
    ]


def _kind(field) -> str:
    if isinstance(field, models.DecimalField):
        return "money"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.IntegerField | models.FloatField) and not field.choices:
        return "number"
    return "text"


TYPED = (str, int, float, Decimal, dt.date)


def _cell(accessor, field):
    labels = (
        {value: str(label) for value, label in field.flatchoices}
        if field is not None and field.choices
        else None
    )

    def value(record):
        raw = accessor.resolve(record, quiet=True)
        if labels is not None:
            return labels.get(raw, raw or "")
        if isinstance(raw, bool):
            return "是" if raw else "否"
        return raw if raw is None or isinstance(raw, TYPED) else str(raw)

    return value


def table_response(table, *, filename: str, sheet: str):
    """Every row of a filtered table (not only its page) as a streamed xlsx download."""
    rows = table.data.data.iterator(chunk_size=2000)
    return xlsx_response(rows, table_columns(table), filename=filename, sheet=sheet)
