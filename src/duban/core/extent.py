"""How far a spreadsheet's first sheet reaches, found before the sheet is read.

A reader builds a sheet as one grid from its first used cell to its last: a 2 KB xlsx with
one cell in A1 and one in XFD1048576 asks for 17 billion cells and kills the process. So the
grid's size is bounded from the file itself first, and a sheet beyond the limits (settings
IMPORT_MAX_ROWS, IMPORT_MAX_COLUMNS, IMPORT_MAX_CELLS) is refused with the reason.

The bounds are upper bounds of what the reader builds: every cell position the sheet names
counts, empty or not, from the first row and column (the reader may start later).
"""

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from xml.etree import ElementTree

from django.conf import settings

# a decompressed sheet larger than this is refused unread (a zip bomb, or far beyond the limits:
# 100,000 rows of 14 columns take about 40 MB)
MAX_SHEET_XML = 512 * 1024 * 1024
# every cell and row start tag, with its position when it comes first (as every writer puts it)
_CELL_TAG = re.compile(rb'<c[\s/>](?:r="([A-Z]{1,3})(?=[0-9]))?')
_ROW_TAG = re.compile(rb'<row[\s/>](?:r="0*([0-9]{1,12})")?')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")  # <x:c …>, or text that looks like it
# a cell or row whose position is not named first (or not at all)
_IRREGULAR = re.compile(rb'<(?:c|row)(?:[>/]|\s(?!r="))')
_ROW_NUMBER = re.compile(rb'<row r="0*([0-9]{1,12})"')
_CELL_LETTERS = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
FIRST_ROWS = 50  # the widest of these (and the last row) is taken as the sheet's width
_ANY_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb'(?:^|\s)r\s*=\s*["\']([A-Z]{0,3})0*([0-9]{0,12})["\']')
_ODS_TABLE = re.compile(rb"<table:table[\s>]")
_ODS_TOKEN = re.compile(
    rb"<table:(table-row|table-cell|covered-table-cell)\b([^>]*?)(/?)>|</table:(table-row|table)>"
)
_ODS_REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="([0-9]{1,9})"')
_ODS_CONTENT = re.compile(rb"value-type=|<text:|<draw:")


class ExtentError(Exception):
    """The sheet is too large to read, or says impossible things; the message says why."""


@dataclass(frozen=True)
class Extent:
    rows: int
    columns: int

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def check(extent: Extent | None) -> None:
    """Refuse a sheet beyond the settings' limits, saying how far it reaches."""
    if extent is None:
        return
    rows, columns = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS
    cells = settings.IMPORT_MAX_CELLS
    if extent.rows <= rows and extent.columns <= columns and extent.cells <= cells:
        return
    raise ExtentError(
        f"表格太大：第一张工作表的使用区域到第 {extent.rows:,} 行、第 {extent.columns:,} 列"
        f"（{extent.cells:,} 个单元格），超过了导入上限（最多 {rows:,} 行、{columns:,} 列、"
        f"{cells:,} 个单元格）。常见原因是远处的单元格里有空格或格式：在 Excel 里按 Ctrl+End "
        "找到最后一个单元格，删除多余的行和列后另存，再上传。"
    )


def of_file(data: bytes, suffix: str) -> Extent | None:
    """The extent of the first sheet of an xlsx/xlsm or ods file; None for other formats or
    for a file that is not a zip at all (the reader then says what is wrong with it)."""
    if suffix not in {".xlsx", ".xlsm", ".ods"}:
        return None
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    with archive:
        try:
            if suffix == ".ods":
                return _ods_extent(_member(archive, "content.xml"))
            return _xlsx_extent(_member(archive, _first_sheet(archive)))
        except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError):
            return None  # not laid out as expected: the reader will say what is wrong


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_SHEET_XML:
        raise ExtentError(_too_big())
    with archive.open(info) as stream:  # the stated size may lie: read no more than allowed
        data = stream.read(MAX_SHEET_XML + 1)
    if len(data) > MAX_SHEET_XML:
        raise ExtentError(_too_big())
    return data


