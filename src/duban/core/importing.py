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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from operator import itemgetter

import orjson

from duban.core.parsing import CELL_LIMIT, ParseError, check_cell, is_blank, parse_text, visible
from duban.core.tabular import Table, TabularError, header_key, read_table

IGNORE = ""  # a mapping value: the column is not imported
ENCODE_CHUNK = 5000
# A column's cells repeat (statuses, sources, people, dates): each distinct cell of these
# types is parsed once per file, up to MEMO of them per column. Not numbers: 1, 1.0 and True
# are one key to a dict but not one cell.
MEMO = 20000
MEMO_TYPES = frozenset({str, dt.date, dt.datetime, type(None)})
_MISS = object()
# an error shows this much of a cell and of its reason: a 30,000-character cell is named, not
# copied into every error
RAW_SHOWN, REASON_SHOWN = 200, 500


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

    def __post_init__(self):
        self.column = visible(self.column)
        self.raw = visible(self.raw, RAW_SHOWN)
        self.reason = visible(self.reason, REASON_SHOWN)

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


def _shown(raw: str, value) -> str:
    """A cell's text, and what it was read as when that reads otherwise (12.5万 →
    125,000.00; 2026/3/5 → 2026-03-05)."""
    if isinstance(value, Decimal):
        parsed = f"{value:,.2f}"
        same = {parsed, f"{value}", f"{value:.2f}", f"{value.normalize():f}"}
    elif isinstance(value, dt.date):
        parsed = value.isoformat()
        same = {parsed}
    else:
        return raw
    return raw if raw.strip() in same else f"{raw} → {parsed}"


def _text(cell) -> str:
    """A cell as the spreadsheet shows it: 126500 rather than the float 126500.0 a reader
    gives, a date without its midnight."""
    if cell is None:
        return ""
    if cell.__class__ is float and cell.is_integer():
        return str(int(cell))
    if cell.__class__ is dt.datetime and cell.time() == dt.time():
        return cell.date().isoformat()
    return str(cell)


@dataclass
class Preview:
    """What an import would do: counts by outcome, and every error."""

    new: Sequence = field(default_factory=list)
    changed: Sequence = field(default_factory=list)
    unchanged: Sequence = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    skipped_lines: list[int] = field(default_factory=list)
    parsed: object = None  # a temporary file of the valid rows as parsed (encode_preview)
    kept_distinct: dict = field(default_factory=dict)  # field -> values, kept by the check
    notes: list[str] = field(default_factory=list)  # what to know before committing, not errors

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

    def distinct(self, name: str) -> set:
        """The values of field ``name`` in the rows to write (new and changed); from what the
        check kept when it can, so that no row need be decoded for them."""
        if name in self.kept_distinct:
            return set(self.kept_distinct[name])
        return {row.values[name] for row in chain(self.new, self.changed)}


@dataclass(frozen=True)
class TableChoice:
    """A value the whole table shares, asked for when no column gives it (e.g. its team)."""

    name: str  # the importer's option
    label: str
    choices: list[tuple[str, str]]  # (value, label)
    why: str  # why it is asked for, in Chinese


class MappingRequired(Exception):
    """Required columns were not found by their headers, or a value the whole table shares
    is not known: the user must map the columns or choose the value."""

    def __init__(
        self,
        headers: list[str],
        missing: list[Column],
        mapping: dict[int, str],
        choices: list[TableChoice] = (),
    ):
        self.headers, self.missing, self.mapping = headers, missing, mapping
        self.choices = list(choices)
        reasons = []
        if missing:
            names = "、".join(column.label for column in missing)
            reasons.append(f"找不到这些必填列：{names}。")
        reasons += [choice.why for choice in self.choices]
        super().__init__("".join(reasons))


OUTCOMES = ("new", "changed", "unchanged")
PLAIN = (str, int, float)  # what JSON gives back as it was (choices and bools included)
KEPT_FORMAT = 2


