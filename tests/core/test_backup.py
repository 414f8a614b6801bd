"""`duban backup` and `duban restore` (hardening issue, point 11): backups that restore.

A backup is made in this process from the test database; it is restored by `python -m duban
restore` in another process, into a fresh DUBAN_DATA_DIR (and, on PostgreSQL, a scratch database),
and the restored database is read back row by row.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import threading
import unittest
from pathlib import Path
from unittest import mock
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase

from duban.core.dumps import BackupError, libpq_params, run_client, sqlite_copy
from duban.org.models import User
from duban.receivables.models import Receivable
from duban.resources.models import Resource
from tests.base import make_cast
from tests.scratch import scratch_folder

UPLOAD = Path("imports/backup-test/应收账表.csv")
EXACT_TABLES = [User._meta.db_table, Receivable._meta.db_table, Resource._meta.db_table]


def restore(
    archive: Path, data_dir: Path, *args: str, database_url: str = ""
) -> subprocess.CompletedProcess:
    """`python -m duban restore` with its own data folder and database, as on another server."""
    env = {key: value for key, value in os.environ.items() if key != "DUBAN_DATABASE_URL"}
    env |= {"DUBAN_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "duban.settings"}
    if database_url:
        env["DUBAN_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "duban", "restore", str(archive), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def source_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY id')
        return cursor.fetchall()


def fake_archive(path: Path, **manifest) -> Path:
    """A well-formed archive whose manifest says what a test needs; its database is a stub."""
    database = b"never opened: the manifest is refused first"
    name = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[connection.vendor]
    manifest = {
        "format": 1,
        "duban_version": "0.1.0",
        "created_at": "2026-11-27T10:00:00+00:00",
        "vendor": connection.vendor,
        "database": {"file": name, "sha256": hashlib.sha256(database).hexdigest()},
        "migrations": {"core": ["0001_initial"]},
        "tables": {},
        "secret_key": False,
        "media_files": 0,
    } | manifest
    with tarfile.open(path, "w:gz") as tar:
        for member, data in [(name, database), ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


class UploadedFile:
    """An uploaded file in the test run's MEDIA_ROOT, removed afterwards."""

    def setUp(self):
        super().setUp()
        self.upload = Path(settings.MEDIA_ROOT) / UPLOAD
        self.upload.parent.mkdir(parents=True, exist_ok=True)
        self.upload.write_text("客户名称,金额\n甲公司,100000\n")
        self.addCleanup(shutil.rmtree, self.upload.parent)
        self.folder = scratch_folder("duban-backup-test-")
        self.archive = self.folder / "backup.tar.gz"


