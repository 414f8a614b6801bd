"""Money and dates as people type them in Chinese office tables.

Every parser takes the raw cell (text, number, or a date the Excel reader already decoded)
and returns a value, None for a blank cell, or raises ParseError with the reason in Chinese.
"""

import datetime as dt
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext

CENT = Decimal("0.01")
# every money column: 元 with fen, below a trillion (a total of many rows may need more)
MONEY_DIGITS, MONEY_PLACES = 14, 2
# what a spreadsheet would run as a formula: exports put a quote mark before it
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_DATES = range(32874, 73051)  # 1990-01-01 .. 2099-12-31 as Excel serial numbers
_MONEY = re.compile(r"^(?P<sign>-)?(?P<number>\d+(?:\.\d+)?)(?P<unit>[万亿])?(?:元)?$")
_DATE = re.compile(
    r"^(?P<y>\d{4})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
# Excel's own limit for the text of a cell: a longer cell was not typed into a spreadsheet
CELL_LIMIT = 32_767
# C0 control characters but tab, line feed and carriage return (a cell's line breaks): no one
# types them, PostgreSQL cannot store NUL, and they hide what a cell says
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ParseError(ValueError):
    """A cell that cannot be read; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalize_text(value) -> str:
    """Full-width to half-width (NFKC), trimmed, inner spaces kept."""
    text = str(value)
    return text.strip() if text.isascii() else unicodedata.normalize("NFKC", text).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_cell(text: str) -> None:
    """Refuse a text cell no column takes: longer than a spreadsheet cell holds, or with
    control characters. Cheap for the usual cell: call it when ``len(text) > CELL_LIMIT or
    not text.isprintable()``."""
    if len(text) > CELL_LIMIT:
        raise ParseError(
            gettext("内容过长：超过 %(limit)s 个字（Excel 一个单元格最多能放的字数）")
            % {"limit": f"{CELL_LIMIT:,}"}
        )
    if _CONTROL.search(text):
        raise ParseError(gettext("含有不可见的控制字符（如 NUL），请删除后再导入"))


def visible(text: str, limit: int | None = None) -> str:
    """Text to show in an error or a header: control characters as their symbols (NUL as ␀),
    at most ``limit`` characters."""
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    if text.isprintable():
        return text
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())), text)


def _not_a_number(value) -> bool:
    """A number no spreadsheet holds (NaN, infinity), which only a forged file can give."""
    return value.__class__ is float and not math.isfinite(value)


def parse_money(value) -> Decimal | None:
    """``¥1,234.50``, ``12.5万``, ``（1,000.00）`` (negative), ``-3,200元``, a number → Decimal
    in fen, within what a money column holds (MONEY_DIGITS)."""
    if value.__class__ is float:  # what spreadsheets hold: first, as it is most of the cells
        return _cents(Decimal(repr(value)), value)
    if value is None or is_blank(value):
        return None
    if isinstance(value, bool):
        raise ParseError(f"无法识别的金额 {value!r}")
    if isinstance(value, int | float | Decimal):
        return _cents(Decimal(str(value)), value)
    text = normalize_text(value)
    negative = text.startswith("(") and text.endswith(")")
    cleaned = re.sub(r"[\s,¥$]|RMB|CNY|人民币", "", text.strip("()"), flags=re.IGNORECASE)
    match = _MONEY.match(cleaned)
    if not match:
        raise ParseError(f'无法识别的金额 "{value}"')
    amount = Decimal(match["number"]) * UNITS.get(match["unit"] or "", Decimal(1))
    if match["sign"]:
        negative = not negative
    return _cents(-amount if negative else amount, value)


def money_unit(value) -> Decimal:
    """The precision a money cell states: the fen, or for a cell in 万 or 亿 its last digit
    shown (0.30万 → 100 元; 78.79万 → 100 元; 3万 → 10,000 元)."""
    if value.__class__ is not str or not ("万" in value or "亿" in value):
        return CENT
    cleaned = re.sub(r"[\s,¥$]|RMB|CNY|人民币", "", normalize_text(value).strip("()"))
    match = _MONEY.match(cleaned)
    if not match or not match["unit"]:
        return CENT
    decimals = len(match["number"].partition(".")[2])
    return max(UNITS[match["unit"]] / Decimal(10) ** decimals, CENT)


_MONEY_LIMIT = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)


def _cents(amount: Decimal, raw) -> Decimal:
    """To the fen; refused beyond the column, so the database never sees it."""
    if not amount.is_finite():
        raise ParseError(f'无法识别的金额 "{raw}"')
    if abs(amount) >= _MONEY_LIMIT:
        raise ParseError(
            f'金额超出范围 "{raw}"：最多 {MONEY_DIGITS - MONEY_PLACES} 位整数（不到一万亿元）'
        )
    try:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ParseError(f'无法识别的金额 "{raw}"') from None


def date_bounds() -> tuple[dt.date, dt.date]:
    """The dates Duban takes, in a form or a file: a year within settings.EARLIEST_YEAR …
    LATEST_YEAR (1900–2100). Beyond them a date is a typing slip (year 1, 20260), and one
    near year 1 or 9999 cannot even move between time zones."""
    return dt.date(settings.EARLIEST_YEAR, 1, 1), dt.date(settings.LATEST_YEAR, 12, 31)


def date_out_of_bounds(day: dt.date) -> str | None:
    """Why ``day`` is refused (in Chinese), or None when it is within date_bounds()."""
    first, last = date_bounds()
    if first <= day <= last:
        return None
    return f"日期超出范围：应在 {first.year} 年到 {last.year} 年之间"


def parse_date(value) -> dt.date | None:
    """An Excel date, a serial number, or text such as ``2026年3月5日``, ``2026/3/5``,
    ``2026.3.5``, ``2026-03-05`` or ``20260305`` → date, within date_bounds()."""
    day = _parse_date(value)
    if day is None:
        return None
    why = date_out_of_bounds(day)
    if why:
        raise ParseError(f'{why} "{value}"')
    return day


def _parse_date(value) -> dt.date | None:
    if value.__class__ is dt.date:
        return value
    if value is None or is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _not_a_number(value):
            raise ParseError(f'无法识别的日期 "{value}"')
        if int(value) == value and int(value) in EXCEL_DATES:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ParseError(f'无法识别的日期 "{value}"')
    text = normalize_text(value)
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        raise ParseError(f'无法识别的日期 "{value}"')
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise ParseError(f'无法识别的日期 "{value}"') from None


def parse_text(value, *, max_length: int | None = None) -> str:
    """A cell as text: numbers that Excel stored as 1234.0 come back as "1234", and text our
    exports made inert ("'=…", see duban.core.exporting.neutralize) comes back as it was."""
    if value.__class__ is str:
        text = value.strip()
        if text[:1] == "'" and text[1:2] in FORMULA_PREFIXES:
            text = text[1:]
    elif value is None:
        return ""
    else:
        if _not_a_number(value):
            raise ParseError(gettext("不是有效的数字"))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = normalize_text(value)
    if max_length is not None and len(text) > max_length:
        raise ParseError(f"内容过长（最多 {max_length} 个字）")
    return text


_PHONE_JUNK = re.compile(r"[\s\-–—()（）.·/]")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)\s*(\d{1,6})$", re.IGNORECASE)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE = re.compile(r"^[48]00\d{7}$")  # 400 / 800 numbers


def parse_phone(value) -> str:
    """A phone number as offices write it, in one form: ``13812345678`` for a mobile (with or
    without +86 / 0086, spaces, dashes, full-width digits), ``010-12345678`` for a landline
    with its area code (``010-12345678-123`` with an extension), ``4008208820`` for a 400 /
    800 number; "" for a blank cell."""
    if value is None or is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number Excel kept as 13812345678.0
    text = normalize_text(value)
    extension = ""
    if not text.isdigit() and (found := _EXTENSION.search(text)):
        extension, text = found[1], text[: found.start()]
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]  # a number a CSV export wrote as 13812345678.0
    digits = _PHONE_JUNK.sub("", text)
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits.isdigit():
        raise ParseError(f'无法识别的电话号码 "{value}"')
    if _MOBILE.match(digits) or _SERVICE.match(digits):
        return digits
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        area = 3 if digits[1] in "12" else 4  # 010, 020–029; others 0xxx
        number = digits[area:]
        if 7 <= len(number) <= 8:
            return f"{digits[:area]}-{number}" + (f"-{extension}" if extension else "")
    raise ParseError(f'无法识别的电话号码 "{value}"：手机应为 11 位，座机请带区号')


def mask_phone(phone: str) -> str:
    """A phone number as people without the right to it see it: 138****5678, 010-****5678."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdigit():  # a mobile: most numbers
        return f"{phone[:3]}****{phone[7:]}"
    if sum(c.isdigit() for c in phone) < 7:  # not a number (a history's "空"), or too short
        return phone if not any(c.isdigit() for c in phone) else "****"
    if "-" in phone:
        area, number, *_ = phone.split("-")
        return f"{area}-{'*' * (len(number) - 4)}{number[-4:]}"
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
