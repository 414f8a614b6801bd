"""Benchmark the supervision pages on a large company (not part of the test suite).

For a supervisor and a lead, measures the server time of 今日督办 (/supervision/), 我的待办
(/supervision/todo/) and the risk board (/supervision/board/) through django.test.Client, and
beside it the time of the very SQL each page issues, re-executed directly on the connection.

    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_supervision.py --db sqlite
    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_supervision.py --db postgres

The database is generated (bench/generate_supervision.py) when it is empty. Results go to
bench/results/supervision-<vendor>.md and .json.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from unittest import mock

from generate_supervision import BENCH_DIR, TODAY, configure, generate, is_empty, row_counts

GOAL_PAGE = "agenda"
GOAL_P95_MS = 50.0
PAGES = [
    # (name, url name, who)
    ("agenda", "supervision:agenda", "supervisor"),
    ("todo", "supervision:todo", "lead"),
    ("risk_board", "supervision:risk_board", "supervisor"),
]
PER_QUERY_REPS = 15
EXPLAIN_TOP = 2  # EXPLAIN the slowest queries of each page


def percentile(values: list[float], pct: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def summary(values: list[float]) -> dict:
    return {
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "min": round(min(values), 2),
        "mean": round(statistics.fmean(values), 2),
    }


def run_sql(statements: list[str]) -> int:
    """Execute each statement on the connection and fetch all its rows; returns the rows."""
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            rows += len(cursor.fetchall())
    return rows


def repeated_shapes(statements: list[str]) -> list[dict]:
    """Statements that differ only in their literals and run more than once: N+1 suspects."""
    shapes = Counter()
    example = {}
    for sql in statements:
        shape = re.sub(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b", "?", sql)
        shapes[shape] += 1
        example.setdefault(shape, sql)
    return [
        {"count": count, "sql": example[shape]}
        for shape, count in shapes.most_common()
        if count > 1
    ]


def source_info(label: str | None) -> dict:
    """Which duban code ran: its folder, and the repository's commit when it is a checkout."""
    import duban

    folder = Path(duban.__file__).resolve().parent
    info = {"duban_path": str(folder)}
    if label:
        info["git"] = label
        return info
    try:
        head = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(folder), "status", "--porcelain", "--", "."],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        info["git"] = "not a git checkout (e.g. a git archive snapshot on PYTHONPATH)"
    else:
        info["git"] = head + (" with uncommitted changes" if dirty else "")
    return info