@unittest.skipUnless(connection.vendor == "sqlite", "needs SQLite (this run uses PostgreSQL)")
class SqliteBackupTests(UploadedFile, TransactionTestCase):
    def setUp(self):
        super().setUp()
        make_cast()
        call_command("backup", out=self.archive, stdout=io.StringIO())

    def restored(self, name: str = "restored", *args: str) -> Path:
        data_dir = self.folder / name
        result = restore(self.archive, data_dir, *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        return data_dir

    def test_a_restored_copy_holds_every_row(self):
        data_dir = self.restored()
        restored = sqlite3.connect(data_dir / "duban.sqlite3", detect_types=sqlite3.PARSE_DECLTYPES)
        self.addCleanup(restored.close)
        source = source_counts()
        self.assertGreater(source[User._meta.db_table], 5)
        for table, rows in source.items():
            with self.subTest(table=table):
                found = restored.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                self.assertEqual(found, rows)
        for table in EXACT_TABLES:
            found = restored.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
            self.assertEqual(found, source_rows(table), table)
        secret_key = settings.DATA_DIR / "secret_key"
        self.assertEqual((data_dir / "secret_key").read_bytes(), secret_key.read_bytes())
        self.assertEqual((data_dir / "media" / UPLOAD).read_text(), self.upload.read_text())

    def test_the_archive_is_private_and_says_what_it_holds(self):
        self.assertEqual(self.archive.stat().st_mode & 0o777, 0o600)
        with tarfile.open(self.archive) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
            names = set(tar.getnames())
        self.assertEqual(manifest["vendor"], "sqlite")
        self.assertEqual(manifest["tables"], source_counts())
        self.assertIn("0001_initial", manifest["migrations"]["core"])
        self.assertLessEqual({"database.sqlite3", "secret_key", f"media/{UPLOAD}"}, names)

    def test_it_refuses_to_overwrite_a_database_with_data_unless_forced(self):
        data_dir = self.restored()
        before = (data_dir / "duban.sqlite3").read_bytes()
        refused = restore(self.archive, data_dir)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("目标数据库里已有数据", refused.stderr)
        self.assertIn("--force", refused.stderr)
        self.assertEqual((data_dir / "duban.sqlite3").read_bytes(), before)
        self.restored("restored", "--force")

    def test_a_cut_archive_changes_nothing(self):
        data_dir = self.restored()
        files = {path: path.read_bytes() for path in data_dir.rglob("*") if path.is_file()}
        cut = self.folder / "cut.tar.gz"
        cut.write_bytes(self.archive.read_bytes()[: self.archive.stat().st_size // 2])
        refused = restore(cut, data_dir, "--force")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("备份文件已损坏、不完整或不是督办的备份", refused.stderr)
        self.assertNotIn("Traceback", refused.stderr)
        after = {path: path.read_bytes() for path in data_dir.rglob("*") if path.is_file()}
        self.assertEqual(after, files)


class RefusalTests(SimpleTestCase):
    """Archives refused before anything is read from or written to a database."""

    def setUp(self):
        self.folder = scratch_folder("duban-backup-test-")

    def assertRefused(self, archive: Path, message: str) -> None:
        media = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
        key = (settings.DATA_DIR / "secret_key").read_bytes()
        with self.assertRaisesMessage(CommandError, message):
            call_command("restore", archive, force=True)
        self.assertEqual(sorted(Path(settings.MEDIA_ROOT).rglob("*")), media)
        self.assertEqual((settings.DATA_DIR / "secret_key").read_bytes(), key)
        self.assertEqual(list(settings.DATA_DIR.glob(".duban-restore-*")), [])

    def test_it_refuses_a_backup_of_the_other_vendor(self):
        other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
        archive = fake_archive(self.folder / "other.tar.gz", vendor=other)
        self.assertRefused(archive, "只能恢复到同一种数据库")

    def test_it_refuses_a_backup_from_newer_code(self):
        migrations = {"core": ["0001_initial", "9999_from_the_future"]}
        archive = fake_archive(
            self.folder / "newer.tar.gz", duban_version="9.0", migrations=migrations
        )
        self.assertRefused(archive, "这份备份来自更新的督办（9.0）")
        self.assertRefused(archive, "core.9999_from_the_future")

    def test_it_refuses_a_damaged_archive(self):
        archive = fake_archive(self.folder / "damaged.tar.gz")
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 0xFF
        archive.write_bytes(bytes(data))
        self.assertRefused(archive, "备份文件已损坏、不完整或不是督办的备份")

    def test_it_refuses_a_file_that_is_not_a_backup(self):
        archive = self.folder / "notes.tar.gz"
        archive.write_text("不是备份")
        self.assertRefused(archive, "备份文件已损坏、不完整或不是督办的备份")

    def test_it_names_a_missing_file(self):
        self.assertRefused(self.folder / "missing.tar.gz", "找不到备份文件")

    def test_it_says_how_to_get_pg_dump_when_it_is_missing(self):
        with mock.patch.dict(os.environ, {"PATH": str(self.folder)}):
            with self.assertRaisesMessage(BackupError, "找不到 pg_dump：请安装 PostgreSQL 客户端"):
                run_client("pg_dump", ["--version"], {})


class SqliteSnapshotTests(unittest.TestCase):
    def test_a_copy_taken_while_others_write_is_one_consistent_state(self):
        """Each write adds a row to both tables in one transaction: a copy holds equal counts."""
        folder = scratch_folder("duban-backup-test-")
        path = folder / "live.sqlite3"
        with sqlite3.connect(path, isolation_level=None) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("BEGIN")
            for table in "ab":
                db.execute(f"CREATE TABLE {table} (x)")
                db.executemany(f"INSERT INTO {table} VALUES (?)", [(i,) for i in range(20000)])
            db.execute("COMMIT")
        stop = threading.Event()

        def write():
            with sqlite3.connect(path, isolation_level=None, timeout=10) as db:
                db.execute("PRAGMA synchronous=OFF")
                while not stop.is_set():
                    db.execute("BEGIN IMMEDIATE")
                    db.execute("INSERT INTO a VALUES (randomblob(64))")
                    db.execute("INSERT INTO b VALUES (randomblob(64))")
                    db.execute("COMMIT")

        writer = threading.Thread(target=write)
        writer.start()
        try:
            for attempt in range(3):
                copy = folder / f"copy-{attempt}.sqlite3"
                with sqlite3.connect(path, timeout=10) as source:
                    sqlite_copy(source, copy)
                with sqlite3.connect(copy) as db:
                    a, b = (db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in "ab")
                    self.assertEqual(a, b)
                    self.assertEqual(db.execute("PRAGMA journal_mode").fetchone()[0], "delete")
        finally:
            stop.set()
            writer.join()


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL (this run uses SQLite)")
class PostgresBackupTests(UploadedFile, TransactionTestCase):
    def setUp(self):
        missing = [program for program in ["pg_dump", "pg_restore"] if not shutil.which(program)]
        if missing and os.environ.get("DUBAN_REQUIRE_POSTGRES") == "1":
            self.fail(f"{' and '.join(missing)} not found, and DUBAN_REQUIRE_POSTGRES=1")
        if missing:
            self.skipTest(f"{' and '.join(missing)} not found (install postgresql-client)")
        super().setUp()
        make_cast()
        self.params = libpq_params(connection.settings_dict) | {"dbname": "postgres"}
        self.scratch = f"duban_restore_{os.getpid()}"
        self.admin(f'DROP DATABASE IF EXISTS "{self.scratch}"')
        self.admin(f'CREATE DATABASE "{self.scratch}"')
        self.addCleanup(self.admin, f'DROP DATABASE IF EXISTS "{self.scratch}" WITH (FORCE)')

    def admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(**self.params, autocommit=True) as db:
            db.execute(statement)

    def scratch_url(self) -> str:
        d = connection.settings_dict
        login = quote(d["USER"] or "", safe="") + (
            f":{quote(d['PASSWORD'], safe='')}" if d["PASSWORD"] else ""
        )
        return f"postgres://{login}@{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{self.scratch}"

    def test_a_restored_copy_holds_every_row(self):
        import psycopg

        call_command("backup", out=self.archive, stdout=io.StringIO())
        data_dir = self.folder / "restored"
        result = restore(self.archive, data_dir, database_url=self.scratch_url())
        self.assertEqual(result.returncode, 0, result.stderr)
        with psycopg.connect(**self.params | {"dbname": self.scratch}) as restored:
            for table, rows in source_counts().items():
                with self.subTest(table=table):
                    found = restored.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    self.assertEqual(found, rows)
            for table in EXACT_TABLES:
                found = restored.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
                self.assertEqual(found, source_rows(table), table)
        self.assertEqual((data_dir / "media" / UPLOAD).read_text(), self.upload.read_text())
        refused = restore(self.archive, data_dir, database_url=self.scratch_url())
        self.assertEqual(refused.returncode, 1)
        self.assertIn("目标数据库里已有数据", refused.stderr)
