"""The import pipeline every area uses: map columns, parse and validate every row, then
commit all or nothing.

An area describes its table with ``Column``s and subclasses ``Importer`` for what only it
knows (cross-field rules, how a row compares with the database, how to write). Nothing is
written unless every row is valid; errors name the line, the column, the raw value and the
reason, in Chinese: ``第 12 行「到期日」：无法识别的日期 "2026年13月40日"``.
"""

import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from duban.core.parsing import ParseError, is_blank, parse_text
from duban.core.tabular import Table, header_key, read_table

IGNORE = ""  # a mapping value: the column is not imported
ENCODE_CHUNK = 5000


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # the header of the downloadable template
    synonyms: tuple[str, ...] = ()
    parse: Callable = parse_text
    required: bool = False
    help: str = ""

    def keys(self) -> set[str]:
        return {header_key(name) for name in (self.label, *self.synonyms)}


@dataclass
class RowError:
    line: int
    column: str
    raw: str
    reason: str

    def __str__(self) -> str:
        where = f"「{self.column}」" if self.column else ""
        return f"第 {self.line} 行{where}：{self.reason}"


@dataclass
class Row:
    line: int
    values: dict
    cells: list  # the file's cells, kept as they are (only errors and samples show them)
    columns: dict[str, int]  # field -> index of its cell

    @property
    def raw(self) -> dict[str, str]:
        """Field -> the cell as it was in the file."""
        return {
            name: ""
            if index >= len(self.cells) or self.cells[index] is None
            else str(self.cells[index])
            for name, index in self.columns.items()
        }


@dataclass
class Preview:
    """What an import would do: counts by outcome, and every error."""

    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    skipped_lines: list[int] = field(default_factory=list)
    parsed: object = None  # a temporary file of the valid rows as parsed (encode_rows)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "errors": len(self.errors),
        }


class MappingRequired(Exception):
    """Required columns were not found by their headers: the user must map them."""

    def __init__(self, headers: list[str], missing: list[Column], mapping: dict[int, str]):
        self.headers, self.missing, self.mapping = headers, missing, mapping
        names = "、".join(column.label for column in missing)
        super().__init__(f"找不到这些必填列：{names}。请在下面指定它们对应表格的哪一列。")


def encode_rows(rows: list[Row], target) -> None:
    """Write valid rows to ``target`` (a binary file) as compact JSON, so the commit need not
    parse the file again: the field names once, then each row's line and values, written in
    chunks (no one huge string). Decimal and date values are tagged ({"d": "1.50"},
    {"t": "2026-03-05"}). Plain data: nothing is ever executed on loading."""
    keys = list(rows[0].values) if rows else []
    if any(list(row.values) != keys for row in rows):  # rows of one import share their fields
        raise ValueError("rows with different fields")
    target.write(b"[" + _json(keys) + b",[")
    for start in range(0, len(rows), ENCODE_CHUNK):
        chunk = [[row.line, *row.values.values()] for row in rows[start : start + ENCODE_CHUNK]]
        target.write((b"," if start else b"") + _json(chunk)[1:-1])
    target.write(b"]]")


def _json(value) -> bytes:
    return json.dumps(value, default=_tag, ensure_ascii=False, separators=(",", ":")).encode()


def decode_rows(data: bytes) -> list[Row]:
    keys, rows = json.loads(data, object_hook=_untag)
    return [Row(line, dict(zip(keys, values, strict=True)), [], {}) for line, *values in rows]


def _tag(value):
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, dt.date):
        return {"t": value.isoformat()}
    raise TypeError(f"cannot keep {type(value).__name__} between check and commit")


