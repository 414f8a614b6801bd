"""Backups that restore: one archive holding the database, the secret key and the uploads.

The archive is a .tar.gz (readable with `tar`, file modes kept, the gzip checksum covering every
byte) holding:

    database.sqlite3  a snapshot made by SQLite's online backup API in one step, or
    database.pgdump   `pg_dump --format=custom`, run in the snapshot the row counts were read in
    secret_key        DATA_DIR/secret_key, when Duban keeps its key there
    media/…           the uploaded files (MEDIA_ROOT), copied after the database snapshot, so
                      every file the snapshot names is there
    manifest.json     Duban's version, the database vendor, the migrations applied, when it
                      was made and the rows of every table

A restore checks all it can before it changes anything: the archive reads to its end, the
manifest is for this vendor, the code knows every migration the backup has applied, and the
database in it holds the rows the manifest counted. Only then does it replace the database, the
key and the uploads.
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from contextlib import closing, contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from duban.core import pagecache
from duban.core.dumps import (
    BackupError,
    applied_migrations,
    has_users,
    libpq_params,
    postgres_connect,
    run_client,
    sqlite_copy,
    table_counts,
)

FORMAT = 1
MANIFEST = "manifest.json"
MANIFEST_KEYS = {
    "format",
    "duban_version",
    "created_at",
    "vendor",
    "database",
    "migrations",
    "tables",
}
SECRET_KEY = "secret_key"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Restored:
    """What a restore put in place."""

    manifest: dict
    tables: dict[str, int]
    secret_key: bool
    media_files: int


# Making a backup


def backup_create(*, out: Path) -> dict:
    """Write a backup of this installation to `out` (replaced only when complete)."""
    vendor = connection.vendor
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".duban-backup-") as staging:
        database = Path(staging) / DATABASE_FILES[vendor]
        snapshot = sqlite_snapshot if vendor == "sqlite" else postgres_snapshot
        tables, migrations = snapshot(database)
        manifest = {
            "format": FORMAT,
            "duban_version": version("duban"),
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "vendor": vendor,
            "database": {"file": database.name, "sha256": _sha256(database)},
            "migrations": migrations,
            "tables": tables,
        }
        _write_archive(out, manifest, database)
    return manifest


def sqlite_snapshot(path: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Copy Django's database to `path`; its row counts and migrations, read from the copy."""
    connection.validate_no_atomic_block()  # a backup waits forever on its own open write
    connection.ensure_connection()
    sqlite_copy(connection.connection, path)
    with closing(sqlite3.connect(path)) as copy:
        return table_counts(copy.cursor(), "sqlite"), applied_migrations(copy.cursor())


def postgres_snapshot(path: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """pg_dump the database to `path`, counting its rows in the very snapshot pg_dump reads."""
    import psycopg

    params = libpq_params(connection.settings_dict)
    with closing(postgres_connect(params)) as db:
        db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        db.read_only = True
        cursor = db.cursor()
        snapshot_id = cursor.execute("SELECT pg_export_snapshot()").fetchone()[0]
        run_client(
            "pg_dump", ["--format=custom", f"--snapshot={snapshot_id}", f"--file={path}"], params
        )
        return table_counts(cursor, "postgresql"), applied_migrations(cursor)


def _write_archive(out: Path, manifest: dict, database: Path) -> None:
    """Write the archive beside `out`, readable by its owner only, then move it into place."""
    partial = out.with_name(f".{out.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(database, arcname=database.name)
            key = settings.DATA_DIR / SECRET_KEY
            manifest["secret_key"] = key.is_file()
            if key.is_file():
                tar.add(key, arcname=SECRET_KEY)
            manifest["media_files"] = _add_media(tar)
            _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        raw.flush()
        os.fsync(raw.fileno())
    partial.replace(out)


def _add_media(tar: tarfile.TarFile) -> int:
    """Add the uploaded files; one deleted meanwhile (a discarded import) is left out."""
    media = Path(settings.MEDIA_ROOT)
    added = 0
    for path in sorted(media.rglob("*")) if media.is_dir() else []:
        if not path.is_file():
            continue
        try:
            tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media).as_posix()}")
        except FileNotFoundError:
            continue
        added += 1
    return added


