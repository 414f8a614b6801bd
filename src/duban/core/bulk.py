"""Many rows at once: inserted with COPY on PostgreSQL and one prepared INSERT run with
executemany on SQLite, updated by one prepared UPDATE run with executemany; looked up by a
long list of keys passed as one parameter.

``bulk_create`` builds SQL for every batch of ~50 rows (SQLite's 999-parameter cap) and
model instances for every row; an import of 100,000 rows spent most of its time there.
Values go in as the importer holds them (str, int, Decimal, date, None): Django registers
sqlite3 adapters for Decimal and date that store them as its own fields do, and psycopg
adapts them itself; only aware datetimes need Django's conversion (to naive UTC on SQLite).
"""

from collections.abc import Iterable, Iterator

import orjson
from django.db import connection, models
from django.db.models.expressions import RawSQL

BATCH = 5000


def insert_rows(model, fields: list[str], rows: Iterable[tuple], *, order=None) -> int:
    """INSERT ``rows`` (tuples in the order of ``fields``) into ``model``'s table.

    ``order``, a sort key of the tuples (say, that of the busiest index), is for SQLite: its
    small page cache makes inserts in random order into the indexes of a large table cost
    a third more. PostgreSQL takes the rows as they come, working on the first ones while
    the next are produced (which sorting would have to wait for), and in any order as fast.
    """
    concrete = [model._meta.get_field(name) for name in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in concrete)
    if connection.vendor == "postgresql":
        return _copy(table, columns, rows)
    placeholders = ", ".join(["%s"] * len(concrete))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    if order is not None:
        rows = sorted(rows, key=order)
    return _executemany(sql, concrete, rows)


def update_rows(model, fields: list[str], rows: Iterable[tuple]) -> int:
    """UPDATE rows by primary key: each tuple holds the values of ``fields``, then the key.

    ``bulk_update`` writes a CASE over the whole batch for every field, which the database
    evaluates for every row, so its time grows with the square of the batch — minutes for
    20,000 changed rows on PostgreSQL. Here SQLite runs one prepared statement with
    executemany; PostgreSQL takes the rows by COPY into a temporary table and updates from it
    in one statement, a third of the time of 30,000 pipelined statements.
    """
    concrete = [model._meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    table, key = qn(model._meta.db_table), qn(model._meta.pk.column)
    if connection.vendor == "postgresql":
        return _update_from_copy(table, key, [qn(field.column) for field in concrete], rows)
    sets = ", ".join(f"{qn(field.column)} = %s" for field in concrete)
    sql = f"UPDATE {table} SET {sets} WHERE {key} = %s"
    return _executemany(sql, concrete, rows)


def _update_from_copy(table: str, key: str, columns: list[str], rows) -> int:
    staged = Staged.of(table, key, columns, rows, name="duban_rows_to_update")
    staged.update()
    staged.drop()
    return staged.count


class Staged:
    """Rows held in a temporary table of this connection (the session's own; gone with it),
    to be written to their table by key with a few set-based statements.

    Staged before the transaction that writes them, they cost that transaction nothing: on
    SQLite a temporary table is written without the database's write lock, which every other
    writer waits for while an import's transaction holds it. ``update`` then sets each row to
    its staged values in one ``UPDATE … FROM`` (SQLite 3.33 or later). The table holds the
    columns of ``fields``, then the key.
    """

    def __init__(self, model, fields: list[str], rows: Iterable[tuple], *, name="duban_staged"):
        qn = connection.ops.quote_name
        concrete = [model._meta.get_field(field) for field in fields]
        self.model = model
        self._fill(
            qn(model._meta.db_table),
            qn(model._meta.pk.column),
            [qn(field.column) for field in concrete],
            rows,
            name,
            concrete,
        )

    @classmethod
    def of(cls, table: str, key: str, columns: list[str], rows, *, name: str) -> "Staged":
        staged = cls.__new__(cls)
        staged.model = None
        staged._fill(table, key, columns, rows, name, None)
        return staged

    def _fill(self, table, key, columns, rows, name, concrete) -> None:
        self.target, self.key, self.columns = table, key, columns
        self.table = connection.ops.quote_name(name)
        listed = ", ".join([*columns, key])
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table} AS SELECT {listed} FROM {table} LIMIT 0"
            )
            if connection.vendor == "postgresql":
                self.count = _copy(self.table, listed, rows)
                cursor.execute(f"ANALYZE {self.table}")  # autovacuum never sees it
            else:
                placeholders = ", ".join(["%s"] * (len(columns) + 1))
                sql = f"INSERT INTO {self.table} ({listed}) VALUES ({placeholders})"
                self.count = _executemany(sql, [*(concrete or []), None], rows)

    def update(self) -> int:
        """Set the rows of the target table with a staged key to their staged values."""
        sets = ", ".join(f"{column} = new.{column}" for column in self.columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.target} SET {sets} FROM {self.table} AS new "
                f"WHERE {self.target}.{self.key} = new.{self.key}"
            )
            return cursor.rowcount

    def differing(self, condition: str, params=(), *, lock: bool = False) -> list:
        """The staged keys whose row is gone or meets ``condition`` (SQL over ``old``, the
        row, and ``new``, its staged values). With ``lock``, every staged row is first locked
        until the transaction ends (PostgreSQL; SQLite's transaction holds the whole
        database), so that none can change before it is written."""
        key, join = self.key, f"{self.table} AS new ON old.{self.key} = new.{self.key}"
        with connection.cursor() as cursor:
            if lock and connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM {self.target} AS old JOIN {join} "
                    "FOR UPDATE OF old) AS locked"
                )
            cursor.execute(
                f"SELECT new.{key} FROM {self.table} AS new LEFT JOIN {self.target} AS old "
                f"ON old.{key} = new.{key} WHERE old.{key} IS NULL OR ({condition})",
                params,
            )
            return [found for (found,) in cursor.fetchall()]

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


