"""The import pipeline every area uses: map columns, parse and validate every row, then
commit all or nothing.

An area describes its table with ``Column``s and subclasses ``Importer`` for what only it
knows (cross-field rules, how a row compares with the database, how to write). Nothing is
written unless every row is valid; errors name the line, the column, the raw value and the
reason, in Chinese: ``第 12 行「到期日」：无法识别的日期 "2026年13月40日"``.
"""

import datetime as dt
import gc
import hashlib
import tempfile
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

import orjson

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


@dataclass(slots=True)
class Row:
    line: int
    values: dict
    cells: list  # the file's cells, kept as they are (only errors and samples show them)
    columns: dict[str, int]  # field -> index of its cell

    @property
    def raw(self) -> dict[str, str]:
        """Field -> the cell as it was in the file."""
        return {
            name: _text(self.cells[index] if index < len(self.cells) else None)
            for name, index in self.columns.items()
        }


def _text(cell) -> str:
    return "" if cell is None else str(cell)


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


OUTCOMES = ("new", "changed", "unchanged")
PLAIN = (str, int, float)  # what JSON gives back as it was (choices and bools included)


def encode_preview(preview: Preview, target) -> None:
    """Write a checked preview's rows to ``target`` (a binary file) as compact JSON, so the
    commit neither parses the file nor compares it again: the field names, each row's outcome,
    line and values (written in chunks, no one huge string), then which fields hold decimals
    ("d") or dates ("t") as text. Plain data: nothing is executed on loading, and no
    per-value hook slows the reading."""
    rows = [(outcome, row) for outcome in OUTCOMES for row in getattr(preview, outcome)]
    keys = tuple(rows[0][1].values) if rows else ()
    kinds = {}
    values = [r.values for _, r in rows]
    for key in keys:  # decimals and dates come back from their text: a field holds one type
        types = set(map(type, map(itemgetter(key), values))) - {type(None)}
        if types == {Decimal}:
            kinds[key] = "d"
        elif types == {dt.date}:
            kinds[key] = "t"
        elif not all(issubclass(t, PLAIN) for t in types):  # mixed, or a datetime, say
            raise TypeError(f"cannot keep {key} ({sorted(t.__name__ for t in types)})")
    target.write(b"[" + _json(keys) + b",[")
    for start in range(0, len(rows), ENCODE_CHUNK):
        chunk = rows[start : start + ENCODE_CHUNK]
        if any(tuple(row.values) != keys for _, row in chunk):  # one import's rows share fields
            raise ValueError("rows with different fields")
        data = _json([[OUTCOMES.index(o), r.line, *r.values.values()] for o, r in chunk])
        target.write((b"," if start else b"") + data[1:-1])
    target.write(b"]," + _json(kinds) + b"]")


def _json(value) -> bytes:
    return orjson.dumps(value, default=_plain)  # dates as ISO text by itself


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot keep {type(value).__name__} between check and commit")


def decode_preview(data: bytes) -> Preview:
    keys, rows, kinds = orjson.loads(data)
    typed = [
        (keys.index(key) + 2, Decimal if kind == "d" else dt.date.fromisoformat)
        for key, kind in kinds.items()
    ]
    preview = Preview()
    lists = [getattr(preview, outcome) for outcome in OUTCOMES]
    for values in rows:
        for index, convert in typed:
            if values[index] is not None:
                values[index] = convert(values[index])
        lists[values[0]].append(Row(values[1], dict(zip(keys, values[2:], strict=True)), [], {}))
    return preview


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

    def preview(self, data: bytes, filename: str, overrides=None, *, progress) -> Preview:
        progress("read", force=True)
        table = self.read(data, filename)
        mapping = self.map_headers(table.headers, overrides)
        labels = {name: table.headers[index] for index, name in mapping.items()}
        preview = Preview(
            ignored_headers=[h for i, h in enumerate(table.headers) if i not in mapping],
            skipped_lines=table.skipped,
        )
        columns = {column.field: column for column in self.columns}
        specs = [
            (index, name, columns[name].parse, columns[name].required)
            for index, name in mapping.items()
        ]
        indexes = {name: index for index, name in mapping.items()}
        rows = []
        for line, cells in progress.track(table.rows, "check", len(table.rows)):
            row, errors = self._parse(line, cells, specs, indexes, labels)
            errors += [] if errors else self.validate(row, labels)
            if errors:
                preview.errors += errors
            else:
                rows.append(row)
        preview.errors += self.check_duplicates(rows, labels)
        if not preview.errors:
            self.compare(rows, preview, progress=progress)
        if not preview.errors:
            preview.parsed = tempfile.TemporaryFile()
            encode_preview(preview, preview.parsed)
        return preview

    def sample(self, preview: Preview, size: int = 10) -> dict:
        """The first new and changed rows as the file has them, to see before committing."""
        first = preview.new[:1] + preview.changed[:1]
        columns = [c for c in self.columns if any(c.field in r.raw for r in first)]
        rows = [("new", r) for r in preview.new[:size]]
        rows += [("changed", r) for r in preview.changed[:size]]
        return {
            "labels": [c.label for c in columns],
            "rows": [[kind, r.line, [r.raw.get(c.field, "") for c in columns]] for kind, r in rows],
        }

    @staticmethod
    def _parse(line, cells, specs, indexes, labels) -> tuple[Row, list[RowError]]:
        values, errors, width = {}, [], len(cells)
        for index, name, parse, required in specs:
            raw = cells[index] if index < width else None
            try:
                value = parse(raw)
            except ParseError as exc:
                errors.append(RowError(line, labels[name], _text(raw), exc.reason))
                continue
            if required and (value is None or value == ""):
                errors.append(RowError(line, labels[name], _text(raw), "必填，不能为空"))
            values[name] = value
        return Row(line, values, cells, indexes), errors

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

    def compare(self, rows: list[Row], preview: Preview, *, progress) -> None:
        """Sort valid rows into preview.new, .changed and .unchanged, noting in each existing
        row what ``refusal`` needs to tell whether it changed since (its version)."""
        raise NotImplementedError

    def refusal(self, preview: Preview) -> str:
        """Within the commit's transaction, why the checked rows may not be written now, in
        the user's language, or "": an existing row changed since the check (writing it would
        overwrite someone's edit), a row of a team this user may not import into (the check
        may have run as someone else, or the user's teams changed). New keys need no check
        here: one someone else added meanwhile breaks the unique constraint of the write."""
        raise NotImplementedError

    def write(self, preview: Preview, *, batch, progress) -> None:
        """Apply a valid preview inside the caller's transaction."""
        raise NotImplementedError


_collector = {"lock": threading.Lock(), "holders": 0, "resume": False}


@contextmanager
def bulk_objects():
    """Pause the cyclic garbage collector while a large table's rows are built.

    Each of a table's hundreds of thousands of rows is a few containers; CPython's collector
    walks every live container again and again as they accumulate, which took half the time
    of building them. The rows hold no reference cycles; whatever cycles arise meanwhile are
    collected once the last holder leaves. (The collector is per process: threads share it.)
    """
    with _collector["lock"]:
        _collector["holders"] += 1
        if _collector["holders"] == 1:
            _collector["resume"] = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _collector["lock"]:
            _collector["holders"] -= 1
            if _collector["holders"] == 0 and _collector["resume"]:
                gc.enable()
