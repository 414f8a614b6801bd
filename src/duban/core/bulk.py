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
    temp = "duban_rows_to_update"  # the session's own; dropped when done, or with a rollback
    listed = ", ".join([*columns, key])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} AS SELECT {listed} FROM {table} LIMIT 0")
        count = _copy(temp, listed, rows)
        sets = ", ".join(f"{column} = new.{column}" for column in columns)
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM {temp} AS new WHERE {table}.{key} = new.{key}"
        )
        cursor.execute(f"DROP TABLE {temp}")
    return count


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
    if isinstance(field, models.DateTimeField):
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