def _add_bytes(tar: tarfile.TarFile, name: str, text: str) -> None:
    data = text.encode()
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o644, int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


# Restoring a backup


def backup_restore(*, archive: Path, force: bool = False) -> Restored:
    """Put a backup in place of this installation's database, secret key and uploads.

    Refuses, changing nothing, an archive that is damaged or not Duban's, one from the other
    vendor or from newer code, and (without `force`) a target database that has users.
    """
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".duban-restore-") as staging:
        staged = Path(staging)
        manifest = _unpack(archive, staged)
        _check_manifest(manifest, staged)
        restore = sqlite_restore if manifest["vendor"] == "sqlite" else postgres_restore
        tables = restore(manifest, staged / manifest["database"]["file"], force=force)
        secret_key = _restore_secret_key(staged / SECRET_KEY)
        media_files = _restore_media(staged / MEDIA)
    pagecache.forget()  # pages kept from the rows replaced
    return Restored(manifest, tables, secret_key, media_files)


def _unpack(archive: Path, staged: Path) -> dict:
    """Extract the archive into `staged`, having read all of it: a cut or damaged file fails."""
    if not archive.is_file():
        raise BackupError(_("找不到备份文件：%(path)s") % {"path": archive})
    try:
        with gzip.open(archive) as stream:  # to the end, where gzip's checksum is checked
            while stream.read(1 << 20):
                pass
        with tarfile.open(archive, "r:gz") as tar:
            if not all(_expected(member) for member in tar.getmembers()):
                raise tarfile.TarError(_("其中有不属于督办备份的文件"))
            tar.extractall(staged, filter="data")
        manifest = json.loads((staged / MANIFEST).read_text())
        if not MANIFEST_KEYS <= manifest.keys() or manifest["format"] != FORMAT:
            raise ValueError(_("清单不完整或格式不对"))
        if manifest["vendor"] not in DATABASE_FILES:
            raise ValueError(manifest["vendor"])
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError, KeyError) as exc:
        raise BackupError(
            _("备份文件已损坏、不完整或不是督办的备份（%(error)s），没有恢复任何内容。")
            % {"error": exc}
        ) from None
    return manifest


def _expected(member: tarfile.TarInfo) -> bool:
    name = member.name
    if name.startswith(f"{MEDIA}/") or name == MEDIA:
        return member.isfile() or member.isdir()
    return member.isfile() and name in {MANIFEST, SECRET_KEY, *DATABASE_FILES.values()}


def _check_manifest(manifest: dict, staged: Path) -> None:
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            _(
                "这份备份来自 %(theirs)s 数据库，本机用的是 %(ours)s：只能恢复到同一种数据库。"
                "没有恢复任何内容。"
            )
            % {
                "theirs": VENDOR_NAMES[manifest["vendor"]],
                "ours": VENDOR_NAMES.get(connection.vendor, connection.vendor),
            }
        )
    if unknown := unknown_migrations(manifest["migrations"]):
        raise BackupError(
            _(
                "这份备份来自更新的督办（%(version)s），本程序没有它已执行的数据库迁移"
                "（%(migrations)s）：请先把督办升级到这个版本或更新，再恢复。没有恢复任何内容。"
            )
            % {"version": manifest["duban_version"], "migrations": "、".join(unknown[:5])}
        )
    database = staged / manifest["database"]["file"]
    if not database.is_file() or _sha256(database) != manifest["database"]["sha256"]:
        raise BackupError(_("备份里的数据库文件与清单不符，没有恢复任何内容。"))


def unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    """The migrations a database has applied that this code does not have (newer code's)."""
    from django.db.migrations.loader import MigrationLoader

    migrations = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    known = set(migrations) | {old for m in migrations.values() for old in m.replaces}
    return [
        f"{app}.{name}"
        for app, names in applied.items()
        for name in names
        if (app, name) not in known
    ]