def encode_preview(preview: Preview, target, *, distinct=()) -> None:
    """Write a checked preview's rows to ``target`` (a binary file), so the commit neither
    parses the file nor compares it again.

    JSON lines: first a header (the field names; which fields hold decimals "d" or dates
    "t" as text; the values of the ``distinct`` fields in the rows to write; how many rows
    and lines each outcome has), then each outcome's rows, ``ENCODE_CHUNK`` to a line, each
    row its line in the file and its values. The commit decodes the header at once and the
    rows as it writes them (``KeptRows``). Plain data: nothing is executed on loading, and
    no per-value hook slows the reading."""
    sections = {outcome: getattr(preview, outcome) for outcome in OUTCOMES}
    rows = [row for part in sections.values() for row in part]
    keys = tuple(rows[0].values) if rows else ()
    kinds = {}
    values = [row.values for row in rows]
    for key in keys:  # decimals and dates come back from their text: a field holds one type
        types = set(map(type, map(itemgetter(key), values))) - {type(None)}
        if types == {Decimal}:
            kinds[key] = "d"
        elif types == {dt.date}:
            kinds[key] = "t"
        elif not all(issubclass(t, PLAIN) for t in types):  # mixed, or a datetime, say
            raise TypeError(f"cannot keep {key} ({sorted(t.__name__ for t in types)})")
    header = {
        "format": KEPT_FORMAT,
        "keys": keys,
        "kinds": kinds,
        "distinct": {name: sorted(preview.distinct(name)) for name in distinct},
        "outcomes": {outcome: len(sections[outcome]) for outcome in OUTCOMES},
    }
    target.write(_json(header))
    for outcome in OUTCOMES:
        chunks = sections[outcome]
        for start in range(0, len(chunks), ENCODE_CHUNK):
            chunk = chunks[start : start + ENCODE_CHUNK]
            if any(tuple(row.values) != keys for row in chunk):  # one import's rows share fields
                raise ValueError("rows with different fields")
            target.write(b"\n" + _json([[row.line, *row.values.values()] for row in chunk]))


def _json(value) -> bytes:
    return orjson.dumps(value, default=_plain)  # dates as ISO text by itself


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot keep {type(value).__name__} between check and commit")