def batches(items: Iterable) -> Iterator[list]:
    """``items`` in lists of BATCH."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _executemany(sql: str, concrete: list, rows: Iterable[tuple]) -> int:
    """Run ``sql`` once per row, BATCH rows to an executemany; returns the number of rows.
    On SQLite aware datetimes go in as Django stores them (psycopg adapts them itself)."""
    adapters = []
    if connection.vendor != "postgresql":
        adapters = [(index, a) for index, field in enumerate(concrete) if (a := _adapter(field))]
    count = 0
    with connection.cursor() as cursor:
        for batch in batches(rows):
            if adapters:
                batch = [_adapted(row, adapters) for row in batch]
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _adapted(row, adapters) -> list:
    row = list(row)
    for index, adapt in adapters:
        row[index] = adapt(row[index]) if row[index] is not None else None
    return row


def _copy(table: str, columns: str, rows) -> int:
    """PostgreSQL: COPY … FROM STDIN, which psycopg feeds row by row."""
    count = 0
    with (
        connection.wrap_database_errors,  # an IntegrityError as Django's, as for any query
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _adapter(field):
    if isinstance(field, models.DateTimeField):  # (None: a staged key)
        return connection.ops.adapt_datetimefield_value
    return None


def one_parameter(values: list) -> RawSQL:
    """A subquery of ``values`` (text or integers) for ``field__in=``, sent as one parameter:
    an array on PostgreSQL, a JSON array on SQLite. ``__in`` with a list sends one parameter
    per value, which Django and the driver each handle in Python: four times slower for
    100,000 keys."""
    values = list(values)
    if connection.vendor == "postgresql":  # Django binds on the client: the array needs a type
        kind = "bigint" if values and isinstance(values[0], int) else "text"
        return RawSQL(f"SELECT unnest(%s::{kind}[])", [values])
    return RawSQL("SELECT value FROM json_each(%s)", [orjson.dumps(values).decode()])
