"""Benchmark an update import of the receivables table: how long its commit holds the write
lock (not a test).

On the receivables book of bench/generate_receivables.py (1,000,000 receivables), the
100,000-row AR table is imported once as new rows (not measured), then a second version of it
in which every row changes (amounts, paid / outstanding, due dates; a tenth settled) is checked
and committed, as the admin. Measured, each in a fresh child process: the check, and the
commit, with the time each transaction of the commit holds the database — from the moment
``BEGIN`` (``BEGIN IMMEDIATE`` on SQLite: the write lock) returned to the end of its
``COMMIT`` — and a concurrent writer's waits on SQLite (a payment or a page edit waits as long
for the write lock).

    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_receivables_update.py --db sqlite
    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_receivables_update.py --db postgres

Results go to bench/results/receivables-update-<vendor>.md and .json.
"""

import argparse
import csv
import datetime as dt
import json
import sqlite3
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

from bench_receivables import (
    RESULT_MARK,
    SqlTimer,
    cleanup,
    current_rss_mb,
    machine,
    peak_rss_mb,
    prepare,
    profiled,
)
from bench_supervision import database_info, source_info
from generate_receivables import BENCH_DIR, TODAY, configure, import_file_path, row_counts

SETTLED_EVERY = 10  # one changed row in ten is paid off by the second version
LIMIT_SECONDS = 10.0  # the lock an update import of 100,000 changed rows may hold (SQLite)


