"""The database behind Django, read and copied alike on SQLite and PostgreSQL.

What `duban.core.backup` needs of a database: a consistent copy of a live SQLite file, its
tables and their rows, the migrations it has applied, whether it is in use, and PostgreSQL's
client programs run with the connection Django uses.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

# libpq's parameters Duban's database URL may carry, and the variables pg_dump and pg_restore
# read them from: the password never appears on a command line
LIBPQ_ENV = {
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}


class BackupError(Exception):
    """A backup or a restore refused, with a message for the person running it."""


def sqlite_copy(source: sqlite3.Connection, path: Path) -> None:
    """Copy a live database in one step of the online backup API.

    One step is one read transaction, so the copy is one consistent state of the database even
    while others write (WAL lets them go on meanwhile); a file copy would miss what is still in
    the -wal file.
    """
    with closing(sqlite3.connect(path)) as copy:
        source.backup(copy)  # pages=-1: every page in one step
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file


# Reading a database: its tables, rows and migrations, on sqlite3 and psycopg cursors alike


def table_names(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        query = (
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    else:
        query = (
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY 1"
        )
    cursor.execute(query)
    return [name for (name,) in cursor.fetchall()]


def table_counts(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for name in table_names(cursor, vendor):
        cursor.execute(f"SELECT count(*) FROM {_quoted(name)}")
        counts[name] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def has_users(cursor, vendor: str) -> bool:
    """Whether a database is in use: a freshly migrated one has no user account yet."""
    table = get_user_model()._meta.db_table
    if table not in table_names(cursor, vendor):
        return False
    cursor.execute(f"SELECT count(*) FROM {_quoted(table)}")
    return cursor.fetchone()[0] > 0


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# PostgreSQL's client programs


def libpq_params(settings_dict: dict) -> dict[str, str]:
    """The connection parameters of a Django database entry, as libpq names them."""
    options = settings_dict.get("OPTIONS") or {}
    params = {
        "dbname": settings_dict.get("NAME"),
        "user": settings_dict.get("USER"),
        "password": settings_dict.get("PASSWORD"),
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
    } | {key: options[key] for key in LIBPQ_ENV if key in options}
    return {key: str(value) for key, value in params.items() if value not in (None, "")}


def postgres_connect(params: dict[str, str], **options):
    import psycopg

    try:
        return psycopg.connect(**params, **options)
    except psycopg.OperationalError as exc:
        raise BackupError(_("无法连接数据库：%(error)s") % {"error": exc}) from None


def run_client(program: str, args: list[str], params: dict[str, str]) -> None:
    """Run pg_dump or pg_restore with the connection in its environment; refuse on failure."""
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            _(
                "找不到 %(program)s：请安装 PostgreSQL 客户端（Debian/Ubuntu："
                "apt-get install postgresql-client），版本不低于数据库服务器的版本。"
            )
            % {"program": program}
        )
    env = os.environ | {LIBPQ_ENV[key]: value for key, value in params.items()}
    result = subprocess.run(
        [path, *args, "--no-password"], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        error = result.stderr.strip()[-2000:] or f"exit {result.returncode}"
        raise BackupError(_("%(program)s 失败：%(error)s") % {"program": program, "error": error})