def _too_big() -> str:
    return "表格太大：解压后的工作表超过 512 MB，无法导入。请删除多余的行列，或分成几个文件上传。"


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet, as the reader picks it (workbook order)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    sheet = next(el for el in workbook.iter() if el.tag.rsplit("}", 1)[-1] == "sheet")
    rel_id = next(v for k, v in sheet.attrib.items() if k.rsplit("}", 1)[-1] == "id")
    target = next(el.get("Target") for el in relations if el.get("Id") == rel_id)
    target = target.lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def _xlsx_extent(xml: bytes) -> Extent:
    """Rows and columns up to the last cell position the sheet XML names.

    Excel, WPS and the usual libraries name every cell's and row's position first, in order
    (``<row r="7"><c r="B7">``): the last row and the widest of the first rows bound the grid,
    and a few C-speed searches make sure that no cell or row names a position beyond them.
    Otherwise every position is read (and a sheet that leaves positions implicit, or names
    them later or with a namespace prefix, is counted tag by tag, as the reader places them).
    """
    if _IRREGULAR.search(xml) or _PREFIXED.search(xml):
        return _xlsx_extent_slowly(xml)
    last = xml.rfind(b'<row r="')
    if last < 0:
        return Extent(0, 0)
    number = _ROW_NUMBER.match(xml, last)
    if number is None:  # <row r="x">: no position a reader would take as it says
        return _xlsx_extent_slowly(xml)
    rows = int(number[1])
    first_rows = xml[: _nth(xml, b"</row>", FIRST_ROWS)]
    columns = max(map(_column_number, _CELL_LETTERS.findall(first_rows + xml[last:])), default=0)
    beyond = re.compile(
        rb'<c r="(?:%s)[0-9]|<c r="[A-Z]{1,3}0*(?:%s)"|<row r="0*(?:%s)"'
        % (_letters_above(columns), _number_above(rows), _number_above(rows))
    )
    if not beyond.search(xml):
        return Extent(rows, columns)
    letters, numbers = set(_CELL_TAG.findall(xml)), set(_ROW_TAG.findall(xml))
    last_row = max(map(int, numbers), default=0)  # a cell may name a row beyond its <row>
    longer = re.compile(rb'<c[\s/>]r="[A-Z]{1,3}0*([0-9]{%d,12})"' % len(str(last_row)))
    last_row = max([last_row, *map(int, longer.findall(xml))])
    return Extent(last_row, max(map(_column_number, letters), default=0))


def _nth(xml: bytes, needle: bytes, n: int) -> int:
    """The end of the ``n``-th ``needle`` (or of the text)."""
    at = 0
    for _ in range(n):
        found = xml.find(needle, at)
        if found < 0:
            return len(xml)
        at = found + len(needle)
    return at


def _letters_above(column: int) -> bytes:
    """A pattern for the column letters after ``column`` (A = 1), up to XFD."""
    if column == 0:
        return b"[A-Z]{1,3}"
    letters = _column_letters(column)
    width = len(letters)
    choices = [b"[A-Z]{%d,3}" % (width + 1)] if width < 3 else []
    for index, letter in enumerate(letters):
        if letter < "Z":
            higher = f"[{chr(ord(letter) + 1)}-Z]"
            choices.append((letters[:index] + higher + "[A-Z]" * (width - index - 1)).encode())
    return b"|".join(choices) or b"(?!)"


def _number_above(number: int) -> bytes:
    """A pattern for the whole numbers greater than ``number`` (without leading zeros)."""
    digits = str(number)
    choices = [b"[1-9][0-9]{%d,}" % len(digits)]
    for index, digit in enumerate(digits):
        if digit < "9":
            higher = f"[{int(digit) + 1}-9]"
            choices.append((digits[:index] + higher + "[0-9]" * (len(digits) - index - 1)).encode())
    return b"|".join(choices)


def _column_letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_extent_slowly(xml: bytes) -> Extent:
    rows = columns = row = column = 0
    for match in _ANY_TAG.finditer(xml):
        reference = _REF.search(match[2])
        letters, digits = reference.groups() if reference else (b"", b"")
        if match[1] == b"row":
            row, column = (int(digits) if digits else row + 1), 0
        else:
            column = _column_number(letters) if letters else column + 1
            row = int(digits) if digits else row
            columns = max(columns, column)
        rows = max(rows, row)
    return Extent(rows, columns)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _ods_extent(xml: bytes) -> Extent:
    """Rows and columns of the first table up to its last cell with content; repeated rows
    and cells count as often as they repeat (trailing empty ones, which LibreOffice writes
    by the million, do not)."""
    start = _ODS_TABLE.search(xml)
    if start is None:
        return Extent(0, 0)
    rows = columns = row = 0
    repeat, column, width = 1, 0, 0  # the current row's: repeats, cells so far, with content
    for match in _ODS_TOKEN.finditer(xml, start.end()):
        tag, attrs, closed, end = match[1], match[2] or b"", match[3], match[4]
        if end == b"table":
            break
        if end == b"table-row":
            if width:
                rows, columns = row + repeat, max(columns, width)
            row += repeat
        elif tag == b"table-row":
            repeat, column, width = _repeat(_ODS_REPEAT.search(attrs)), 0, 0
            if closed:  # a row without cells
                row += repeat
        elif tag:  # a cell
            column += _repeat(_ODS_REPEAT.search(attrs))
            if _ODS_CONTENT.search(attrs) or (not closed and _ODS_CONTENT.match(xml, match.end())):
                width = column
    return Extent(rows, columns)


def _repeat(match) -> int:
    return int(match[1]) if match else 1