def decode_preview(data: bytes) -> Preview:
    """The preview ``encode_preview`` kept; its rows are decoded as they are first read.
    Raises ValueError for rows kept in another format (the file is then checked again)."""
    head, *lines = data.split(b"\n")
    header = orjson.loads(head)
    if not isinstance(header, dict) or header.get("format") != KEPT_FORMAT:
        raise ValueError("rows kept in another format")
    keys = header["keys"]
    typed = [
        (keys.index(key) + 1, Decimal if kind == "d" else dt.date.fromisoformat)
        for key, kind in header["kinds"].items()
    ]

    def rows(line: bytes) -> list[Row]:
        chunk = orjson.loads(line)
        for values in chunk:
            for index, convert in typed:
                if values[index] is not None:
                    values[index] = convert(values[index])
        return [
            Row(values[0], dict(zip(keys, values[1:], strict=True)), [], {}) for values in chunk
        ]

    preview, start = Preview(kept_distinct=header["distinct"]), 0
    for outcome in OUTCOMES:
        count = header["outcomes"][outcome]
        end = start + -(-count // ENCODE_CHUNK)
        setattr(preview, outcome, KeptRows(lines[start:end], count, rows))
        start = end
    if start != len(lines):
        raise ValueError("kept rows cut short or run on")
    return preview


class KeptRows(Sequence):
    """One outcome's rows as the check kept them, decoded a chunk at a time as they are first
    iterated, then held: the commit writes the first rows while the next are decoded, so the
    database is at work meanwhile instead of waiting for the whole file."""

    def __init__(self, lines: list[bytes], count: int, decode: Callable[[bytes], list[Row]]):
        self._lines, self._count, self._decode = lines, count, decode
        self._rows: list[Row] = []
        self._decoded = 0  # lines

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Row]:
        index = 0
        while True:
            while index < len(self._rows):
                yield self._rows[index]
                index += 1
            if not self._more():
                return

    def __getitem__(self, index):
        while self._more():
            pass
        return self._rows[index]

    def _more(self) -> bool:
        if self._decoded == len(self._lines):
            return False
        self._rows += self._decode(self._lines[self._decoded])
        self._lines[self._decoded] = b""  # decoded: the text is no longer needed
        self._decoded += 1
        return True


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Importer:
    """Subclasses set ``columns`` and implement ``validate``, ``compare`` and ``write``."""

    columns: list[Column] = []
    labels: dict[str, str] = {}  # field -> the file's header, while a file is checked
    title = ""
    key_field: str | None = None  # a column unique in the file, e.g. the invoice number
    # fields whose values in the rows to write the commit needs before it reads the rows
    # (Preview.distinct): the check keeps them
    distinct_fields: tuple[str, ...] = ()

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
        choices = self.table_choices(set(mapping.values()))
        if missing or choices:
            raise MappingRequired(headers, missing, mapping, choices)
        return mapping

    def table_choices(self, mapped: set[str]) -> list[TableChoice]:
        """The values the whole table must be given because no mapped column gives them."""
        return []

    def label_of(self, field: str, labels: dict[str, str]) -> str:
        """How an error names a field: the file's header, else the template's label, never the
        code name."""
        if field in labels:
            return labels[field]
        return next((c.label for c in self.columns if c.field == field), field)

    def preview(self, data: bytes, filename: str, overrides=None, *, progress) -> Preview:
        progress("read", force=True)
        table = self.read(data, filename)
        if not table.rows:
            raise TabularError("表头下面没有数据行：这个文件没有可以导入的内容。")
        mapping = self.map_headers(table.headers, overrides)
        labels = {name: table.headers[index] for index, name in mapping.items()}
        self.labels = labels  # the file's headers, for errors found after the rows' checks
        preview = Preview(
            ignored_headers=[h for i, h in enumerate(table.headers) if i not in mapping],
            skipped_lines=table.skipped,
        )
        columns = {column.field: column for column in self.columns}
        specs = [
            (index, name, columns[name].parse, columns[name].required, {})
            for index, name in mapping.items()
        ]
        indexes = {name: index for index, name in mapping.items()}
        rows = []
        for line, cells in progress.track(table.rows, "check", len(table.rows)):
            row, errors = self._parse(line, cells, specs, indexes, labels)
            errors += self.validate(row, labels)  # a bad cell's field is left out of the row
            if errors:
                preview.errors += errors
            else:
                rows.append(row)
        preview.errors += self.check_duplicates(rows, labels)
        if not preview.errors:
            self.compare(rows, preview, progress=progress)
        if not preview.errors:
            preview.parsed = tempfile.TemporaryFile()
            encode_preview(preview, preview.parsed, distinct=self.distinct_fields)
        return preview

    def sample(self, preview: Preview, size: int = 10) -> dict:
        """The first new and changed rows as the file has them, with what a cell was read as
        where that differs from its text (12.5万 → 125,000.00), to see before committing."""
        first = preview.new[:1] + preview.changed[:1]
        columns = [c for c in self.columns if any(c.field in r.raw for r in first)]
        rows = [("new", r) for r in preview.new[:size]]
        rows += [("changed", r) for r in preview.changed[:size]]
        return {
            "labels": [c.label for c in columns],
            "rows": [
                [
                    kind,
                    r.line,
                    [_shown(r.raw.get(c.field, ""), r.values.get(c.field)) for c in columns],
                ]
                for kind, r in rows
            ],
        }

    @staticmethod
    def _parse(line, cells, specs, indexes, labels) -> tuple[Row, list[RowError]]:
        values, errors, width = {}, [], len(cells)
        for index, name, parse, required, memo in specs:
            raw = cells[index] if index < width else None
            keyed = raw.__class__ in MEMO_TYPES
            value = memo.get(raw, _MISS) if keyed else _MISS
            if value is _MISS:
                try:
                    if raw.__class__ is str and (len(raw) > CELL_LIMIT or not raw.isprintable()):
                        check_cell(raw)  # whatever the column: see check_cell
                    value = parse(raw)  # a parser is a function of the cell alone
                except ParseError as exc:
                    errors.append(RowError(line, labels[name], _text(raw), exc.reason))
                    continue
                if keyed and len(memo) < MEMO:
                    memo[raw] = value
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

    @contextmanager
    def staging(self, preview: Preview, *, batch, progress) -> Iterator[None]:
        """Around the commit's transaction: prepare what ``write`` can before it starts, so
        that the transaction (on SQLite, the whole database's write lock) is held for the
        writes alone; undo it after. By default nothing."""
        yield

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