def timed(func, *args) -> float:
    began = time.perf_counter()
    func(*args)
    return (time.perf_counter() - began) * 1000


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            rows = cursor.fetchall()
            depth = {0: -1}
            lines = []
            for node, parent, _unused, detail in rows:
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + detail)
            return "\n".join(lines)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def database_info() -> dict:
    from django.db import connection

    info = {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"])}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            info["version"] = "SQLite " + cursor.fetchone()[0]
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            info["size_bytes"] = pages * cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            info["analyzed"] = bool(cursor.fetchone()[0])
        else:
            cursor.execute("SELECT version()")
            info["version"] = cursor.fetchone()[0]
            cursor.execute("SELECT pg_database_size(current_database())")
            info["size_bytes"] = cursor.fetchone()[0]
            info["analyzed"] = True
    return info


def prepare(args) -> dict | None:
    """Generate the data if the database is empty; collect static files for the templates."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    # the generation's timings are kept beside the data, to report them on later runs too
    record = Path(settings.DATA_DIR) / (
        f"generation-{connection.vendor}-{Path(str(connection.settings_dict['NAME'])).stem}.json"
    )
    if is_empty():
        began = timezone.now()
        steps = {"seconds": generate(seed=args.seed, lines=args.lines), "seed": args.seed}
        steps["at"] = began.isoformat(timespec="seconds")
        record.write_text(json.dumps(steps) + "\n")
    else:
        steps = json.loads(record.read_text()) if record.exists() else None
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        print("Collecting static files (the manifest storage needs them) ...")
        call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # what autovacuum does on a live server: fresh statistics and visibility map
            cursor.execute("VACUUM ANALYZE")
        elif args.sqlite_analyze:
            cursor.execute("ANALYZE")
    return steps


def bench_users() -> dict:
    from duban.org.choices import Role
    from duban.org.models import Team, User

    supervisors = User.objects.filter(role=Role.SUPERVISOR).order_by("pk")
    supervisor = max(
        supervisors, key=lambda u: Team.objects.filter(line__supervisors=u).distinct().count()
    )
    lead = User.objects.filter(role=Role.LEAD).order_by("username").first()
    return {"supervisor": supervisor, "lead": lead}


def page_items(name: str, user) -> dict:
    """How many rows each section of the page lists (the size of what is rendered)."""
    from duban.supervision import selectors

    if name == "agenda":
        context = selectors.agenda(user, TODAY)
    elif name == "todo":
        context = selectors.todo(user, TODAY)
    else:
        board = selectors.risk_board(user)
        cells = [cell for _, row in board["rows"] for cell in row]
        return {
            "rows": len(board["rows"]),
            "active_red": sum(c.red for c in cells),
            "active_yellow": sum(c.yellow for c in cells),
        }
    # counts and dates (new_risks_since) as they are, lists by their length
    return {key: len(v) if hasattr(v, "__len__") else v for key, v in context.items()}


def measure_page(name, url, user, args) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    for _ in range(args.warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} as {user.username}: HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    statements = [q["sql"] for q in captured.captured_queries]
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    if len(selects) != len(statements):
        print(f"  {name}: {len(statements) - len(selects)} non-SELECT statements not replayed")
    for _ in range(args.warmup):
        run_sql(selects)

    from duban.supervision import selectors

    page_ms, sql_ms, selector_ms = [], [], []
    selector = getattr(selectors, name)

    def timed_selector(*args, **kwargs):
        began = time.perf_counter()
        try:
            return selector(*args, **kwargs)
        finally:
            selector_ms.append((time.perf_counter() - began) * 1000)

    with mock.patch.object(selectors, name, timed_selector):
        for _ in range(args.reps):  # alternate, so both see the same machine state
            page_ms.append(timed(client.get, url))
            sql_ms.append(timed(run_sql, selects))

    per_query = []
    for sql in selects:
        run_sql([sql])
        times = [timed(run_sql, [sql]) for _ in range(PER_QUERY_REPS)]
        per_query.append({"p50_ms": round(statistics.median(times), 3), "sql": sql})
    with connection.cursor() as cursor:
        for entry in per_query:
            cursor.execute(entry["sql"])
            entry["rows"] = len(cursor.fetchall())
    per_query.sort(key=lambda e: e["p50_ms"], reverse=True)
    for entry in per_query[:EXPLAIN_TOP]:
        entry["plan"] = explain(entry["sql"])

    page, direct = summary(page_ms), summary(sql_ms)
    return {
        "name": name,
        "url": url,
        "user": user.username,
        "role": user.role,
        "bytes": len(response.content),
        "queries": len(statements),
        "page_ms": page,
        "sql_ms": direct,
        "ratio_p50": round(page["p50"] / direct["p50"], 1) if direct["p50"] else None,
        # the view's selector: its queries plus building the model instances it lists
        "selector_ms": summary(selector_ms),
        "items": page_items(name, user),
        "repeated_queries": repeated_shapes(statements),
        "top_queries": per_query[:5],
    }


def localdate_today(value=None, timezone=None, _original=None):
    """timezone.localdate() is TODAY; a conversion of a given datetime is left alone."""
    if value is None:
        return TODAY
    return _original(value, timezone)


def run(args) -> dict:
    import django
    from django.urls import reverse
    from django.utils import timezone

    steps = prepare(args)
    users = bench_users()
    original = timezone.localdate
    results = []
    with mock.patch(
        "django.utils.timezone.localdate",
        side_effect=lambda value=None, timezone=None: localdate_today(value, timezone, original),
    ):
        for name, url_name, who in PAGES:
            url = reverse(url_name)
            print(f"Measuring {url} as {users[who].username} ({args.reps} repetitions) ...")
            results.append(measure_page(name, url, users[who], args))

    agenda = next(page for page in results if page["name"] == GOAL_PAGE)
    return {
        "date": timezone.now().isoformat(timespec="seconds"),
        "today": TODAY.isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "django": django.get_version(),
        },
        "source": source_info(args.code_label),
        "database": database_info(),
        "repetitions": args.reps,
        "warmups": args.warmup,
        "rows": row_counts(),
        "generation": steps,
        "goal": {
            "page": GOAL_PAGE,
            "p95_ms_max": GOAL_P95_MS,
            "p95_ms": agenda["page_ms"]["p95"],
            "met": agenda["page_ms"]["p95"] <= GOAL_P95_MS,
        },
        "pages": results,
    }


def markdown(report: dict) -> str:
    db, machine, goal = report["database"], report["machine"], report["goal"]
    verdict = "met" if goal["met"] else "NOT met"
    lines = [
        f"# Supervision pages benchmark — {db['vendor']}",
        "",
        f"- Run: {report['date']}; pages see today = {report['today']}",
        f"- Machine: {machine['cpus']} CPUs, {machine['platform']}, Python {machine['python']}, "
        f"Django {machine['django']}",
        f"- Code: duban from {report['source']['duban_path']} ({report['source']['git']})",
        f"- Database: {db['version']} ({db['size_bytes'] / 2**20:,.0f} MiB"
        f"{', ANALYZEd' if db['analyzed'] else ', no ANALYZE statistics'})",
        f"- {report['repetitions']} repetitions after {report['warmups']} warm-ups; page time is "
        "the server time through django.test.Client; direct SQL is the page's own queries "
        "re-executed on connection.cursor() with all rows fetched; selector is the time of "
        "the view's call to duban.supervision.selectors (its queries and model instances), "
        "the rest of the page time being templates, middleware, session and user",
        f"- Goal: {goal['page']} p95 ≤ {goal['p95_ms_max']:g} ms — **{verdict}** "
        f"({goal['p95_ms']:.1f} ms)",
        "",
        "| page | user | queries | page p50 | page p95 | SQL p50 | SQL p95 | page/SQL p50 "
        "| selector p50 | HTML |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for page in report["pages"]:
        p, s = page["page_ms"], page["sql_ms"]
        lines.append(
            f"| `{page['url']}` | {page['user']} ({page['role']}) | {page['queries']} "
            f"| {p['p50']:.1f} ms | {p['p95']:.1f} ms | {s['p50']:.1f} ms | {s['p95']:.1f} ms "
            f"| {page['ratio_p50']}× | {page['selector_ms']['p50']:.1f} ms "
            f"| {page['bytes'] / 1024:,.0f} KiB |"
        )
    lines += ["", "## Rows", "", "| model | rows |", "|---|--:|"]
    lines += [f"| {model} | {count:,} |" for model, count in report["rows"].items()]
    if report["generation"]:
        gen = report["generation"]
        steps = ", ".join(f"{k} {v} s" for k, v in gen["seconds"].items())
        lines += ["", f"Generated (seed {gen['seed']}) at {gen['at']}: {steps}."]
    for page in report["pages"]:
        items = ", ".join(f"{k} {v}" for k, v in page["items"].items())
        lines += ["", f"## `{page['url']}` ({page['name']})", "", f"Listed: {items}.", ""]
        for entry in page["repeated_queries"]:
            lines.append(f"Repeated {entry['count']}× (N+1?): `{entry['sql'][:300]}…`")
            lines.append("")
        lines += ["Slowest queries (p50 each, re-executed alone):", ""]
        for entry in page["top_queries"]:
            lines.append(f"- {entry['p50_ms']:.2f} ms, {entry['rows']} rows: `{entry['sql']}`")
        for entry in page["top_queries"]:
            if "plan" in entry:
                lines += ["", f"Plan of the {entry['p50_ms']:.2f} ms query:", "", "```"]
                lines += [entry["plan"], "```"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres", "env"],
        default="sqlite",
        help="sqlite: DATA_DIR/bench_supervision.sqlite3; postgres: DUBAN_DATABASE_URL or "
        "postgres://postgres@127.0.0.1:5432/duban_bench; env: DUBAN_DATABASE_URL as is",
    )
    parser.add_argument("--sqlite-path", help="another SQLite file")
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--lines", type=int, default=4, help="business lines when generating")
    parser.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="run ANALYZE on SQLite first (Duban itself never does; PostgreSQL is always "
        "VACUUM ANALYZEd, as autovacuum would)",
    )
    parser.add_argument(
        "--code-label", help="what code ran, when not a git checkout (e.g. 'snapshot of 97aba3d')"
    )
    parser.add_argument("--out", default=str(BENCH_DIR / "results"), help="results folder")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    configure(args.db, args.sqlite_path)
    report = run(args)
    report["seconds"] = round(time.perf_counter() - began, 1)

    from django.db import connection

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"supervision-{connection.vendor}"
    stem.with_suffix(".json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    )
    stem.with_suffix(".md").write_text(markdown(report))

    print(f"\n{report['database']['version'].split(' on ')[0]}, {os.cpu_count()} CPUs")
    print(f"{'page':<12}{'queries':>8}{'p50':>9}{'p95':>9}{'SQL p50':>9}{'SQL p95':>9}{'ratio':>7}")
    for page in report["pages"]:
        p, s = page["page_ms"], page["sql_ms"]
        print(
            f"{page['name']:<12}{page['queries']:>8}{p['p50']:>9.1f}{p['p95']:>9.1f}"
            f"{s['p50']:>9.1f}{s['p95']:>9.1f}{page['ratio_p50']:>6}×"
        )
    goal = report["goal"]
    print(
        f"Goal {goal['page']} p95 ≤ {goal['p95_ms_max']:g} ms: "
        f"{'met' if goal['met'] else 'NOT met'} ({goal['p95_ms']:.1f} ms). "
        f"Written {stem}.md/.json in {report['seconds']} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
