"""Inserting many rows fast: COPY on PostgreSQL, one prepared INSERT run with executemany on
SQLite.

``bulk_create`` builds SQL for every batch of ~50 rows (SQLite's 999-parameter cap) and
model instances for every row; an import of 100,000 rows spent most of its time there.
Values go in as the importer holds them (str, int, Decimal, date, None), adapted once per
column type.
"""

from collections.abc import Iterable

from django.db import connection, models

BATCH = 5000


def insert_rows(model, fields: list[str], rows: Iterable[tuple]) -> int:
    """INSERT ``rows`` (tuples in the order of ``fields``) into ``model``'s table."""
    concrete = [model._meta.get_field(name) for name in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in concrete)
    placeholders = ", ".join(["%s"] * len(concrete))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    if connection.vendor == "postgresql":
        return _copy(table, columns, rows)
    adapters = [_adapter(field) for field in concrete]
    count, batch = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(
                tuple(
                    a(v) if a and v is not None else v for a, v in zip(adapters, row, strict=True)
                )
            )
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _copy(table: str, columns: str, rows) -> int:
    """PostgreSQL: COPY … FROM STDIN, which psycopg feeds row by row."""
    count = 0
    with (
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
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: connection.ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return None