def changed_file(path: Path) -> Path:
    """The import file with every row changed, as CSV: due dates a fortnight later, amounts
    100 元 higher (still owed), and every tenth row paid off."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = rows[0]
    due, amount, paid, owed = (header.index(h) for h in ["到期日", "应收金额", "已回款", "未回款"])
    for index, row in enumerate(rows[1:]):
        if isinstance(row[due], dt.date | dt.datetime):
            row[due] = (row[due] + dt.timedelta(days=14)).strftime("%Y-%m-%d")
        total = Decimal(str(row[amount])) + 100
        received = Decimal(str(row[paid] or 0))
        if index % SETTLED_EVERY == 0:
            received = total
        row[amount], row[paid], row[owed] = f"{total:.2f}", f"{received:.2f}", ""
    target = path.with_name(f"{path.stem}-changed.csv")
    with target.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return target


class Transactions:
    """Each transaction of this connection, as (seconds held, statements): from the moment
    ``set_autocommit(False)`` returned (SQLite has then run ``BEGIN IMMEDIATE``, so it holds
    the write lock) to the end of ``commit()`` or ``rollback()``."""

    def __init__(self, connection):
        self.connection, self.held, self.began = connection, [], None
        self.statements = 0

    def __enter__(self):
        conn = self.connection
        self.originals = conn.set_autocommit, conn.commit, conn.rollback

        def set_autocommit(autocommit, *args, **kwargs):
            result = self.originals[0](autocommit, *args, **kwargs)
            if not autocommit:
                self.began, self.statements = time.perf_counter(), 0
            return result

        def ended(original):
            def end(*args, **kwargs):
                try:
                    return original(*args, **kwargs)
                finally:
                    if self.began is not None:
                        seconds = time.perf_counter() - self.began
                        self.held.append((round(seconds, 2), self.statements))
                        self.began = None

            return end

        conn.set_autocommit = set_autocommit
        conn.commit, conn.rollback = ended(self.originals[1]), ended(self.originals[2])
        return self

    def __exit__(self, *exc):
        conn = self.connection
        del conn.set_autocommit, conn.commit, conn.rollback  # the class's methods again

    def __call__(self, execute, sql, params, many, context):
        if self.began is not None:
            self.statements += 1
        return execute(sql, params, many, context)


class Writer(threading.Thread):
    """On SQLite, what a page edit or a payment meets meanwhile: every 0.2 s another connection
    takes the write lock (``BEGIN IMMEDIATE``) and lets it go; records each wait."""

    def __init__(self, path: str):
        super().__init__(daemon=True)
        self.path, self.waits, self.stop = path, [], threading.Event()

    def run(self):
        db = sqlite3.connect(self.path, timeout=120, isolation_level=None)
        while not self.stop.is_set():
            began = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            db.execute("COMMIT")
            self.waits.append(time.perf_counter() - began)
            self.stop.wait(0.2)
        db.close()

    def result(self) -> dict:
        waits = sorted(self.waits)
        return {
            "writes": len(waits),
            "longest_wait_s": round(waits[-1], 2) if waits else None,
            "waits_over_1s": sum(wait > 1 for wait in waits),
        }


def child_check(params: dict) -> dict:
    from duban.core.services import import_check, import_stage
    from duban.org.models import User
    from duban.receivables.importers import table_importer

    user = User.objects.get(username="admin")
    path = Path(params["file"])
    data = path.read_bytes()
    began = time.perf_counter()
    batch = import_stage(data=data, filename=path.name, kind="ar_table", by=user)
    batch.options = {"as_of": params["as_of"]}
    batch.save(update_fields=["options"])
    preview = import_check(importer=table_importer(user, batch.options), batch=batch)
    return {
        "batch": batch.pk,
        "check_s": round(time.perf_counter() - began, 2),
        "counts": preview.counts(),
        "first_errors": [str(e) for e in preview.errors[:5]],
        "peak_rss_mb": peak_rss_mb(),
    }


def child_commit(params: dict) -> dict:
    from django.db import connection

    from duban.core.history import import_reason
    from duban.core.models import ImportBatch
    from duban.core.services import import_commit
    from duban.org.models import User
    from duban.receivables.importers import table_importer
    from duban.receivables.models import Receivable

    user = User.objects.get(username="admin")
    batch = ImportBatch.objects.get(pk=params["batch"])
    importer = table_importer(user, batch.options)
    rss, sql = current_rss_mb(), SqlTimer()
    writer = None
    if connection.vendor == "sqlite" and params.get("writer"):
        writer = Writer(str(connection.settings_dict["NAME"]))
        writer.start()

    def run():
        began = time.perf_counter()
        with Transactions(connection) as held, connection.execute_wrapper(held):
            with connection.execute_wrapper(sql):
                preview = import_commit(importer=importer, batch=batch)
        return preview, held.held, time.perf_counter() - began

    preview, held, commit_s = profiled(run, params.get("profile"), "update commit")
    if writer is not None:
        writer.stop.set()
        writer.join()
    batch.refresh_from_db()
    longest = max(held, default=(0.0, 0))
    return {
        "commit_s": round(commit_s, 2),
        "lock_s": longest[0],
        "lock_statements": longest[1],
        "transactions": held,
        "counts": preview.counts(),
        "status": batch.status,
        "error": batch.error[:500],
        "versions_2": Receivable.objects.filter(batch=batch, version=2).count(),
        "history_changes": Receivable.history.filter(
            history_type="~", history_change_reason=import_reason(batch)
        ).count(),
        "sql": sql.result(),
        "concurrent_writer": writer.result() if writer else None,
        "rss_before_mb": rss,
        "peak_rss_mb": peak_rss_mb(),
    }


CHILDREN = {"check": child_check, "commit": child_commit}


def spawn(args, name: str, **params) -> dict:
    """Run one measurement in a fresh interpreter; returns what it reported."""
    command = [sys.executable, __file__, "--child", name, "--db", args.db]
    if args.sqlite_path:
        command += ["--sqlite-path", args.sqlite_path]
    command += ["--params", json.dumps(params, default=str)]
    done = subprocess.run(command, capture_output=True, text=True)
    sys.stderr.write(done.stderr)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if done.returncode or not lines:
        raise SystemExit(f"{name} failed ({done.returncode}):\n{done.stdout[-3000:]}")
    return json.loads(lines[-1][len(RESULT_MARK) :])


def run(args) -> dict:
    from django.utils import timezone

    steps = prepare(args)
    path = import_file_path(args.seed)
    again = changed_file(path)
    report = {"file": {"path": str(again), "bytes": again.stat().st_size}}
    print("Importing the table as new rows (not measured) ...")
    earlier = (TODAY - dt.timedelta(days=7)).isoformat()
    first = spawn(args, "check", file=str(path), as_of=earlier)
    report["first_import"] = spawn(args, "commit", batch=first["batch"])
    report["first_import"]["check_s"] = first["check_s"]
    print("Checking and committing the version in which every row changed ...")
    for run_index in range(args.reps):
        check = spawn(args, "check", file=str(again), as_of=TODAY.isoformat())
        commit = spawn(args, "commit", batch=check["batch"], writer=args.writer)
        report.setdefault("runs", []).append({"check": check, "commit": commit})
        print(f"  run {run_index + 1}: commit {commit['commit_s']} s, lock {commit['lock_s']} s")
        if run_index + 1 < args.reps:  # the same change again: back to the first version
            cleanup()
            first = spawn(args, "check", file=str(path), as_of=earlier)
            spawn(args, "commit", batch=first["batch"])
    if args.profile:
        profile = Path(args.out) / f"receivables-update-{database_info()['vendor']}-profile.txt"
        profile.write_text(f"cProfile of the update commit, {timezone.now():%Y-%m-%d}\n")
        cleanup()
        first = spawn(args, "check", file=str(path), as_of=earlier)
        spawn(args, "commit", batch=first["batch"])
        check = spawn(args, "check", file=str(again), as_of=TODAY.isoformat())
        spawn(args, "commit", batch=check["batch"], profile=str(profile))
        report["profile"] = str(profile)
    cleanup()
    return {
        "date": timezone.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "source": source_info(args.code_label),
        "database": database_info(),
        "rows": row_counts(),
        "generation": steps,
        **report,
    }


def markdown(report: dict) -> str:
    db, info = report["database"], report["machine"]
    lines = [
        f"# Receivables update import — {db['vendor']}",
        "",
        f"- Run: {report['date']}; code: {report['source']['git']}",
        f"- Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, "
        f"Python {info['python']}, Django {info['django']}",
        f"- Database: {db['version']}; {report['rows']['Receivable']:,} receivables before "
        "the import",
        f"- File: {report['file']['path']} (every one of its 100,000 rows changed)",
        "",
        "| run | check | commit | longest transaction (lock held) | its statements "
        "| concurrent writer's longest wait |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for index, run_ in enumerate(report["runs"], 1):
        commit = run_["commit"]
        writer = commit.get("concurrent_writer") or {}
        wait = writer.get("longest_wait_s")
        lines.append(
            f"| {index} | {run_['check']['check_s']} s | {commit['commit_s']} s "
            f"| **{commit['lock_s']} s** | {commit['lock_statements']} "
            f"| {'—' if wait is None else f'{wait} s'} |"
        )
    last = report["runs"][-1]["commit"]
    lines += [
        "",
        f"Counts: {last['counts']}; status {last['status']}; rows at version 2 written by "
        f"this batch: {last['versions_2']:,}; "
        f"history entries of its changes: {last['history_changes']:,}; SQL {last['sql']}; peak RSS "
        f"{last['peak_rss_mb']} MB.",
        f"Transactions of the last commit (seconds, statements): {last['transactions']}.",
        f"First import (new rows, not the measure): commit {report['first_import']['commit_s']}"
        f" s, lock {report['first_import']['lock_s']} s.",
    ]
    if "profile" in report:
        lines += ["", f"cProfile output: {report['profile']}"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "env"], default="sqlite")
    parser.add_argument("--sqlite-path", help="another SQLite file")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reps", type=int, default=2, help="update commits measured")
    parser.add_argument("--profile", action="store_true", help="also cProfile one commit")
    parser.add_argument(
        "--no-writer", dest="writer", action="store_false", help="no concurrent writer"
    )
    parser.add_argument("--sqlite-analyze", action="store_true", help="ANALYZE SQLite first")
    parser.add_argument("--code-label", help="what code ran, when not a git checkout")
    parser.add_argument("--suffix", default="", help="appended to the results' file names")
    parser.add_argument("--out", default=str(BENCH_DIR / "results"), help="results folder")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        configure(args.db, args.sqlite_path, migrate=False)
        params = json.loads(args.params)
        if params.get("profile"):
            params["profile"] = Path(params["profile"])
        result = CHILDREN[args.child](params)
        print(RESULT_MARK + json.dumps(result, ensure_ascii=False, default=str))
        return 0
    configure(args.db, args.sqlite_path)
    report = run(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"receivables-update-{report['database']['vendor']}{args.suffix}"
    stem.with_suffix(".json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    )
    stem.with_suffix(".md").write_text(markdown(report))
    print(f"Written {stem}.md/.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