def sqlite_restore(manifest: dict, database: Path, *, force: bool) -> dict[str, int]:
    """Check the copy's rows, then move it into place of the database file in one rename."""
    with closing(sqlite3.connect(database)) as copy:
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(_("备份里的数据库已损坏，没有恢复任何内容。"))
        tables = table_counts(copy.cursor(), "sqlite")
    compare_counts(manifest["tables"], tables)
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    with _sqlite_taken(target, force=force):
        partial = target.with_name(f"{target.name}.restoring")  # same folder: rename is atomic
        shutil.copyfile(database, partial)
        with partial.open("rb") as file:
            os.fsync(file.fileno())
        partial.replace(target)
    return tables


@contextmanager
def _sqlite_taken(target: Path, *, force: bool):
    """Hold the database about to be replaced for ourselves, its -wal file merged and gone.

    Leaving WAL mode needs the only connection, so a process holding the database open (a
    request or the worker at work) makes this refuse; a stale -wal beside the new file would
    otherwise be replayed into it.
    """
    if not target.exists():
        Path(f"{target}-wal").unlink(missing_ok=True)  # left from a database deleted by hand
        Path(f"{target}-shm").unlink(missing_ok=True)
        yield
        return
    with closing(sqlite3.connect(target, timeout=1, isolation_level=None)) as db:
        if not force and has_users(db.cursor(), "sqlite"):
            raise _has_data()
        try:
            mode = db.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            db.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError:
            mode = None
        if mode != "delete":
            raise BackupError(
                _(
                    "数据库正被使用：请先停止 duban serve 和 duban worker，再恢复。"
                    "没有恢复任何内容。"
                )
            )
        yield
        db.execute("ROLLBACK")


def postgres_restore(manifest: dict, dump: Path, *, force: bool) -> dict[str, int]:
    """pg_restore the dump into the database, in one transaction; then count its rows."""
    params = libpq_params(connection.settings_dict)
    connection.close()
    with closing(postgres_connect(params, autocommit=True)) as db:
        if not force and has_users(db.cursor(), "postgresql"):
            raise _has_data()
    run_client(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",  # all or nothing
            f"--dbname={params['dbname']}",
            str(dump),
        ],
        params,
    )
    with closing(postgres_connect(params, autocommit=True)) as db:
        tables = table_counts(db.cursor(), "postgresql")
    compare_counts(manifest["tables"], tables)
    return tables


def _has_data() -> BackupError:
    return BackupError(
        _("目标数据库里已有数据（有用户账号），没有恢复。确认要用备份覆盖它，请加 --force。")
    )


def compare_counts(expected: dict[str, int], found: dict[str, int]) -> None:
    """Every table of the manifest holds as many rows as the manifest says."""
    differences = [
        _("%(table)s：清单 %(expected)d 行，实际 %(found)s")
        % {
            "table": table,
            "expected": rows,
            "found": _("无此表")
            if table not in found
            else _("%(rows)d 行") % {"rows": found[table]},
        }
        for table, rows in expected.items()
        if found.get(table) != rows
    ]
    if differences:
        raise BackupError(
            _("数据库的行数与备份清单不符：%(differences)s")
            % {"differences": "；".join(differences)}
        )


def _restore_secret_key(staged: Path) -> bool:
    if not staged.is_file():
        return False
    key = settings.DATA_DIR / SECRET_KEY
    staged.chmod(0o600)
    staged.replace(key)
    return True


def _restore_media(staged: Path) -> int:
    """Replace the uploads' contents (the folder itself may be a shared mount, so it stays)."""
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    for old in media.iterdir():
        shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
    if not staged.is_dir():
        return 0
    shutil.copytree(staged, media, dirs_exist_ok=True)
    return sum(1 for path in media.rglob("*") if path.is_file())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
