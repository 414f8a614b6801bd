"""Reading the tables people keep: xlsx, xls, ods and CSV, with title rows and merged headers.

``read_table`` finds the header row under any title rows, flattens a two-row header whose
upper cells are merged ("账龄" over "0-30天" becomes "账龄/0-30天"), and returns the data rows
with their line numbers in the file, so every error can name the line a person sees in Excel.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes
from django.utils.translation import gettext
from python_calamine import CalamineError, CalamineWorkbook

from duban.core import extent
from duban.core.parsing import CELL_LIMIT, is_blank, normalize_text, visible

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_TABLES = {".csv", ".txt"}
HEADER_SCAN_ROWS = 20
TOTAL_MARKERS = ("合计", "小计", "总计", "共计")
_UNIT_SUFFIX = re.compile(r"\((?:元|万元|人民币|天|日|%)\)$")
# A CSV field the reader takes whole, to refuse it as one cell (CELL_LIMIT) naming its line and
# column; beyond this the file is refused as it is read, as Python's default of 131,072 did
# with its own words.
CSV_FIELD_LIMIT = 32 * CELL_LIMIT


class TabularError(Exception):
    """The file cannot be read as a table; the message says why, in Chinese."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (line number in the file, cells)
    header_line: int
    sheet: str = ""
    skipped: list[int] = field(default_factory=list)  # lines of total rows that were skipped


def header_key(text) -> str:
    """How headers are compared: half-width, no spaces or stars, no unit suffix like （元）."""
    key = re.sub(r"[\s*＊:：]", "", normalize_text(text))
    return _UNIT_SUFFIX.sub("", key)


def read_table(data: bytes, filename: str, *, known_headers: Iterable[str]) -> Table:
    """Read the first sheet (or the CSV) and find its header by the headers the caller knows."""
    suffix = Path(filename).suffix.lower()
    if suffix in SPREADSHEETS:
        grid, merged, sheet, first = _read_spreadsheet(data, suffix)
    elif suffix in TEXT_TABLES:
        grid, merged, sheet, first = _read_csv(data), [], "", (0, 0)
    else:
        raise TabularError(
            f"不支持的文件类型“{suffix or filename}”：请上传 xlsx、xls、ods 或 csv 文件"
        )
    known = {header_key(h) for h in known_headers}
    header_index = _find_header(grid, known)
    headers, depth = _flatten_header(grid, merged, header_index, known)
    rows, skipped = [], []
    above = first[0] + 1  # the grid starts at the sheet's first used row: lines count from 1
    for index in range(header_index + depth, len(grid)):
        cells = grid[index]  # kept as read: no copy per row of a large table
        if _is_blank_row(cells):
            continue
        if _is_total_row(cells):
            skipped.append(index + above)
            continue
        rows.append((index + above, cells))
    return Table(headers, rows, header_index + above, sheet, skipped)


def _read_spreadsheet(data: bytes, suffix: str):
    """The first sheet's used area as a grid (rows of cells), its merged ranges relative to
    it, its name and where it starts; refused unread if it reaches too far."""
    try:
        extent.check(extent.of_file(data, suffix))
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        if sheet.height and sheet.width:  # what was read, before a cell of it is converted
            extent.check(extent.Extent(sheet.end[0] + 1, sheet.end[1] + 1))
        grid = sheet.to_python(skip_empty_area=True)  # from the first used cell, not A1
        (top, left) = sheet.start if grid else (0, 0)
        merged = [
            ((r1 - top, c1 - left), (r2 - top, c2 - left))
            for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []
        ]
    except extent.ExtentError as exc:
        raise TabularError(str(exc)) from None
    except (CalamineError, ValueError, OSError) as exc:
        raise TabularError(f"无法读取这个表格文件，文件可能已损坏或加了密码（{exc}）") from None
    return grid, merged, sheet.name, (top, left)


def _read_csv(data: bytes) -> list[list]:
    text = _decode(data)
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        pass
    csv.field_size_limit(CSV_FIELD_LIMIT)  # the module's, for every reader: none needs more
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        return [row for row in reader]
    except csv.Error as exc:
        line = reader.line_num
        if "field limit" in str(exc):
            raise TabularError(
                gettext(
                    "CSV 文件第 %(line)d 行有一个单元格超过 %(limit)s 个字，这不是可以导入的表格。"
                )
                % {"line": line, "limit": f"{CSV_FIELD_LIMIT:,}"}
            ) from None
        raise TabularError(
            gettext(
                "CSV 文件第 %(line)d 行的格式有误（引号或分隔符不配对），"
                "请在 Excel 里打开并另存后再上传。"
            )
            % {"line": line}
        ) from None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK), then a guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise TabularError("无法识别 CSV 文件的编码：请在 Excel 里另存为“CSV UTF-8”后再上传")
    return str(best)


def _find_header(grid: list[list], known: set[str]) -> int:
    best, best_hits = None, 1
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        hits = sum(1 for cell in row if isinstance(cell, str) and header_key(cell) in known)
        if hits > best_hits:
            best, best_hits = index, hits
    if best is None:
        raise TabularError("在表格前 20 行里找不到表头：请确认第一张工作表是要导入的表，并包含表头")
    return best


def _flatten_header(grid, merged, index, known) -> tuple[list[str], int]:
    """One header row, or two when cells of the first are merged across columns."""
    top = [_label(cell) for cell in grid[index]]
    spans = [(start, end) for start, end in merged if start[0] == index and end[1] > start[1]]
    if not spans or index + 1 >= len(grid):
        return _fill_blank_labels(top), 1
    for (_, first), (_, last) in spans:
        for column in range(first + 1, last + 1):
            top[column] = top[first]
    below = [_label(cell) for cell in grid[index + 1]] + [""] * len(top)
    headers = []
    for column, label in enumerate(top):
        sub = below[column]
        in_span = any(first <= column <= last for (_, first), (_, last) in spans)
        headers.append(f"{label}/{sub}" if in_span and sub else label or sub)
    return _fill_blank_labels(headers), 2


def _label(cell) -> str:
    return "" if is_blank(cell) else visible(str(cell).strip(), 100)


def _fill_blank_labels(headers: list[str]) -> list[str]:
    return [label or f"第{column + 1}列" for column, label in enumerate(headers)]


def _is_blank_row(cells: list) -> bool:
    first = cells[0] if cells else None
    if first is not None and (first.__class__ is not str or first[:1].strip()):
        return False  # most rows: their first cell says so
    return all(is_blank(cell) for cell in cells)


def _is_total_row(cells: list) -> bool:
    for cell in cells[:3]:
        if cell.__class__ is str and "计" in cell:  # every marker ends in 计, kept by NFKC
            text = normalize_text(cell).replace(" ", "")
            if text.startswith(TOTAL_MARKERS):
                return True
    return False