def _untag(obj):
    if len(obj) == 1:
        if "d" in obj:
            return Decimal(obj["d"])
        if "t" in obj:
            return dt.date.fromisoformat(obj["t"])
    return obj


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Importer:
    """Subclasses set ``columns`` and implement ``validate``, ``compare`` and ``write``."""

    columns: list[Column] = []
    title = ""
    key_field: str | None = None  # a column unique in the file, e.g. the invoice number

    def known_headers(self) -> Iterable[str]:
        for column in self.columns:
            yield column.label
            yield from column.synonyms

    def read(self, data: bytes, filename: str) -> Table:
        return read_table(data, filename, known_headers=self.known_headers())

    def map_headers(self, headers: list[str], overrides: dict[int, str] | None = None):
        """Header index → field, by synonyms, then by the user's choices; raises when a
        required column is still missing."""
        by_key = {key: column.field for column in self.columns for key in column.keys()}
        mapping = {}
        for index, header in enumerate(headers):
            found = by_key.get(header_key(header))
            if found and found not in mapping.values():
                mapping[index] = found
        for index, chosen in (overrides or {}).items():
            mapping = {i: f for i, f in mapping.items() if f != chosen or chosen == IGNORE}
            mapping[index] = chosen
        mapping = {index: name for index, name in mapping.items() if name != IGNORE}
        missing = [c for c in self.columns if c.required and c.field not in mapping.values()]
        if missing:
            raise MappingRequired(headers, missing, mapping)
        return mapping

    def preview(self, data: bytes, filename: str, overrides=None) -> Preview:
        table = self.read(data, filename)
        mapping = self.map_headers(table.headers, overrides)
        labels = {name: table.headers[index] for index, name in mapping.items()}
        preview = Preview(
            ignored_headers=[h for i, h in enumerate(table.headers) if i not in mapping],
            skipped_lines=table.skipped,
        )
        rows = []
        for line, cells in table.rows:
            row, errors = self._parse(line, cells, mapping, labels)
            errors += [] if errors else self.validate(row, labels)
            preview.errors += errors
            if not errors:
                rows.append(row)
        preview.errors += self.check_duplicates(rows, labels)
        if not preview.errors:
            preview.parsed = tempfile.TemporaryFile()  # before compare adds what it found
            encode_rows(rows, preview.parsed)
            self.compare(rows, preview)
        return preview

    def preview_parsed(self, parsed: bytes) -> Preview:
        """The preview of rows parsed and validated before: only compared again, since the
        database may have changed between the check and the commit."""
        preview = Preview()
        self.compare(decode_rows(parsed), preview)
        return preview

    def _parse(self, line, cells, mapping, labels) -> tuple[Row, list[RowError]]:
        columns = {column.field: column for column in self.columns}
        row = Row(line, {}, cells, {name: index for index, name in mapping.items()})
        errors = []
        for index, name in mapping.items():
            raw = cells[index] if index < len(cells) else None
            column = columns[name]
            try:
                value = column.parse(raw)
            except ParseError as exc:
                errors.append(RowError(line, labels[name], row.raw[name], exc.reason))
                continue
            if column.required and (value is None or value == ""):
                errors.append(RowError(line, labels[name], row.raw[name], "必填，不能为空"))
            row.values[name] = value
        return row, errors

    def check_duplicates(self, rows: list[Row], labels) -> list[RowError]:
        """The same key twice in one file is an error on the second line."""
        key = self.key_field
        if key is None:
            return []
        seen, errors = {}, []
        for row in rows:
            value = row.values.get(key)
            if is_blank(value):
                continue
            if value in seen:
                reason = f'与第 {seen[value]} 行重复 "{value}"'
                errors.append(RowError(row.line, labels.get(key, key), str(value), reason))
            else:
                seen[value] = row.line
        return errors

    # --- for subclasses -------------------------------------------------------------------

    def validate(self, row: Row, labels: dict[str, str]) -> list[RowError]:
        """Cross-field rules of one row; return its errors."""
        return []

    def compare(self, rows: list[Row], preview: Preview) -> None:
        """Sort valid rows into preview.new, .changed and .unchanged."""
        raise NotImplementedError

    def write(self, preview: Preview, *, batch) -> None:
        """Apply a valid preview inside the caller's transaction."""
        raise NotImplementedError
