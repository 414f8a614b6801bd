"""Load benchmark: Duban's pages and writes under concurrent users (not part of the test suite).

Serves Duban with ``duban serve`` (gunicorn, ``DUBAN_WORKERS`` workers) on a copy of the cockpit
benchmark's company and drives it with locust, headless, from ``bench/locustfile_duban.py``;
beside it, in the same run, a bare Django "hello" app (``bench/load_hello``) on the same gunicorn
with the same worker count and the same locust setup: the ceiling of the stack on this machine.

Phases, each with ``--users`` simulated users (16) that log in once through the login form:

1. ``hello``: the bare app's one view;
2. ``agenda``: ``/supervision/`` as supervisors (``duban1``–``duban3``);
3. ``mixed``: half supervisors, half leads: agenda, to-do, risk board, check-in and matter
   lists, the aging page, check-in results and payments recorded;
4. ``writes``: mostly writes, while ``duban import receivables`` of 100,000 rows runs in a
   subprocess; the writes that fail during the import are counted (a 503 "系统正在导入" is one).

    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_load.py --db sqlite
    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_load.py --db postgres
"""

import argparse
import datetime as dt
import functools
import json
import os
import platform
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench_supervision import database_info, source_info
from generate_supervision import BENCH_DIR

ROOT = BENCH_DIR.parent
VENV_BIN = Path(sys.executable).parent
RESULTS = BENCH_DIR / "results"
TODAY = dt.date(2026, 6, 30)  # the generated company's today, as the server's workers see it
PASSWORD = "bench-duban-2026"
NOTE = "bench-load"
SOURCE_SQLITE = "bench_cockpit.sqlite3"
SOURCE_POSTGRES = "duban_bench_cockpit"
LOAD_SQLITE = "bench_load.sqlite3"
LOAD_POSTGRES = "postgres://postgres@127.0.0.1:5432/duban_bench_load"
SUPERVISORS = ["duban1", "duban2", "duban3"]
WRITES = ("checkin_record", "payment_add")
GOALS = {"agenda_rps": 100.0, "agenda_p95_ms": 250.0, "agenda_errors": 0, "import_write_errors": 0}


@functools.cache
def data_dir() -> Path:
    """The benchmarks' folder (``DUBAN_DATA_DIR``, default bench/data): the source database."""
    path = Path(os.environ.setdefault("DUBAN_DATA_DIR", str(BENCH_DIR / "data"))).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_dir() -> Path:
    """This benchmark's own ``DUBAN_DATA_DIR`` (``load/`` in the benchmarks' folder): its
    database copy, static files, secret key, uploads and logs, apart from the other benchmarks
    that may run meanwhile."""
    path = data_dir() / "load"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- the database: a fresh copy of the cockpit benchmark's company for every run ----------------


def copy_sqlite(source: Path, target: Path) -> float:
    """Copy with SQLite's backup API (consistent even if someone reads the source)."""
    if not source.exists():
        raise SystemExit(
            f"{source} is missing: generate the company first with "
            "`DUBAN_DATA_DIR=bench/data .venv/bin/python bench/generate_company.py --db sqlite`"
        )
    began = time.perf_counter()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst, pages=65536)
    with sqlite3.connect(target) as dst:
        dst.execute("PRAGMA journal_mode=WAL")
    return time.perf_counter() - began


def copy_postgres(url: str, template: str) -> float:
    """DROP and CREATE the load database from the cockpit database as a template."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in ("duban", template, "postgres") or not name:
        raise SystemExit(f"refusing to replace the database {name!r}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    began = time.perf_counter()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        if not exists:
            raise SystemExit(
                f"database {template} is missing: generate the company first with "
                "`DUBAN_DATA_DIR=bench/data .venv/bin/python bench/generate_company.py "
                "--db postgres`"
            )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return time.perf_counter() - began


def prepare_database(args) -> dict:
    folder = data_dir()
    if args.db == "sqlite":
        target = load_dir() / LOAD_SQLITE
        seconds = copy_sqlite(folder / SOURCE_SQLITE, target)
        os.environ["DUBAN_DATABASE_URL"] = f"sqlite:///{target}"
        source = str(folder / SOURCE_SQLITE)
    else:
        os.environ["DUBAN_DATABASE_URL"] = args.url
        seconds = copy_postgres(args.url, SOURCE_POSTGRES)
        source = SOURCE_POSTGRES
    print(f"Copied {source} in {seconds:.1f} s")
    return {"copied_from": source, "copy_seconds": round(seconds, 1)}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    os.environ["DUBAN_HTTPS"] = "false"
    os.environ["DUBAN_DATA_DIR"] = str(load_dir())
    os.environ["DUBAN_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def targets(users: list[str], per_user: int) -> dict:
    """Records each user name may write to, disjoint between user names: open check-ins (today
    first, then the next days'; recording one needs no date) for supervisors, open receivables
    with at least 1,000 元 outstanding for leads."""
    from django.db.models import Case, IntegerField, Value, When

    from duban.org.models import User
    from duban.receivables.models import Receivable
    from duban.supervision.models import CheckIn

    taken: set[int] = set()
    checkins, receivables = {}, {}
    for name in dict.fromkeys(users):
        user = User.objects.get(username=name)
        if name.startswith("lead"):
            ids = (
                Receivable.objects.visible_to(user)
                .open()
                .filter(outstanding__gte=1000)
                .order_by("pk")
                .values_list("pk", flat=True)[:per_user]
            )
            receivables[name] = list(ids)
            continue
        today_first = Case(
            When(date=TODAY, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        ids = (
            CheckIn.objects.visible_to(user)
            .filter(status="planned", date__lte=TODAY + dt.timedelta(days=14))
            .exclude(pk__in=taken)
            .annotate(today_first=today_first)
            .order_by("today_first", "date", "pk")
            .values_list("pk", flat=True)[:per_user]
        )
        checkins[name] = list(ids)
        taken.update(checkins[name])
    return {"checkins": checkins, "receivables": receivables}


def import_file(vendor: str) -> Path:
    """The 100,000-row AR table of ``generate_receivables`` for this company (numbers new to
    it), written to a file of this benchmark's own."""
    import generate_receivables

    from duban.core.exporting import write_xlsx
    from duban.receivables.tables import EXPORT_COLUMNS

    path = load_dir() / f"receivables-import-100k-{vendor}.xlsx"
    if not path.exists():
        rows = generate_receivables.load_generator(2026).import_rows()
        partial = path.with_suffix(".tmp")
        with partial.open("wb") as target:
            write_xlsx(rows, EXPORT_COLUMNS, sheet="应收账表", target=target)
        partial.replace(path)
    return path


def verify_writes() -> dict:
    """What the database holds after the run: the benchmark's payments and recorded check-ins."""
    from duban.receivables.models import Payment
    from duban.supervision.models import CheckIn

    return {
        "payments": Payment.objects.filter(note=NOTE).count(),
        "checkins_recorded": CheckIn.objects.filter(status="done", findings=NOTE).count(),
    }


# --- servers -------------------------------------------------------------------------------------


def server_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.update(
        DUBAN_DATA_DIR=str(load_dir()),
        DUBAN_HTTPS="false",
        DUBAN_ALLOWED_HOSTS="127.0.0.1,localhost",
        DUBAN_DEBUG="false",
    )
    env.update(extra or {})
    return env


def start(argv: list[str], env: dict, log: Path, url: str, cwd: Path = ROOT) -> subprocess.Popen:
    out = log.open("w")
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{argv[0]} stopped ({process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    stop(process)
    raise SystemExit(f"{url} did not answer within 120 s; see {log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_duban(args, log: Path) -> subprocess.Popen:
    env = server_env(
        {
            "DUBAN_WORKERS": str(args.workers),
            "GUNICORN_CMD_ARGS": f"--config {BENCH_DIR / 'load_gunicorn_today.py'}",
            "BENCH_LOAD_TODAY": TODAY.isoformat(),
        }
    )
    argv = [str(VENV_BIN / "duban"), "serve", "--bind", f"127.0.0.1:{args.port}"]
    return start(argv, env, log, f"http://127.0.0.1:{args.port}/login/")


def serve_hello(args, log: Path) -> subprocess.Popen:
    """The bare Django app, with the arguments ``duban serve`` gives gunicorn."""
    argv = [sys.executable, "-m", "gunicorn", "load_hello.wsgi", "--chdir", str(BENCH_DIR)]
    argv += ["--bind", f"127.0.0.1:{args.port + 1}", "--workers", str(args.workers)]
    argv += ["--access-logfile", "-", "--timeout", "120", "--no-control-socket"]
    env = server_env({"DJANGO_SETTINGS_MODULE": "load_hello.settings"})
    return start(argv, env, log, f"http://127.0.0.1:{args.port + 1}/")


# --- locust ------------------------------------------------------------------------------------


def run_locust(args, name: str, mix: str, host: str, users: list[str], plan_extra: dict, seconds):
    """Start locust headless for ``mix``; returns (process, log path, plan path)."""
    folder = load_dir()
    log = folder / f"{args.vendor}-{name}-requests.jsonl"
    log.unlink(missing_ok=True)
    plan = {"mix": mix, "users": users, "password": PASSWORD, "today": TODAY.isoformat()}
    plan.update(note=NOTE, log=str(log), **plan_extra)
    plan_path = folder / f"{args.vendor}-{name}-plan.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    argv = [str(VENV_BIN / "locust"), "-f", str(BENCH_DIR / "locustfile_duban.py"), "--headless"]
    argv += ["-u", str(args.users), "-r", str(args.users), "-t", f"{seconds}s", "--host", host]
    argv += ["--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    argv += ["--stop-timeout", "10"]
    out = (folder / f"{args.vendor}-{name}-locust.log").open("w")
    env = dict(os.environ, BENCH_LOAD_PLAN=str(plan_path))
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process, log


def read_log(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def summarise(rows: list[dict], start: float, end: float, span: float | None = None) -> dict:
    """Per request name within [start, end): count, failures, req/s (over ``span`` seconds,
    by default end - start), latency percentiles."""
    span = max(span if span is not None else end - start, 1e-9)
    inside = [r for r in rows if start <= r["t"] < end]
    names = sorted({r["name"] for r in inside})
    result = {}
    for name in [*names, "all"]:
        mine = inside if name == "all" else [r for r in inside if r["name"] == name]
        times = sorted(r["ms"] for r in mine)
        failures = [r for r in mine if not r["ok"]]
        result[name] = {
            "requests": len(mine),
            "failures": len(failures),
            "failure_kinds": dict(Counter(r.get("error", "?") for r in failures).most_common(5)),
            "statuses": dict(Counter(str(r["status"]) for r in mine)),
            "rps": round(len(mine) / span, 1),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "p99_ms": round(percentile(times, 99), 1),
            "max_ms": round(times[-1], 1) if times else 0.0,
        }
    return result


def window(rows: list[dict], warmup: float) -> tuple[float, float]:
    """From the last login's end plus ``warmup`` seconds to the last request's start."""
    logins = [r["t"] + r["ms"] / 1000 for r in rows if r["name"] in ("login", "login_page")]
    others = [r["t"] for r in rows if r["name"] not in ("login", "login_page")]
    if not others:
        return 0.0, 0.0
    begin = max(logins) if logins else min(others)
    return begin + warmup, max(others)


def logged_in(log: Path, expected: int, process: subprocess.Popen, limit: float = 300) -> float:
    """Wait until ``expected`` logins were answered (or, with none expected, the first request);
    returns the time waited."""
    began = time.monotonic()
    while time.monotonic() - began < limit and process.poll() is None:
        rows = read_log(log)
        if expected and sum(r["name"] == "login" for r in rows) >= expected:
            break
        if not expected and rows:
            break
        time.sleep(0.5)
    return time.monotonic() - began


def finish(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # locust stops its users, prints its summary, exits
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def phase(args, name, mix, host, users, seconds, plan_extra=None) -> dict:
    """Run ``mix`` until every user logged in, then ``warmup`` + ``seconds`` more."""
    load_before = os.getloadavg()
    print(f"  {name}: {args.users} users, {seconds} s after the logins ...", flush=True)
    process, log = run_locust(args, name, mix, host, users, plan_extra or {}, seconds + 900)
    waited = logged_in(log, args.users if users else 0, process)
    time.sleep(args.warmup + seconds)
    load_during = os.getloadavg()
    finish(process)
    rows = read_log(log)
    begin, end = window(rows, args.warmup)
    return {
        "name": name,
        "mix": mix,
        "users": args.users,
        "user_names": users,
        "seconds": round(end - begin, 1),
        "logins_seconds": round(waited, 1),
        "load_before": [round(x, 2) for x in load_before],
        "load_end": [round(x, 2) for x in load_during],
        "stats": summarise(rows, begin, end),
        "logins": summarise(rows, 0, float("inf")).get("login", {}),
        "posted": posted(rows),
    }


def posted(rows: list[dict]) -> dict:
    """Writes answered 302 over the whole phase (the logins and warm-up included)."""
    return {name: sum(r["name"] == name and r["ok"] for r in rows) for name in WRITES}


def writes_phase(args, host, users, plan_extra, import_path: Path) -> dict:
    """Mostly writes; ``duban import receivables`` runs meanwhile in a subprocess, started
    ``import_delay`` seconds after the logins; the phase ends as long after the import."""
    load_before = os.getloadavg()
    print(f"  writes + import: {args.users} users ...", flush=True)
    process, log = run_locust(args, "writes", "writes", host, users, plan_extra, 1800)
    waited = logged_in(log, args.users, process)
    time.sleep(args.warmup + args.import_delay)
    # --skip-checks: without it `duban import` fails before it starts (its `check` method
    # shadows BaseCommand.check, which execute() calls with other arguments)
    argv = [str(VENV_BIN / "duban"), "import", "receivables", str(import_path)]
    argv += ["--as-of", TODAY.isoformat(), "--user", "admin", "--skip-checks"]
    import_log = load_dir() / f"{args.vendor}-import.log"
    began = time.time()
    with import_log.open("w") as out:
        result = subprocess.run(
            argv, cwd=ROOT, env=server_env(), stdout=out, stderr=subprocess.STDOUT
        )
    ended = time.time()
    print(f"    import: rc {result.returncode} in {ended - began:.1f} s", flush=True)
    time.sleep(args.import_delay)
    load_during = os.getloadavg()
    finish(process)
    rows = read_log(log)
    begin, end = window(rows, args.warmup)
    output = import_log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return {
        "name": "writes",
        "mix": "writes",
        "users": args.users,
        "user_names": users,
        "seconds": round(end - begin, 1),
        "logins_seconds": round(waited, 1),
        "load_before": [round(x, 2) for x in load_before],
        "load_end": [round(x, 2) for x in load_during],
        "import": {
            "argv": " ".join(["duban", *argv[1:]]),
            "returncode": result.returncode,
            "seconds": round(ended - began, 1),
            "output_tail": output[-5:],
            "starts_after_s": round(began - begin, 1),
        },
        "stats": summarise(rows, begin, end),
        "during_import": summarise(rows, began, ended),
        "outside_import": summarise(
            [r for r in rows if not began <= r["t"] < ended],
            begin,
            end,
            span=(end - begin) - (min(ended, end) - max(began, begin)),
        ),
        "logins": summarise(rows, 0, float("inf")).get("login", {}),
        "posted": posted(rows),
    }


# --- one request at a time, in process: queries and a profile --------------------------------


PROFILED = [  # (name, URL, user name)
    ("agenda", "/supervision/", "duban1"),
    ("agenda", "/supervision/", "duban3"),
    ("todo", "/supervision/todo/", "lead01"),
    ("risk_board", "/supervision/board/", "duban1"),
    ("checkin_list", "/supervision/checkins/", "duban1"),
    ("matter_list", "/supervision/matters/", "lead01"),
    ("aging", "/receivables/aging/", "duban1"),
    ("aging", "/receivables/aging/", "lead01"),
]


def profile_pages(vendor: str, reps: int = 5) -> Path:
    """Each page alone through ``django.test.Client`` (forced login, today patched): p50 of
    ``reps``, the number of queries and the SQL time; then cProfile of the agenda and of the
    slowest page. Written to ``bench/results/load-<vendor>-profile.txt``."""
    import cProfile
    import io
    import pstats
    from unittest import mock

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from duban.org.models import User
    from duban.receivables.models import Receivable
    from duban.supervision.models import CheckIn

    original = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else original(value, timezone)

    duban1 = User.objects.get(username="duban1")
    lead01 = User.objects.get(username="lead01")
    checkin = CheckIn.objects.visible_to(duban1).filter(date=TODAY).first()
    receivable = Receivable.objects.visible_to(lead01).open().first()
    pages = [
        *PROFILED,
        ("checkin_detail", f"/supervision/checkins/{checkin.pk}/", "duban1"),
        ("receivable_detail", f"/receivables/{receivable.pk}/", "lead01"),
    ]
    clients = {}
    lines, timings = [], []
    with mock.patch("django.utils.timezone.localdate", localdate):
        for name, url, username in pages:
            if username not in clients:
                clients[username] = Client()
                clients[username].force_login(User.objects.get(username=username))
            client = clients[username]
            client.get(url)  # warm-up
            times = []
            for _ in range(reps):
                began = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
            timings.append((statistics.median(times), name, url, username))
            lines.append(
                f"{name:18} {username:7} {url:32} status {response.status_code}  "
                f"p50 {statistics.median(times):7.1f} ms  {len(queries):3} queries  "
                f"SQL {sql_ms:6.1f} ms"
            )
        slowest = max(timings)
        targets_ = [("/supervision/", "duban1")]
        if slowest[2] != "/supervision/":
            targets_.append((slowest[2], slowest[3]))
        for url, username in targets_:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(3):
                clients[username].get(url)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs()
            stats.sort_stats("cumulative").print_stats(45)
            lines += ["", f"=== cProfile of 3 × GET {url} as {username} (cumulative) ===", ""]
            lines += out.getvalue().splitlines()
    path = RESULTS / f"load-{vendor}-profile.txt"
    header = [
        f"bench_load.py --profile, {vendor}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"load average {[round(x, 2) for x in os.getloadavg()]}",
        f"one request at a time in process (django.test.Client), today = {TODAY}; "
        f"p50 of {reps} after a warm-up",
        "",
    ]
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"Written {path}")
    return path


# --- the run -----------------------------------------------------------------------------------


def versions() -> dict:
    from importlib.metadata import version

    import django

    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": version("gunicorn"),
        "locust": version("locust"),
    }


def run(args) -> dict:
    load_start = os.getloadavg()
    began = time.perf_counter()
    copy = prepare_database(args)
    setup_django()
    from django.db import connections

    supervisors = [SUPERVISORS[i % len(SUPERVISORS)] for i in range(args.users)]
    leads = [f"lead{i + 1:02d}" for i in range(args.users // 2)]
    mixed_users = [name for pair in zip(supervisors, leads, strict=False) for name in pair]
    plan = targets([*SUPERVISORS, *leads], args.per_user)
    path = import_file(args.vendor)
    info = {"database": database_info(), "source": source_info(args.code_label)}
    connections.close_all()

    folder = load_dir()
    phases = []
    print("Bare Django hello app ...", flush=True)
    hello = serve_hello(args, folder / f"{args.vendor}-hello-server.log")
    try:
        phases.append(
            phase(
                args, "hello", "hello", f"http://127.0.0.1:{args.port + 1}", [], args.hello_seconds
            )
        )
    finally:
        stop(hello)
    print("Duban (duban serve) ...", flush=True)
    server = serve_duban(args, folder / f"{args.vendor}-server.log")
    host = f"http://127.0.0.1:{args.port}"
    try:
        phases.append(phase(args, "agenda", "agenda", host, supervisors, args.agenda_seconds))
        phases.append(phase(args, "mixed", "mixed", host, mixed_users, args.mixed_seconds, plan))
        # the mixed phase used the first records; the writes phase takes the ones after
        rest = {
            kind: {name: ids[len(ids) // 3 :] for name, ids in by_name.items()}
            for kind, by_name in plan.items()
        }
        phases.append(writes_phase(args, host, mixed_users, rest, path))
    finally:
        stop(server)
    written = verify_writes()
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "today": TODAY.isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
        },
        "versions": versions(),
        **info,
        "database_copy": copy,
        "workers": args.workers,
        "users": args.users,
        "warmup_seconds": args.warmup,
        "goals": GOALS,
        "phases": phases,
        "written": written,
        "elapsed_seconds": round(time.perf_counter() - began, 1),
    }


def by_name(report: dict, name: str) -> dict:
    return next(p for p in report["phases"] if p["name"] == name)


def verdicts(report: dict) -> list[dict]:
    hello = by_name(report, "hello")["stats"]["hello"]
    agenda = by_name(report, "agenda")["stats"].get("agenda", {})
    writes = by_name(report, "writes")
    during = writes["during_import"]
    write_requests = sum(during.get(n, {}).get("requests", 0) for n in WRITES)
    write_errors = sum(during.get(n, {}).get("failures", 0) for n in WRITES)
    busy = sum(during.get(n, {}).get("statuses", {}).get("503", 0) for n in WRITES)
    imported = writes["import"]
    rps, p95 = agenda.get("rps", 0), agenda.get("p95_ms", 0)
    return [
        {
            "goal": f"agenda throughput at {report['users']} users",
            "value": f"{agenda.get('rps', 0):.1f} req/s",
            "limit": "≥ 100 req/s",
            "baseline": f"hello {hello['rps']:.1f} req/s ({rps / hello['rps']:.3f}×)",
            "met": agenda.get("rps", 0) >= GOALS["agenda_rps"],
        },
        {
            "goal": "agenda p95",
            "value": f"{agenda.get('p95_ms', 0):.0f} ms",
            "limit": "≤ 250 ms",
            "baseline": f"hello {hello['p95_ms']:.1f} ms ({p95 / max(hello['p95_ms'], 0.1):.0f}×)",
            "met": agenda.get("p95_ms", 1e9) <= GOALS["agenda_p95_ms"],
        },
        {
            "goal": "agenda errors",
            "value": f"{agenda.get('failures', 0)} of {agenda.get('requests', 0)}",
            "limit": "0",
            "baseline": f"hello {hello['failures']} of {hello['requests']}",
            "met": agenda.get("failures", 1) == 0 and agenda.get("requests", 0) > 0,
        },
        {
            "goal": "writes failed while the import ran",
            "value": f"{write_errors} of {write_requests} ({busy} × 503 系统正在导入)",
            "limit": "0",
            "baseline": f"import {imported['seconds']} s, exit code {imported['returncode']}",
            "met": write_errors == 0 and write_requests > 0,
        },
    ]


def stats_table(stats: dict, hello: dict | None = None) -> list[str]:
    lines = ["| request | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |"]
    lines.append("|---|--:|--:|--:|--:|--:|--:|--:|")
    for name, s in stats.items():
        label = f"**{name}**" if name == "all" else name
        lines.append(
            f"| {label} | {s['requests']} | {s['failures']} | {s['rps']:.1f} | {s['p50_ms']:.1f} "
            f"| {s['p95_ms']:.1f} | {s['p99_ms']:.1f} | {s['max_ms']:.1f} |"
        )
    failures = {k: v for s in stats.values() for k, v in s["failure_kinds"].items()}
    if failures:
        lines += ["", "Failures: " + "; ".join(f"`{k}` × {v}" for k, v in failures.items())]
    return lines


def markdown(report: dict) -> str:
    vendor = report["database"]["vendor"]
    hello = by_name(report, "hello")["stats"]["hello"]
    m = report["machine"]
    lines = [
        f"# Load: pages and writes under concurrent users ({vendor})",
        "",
        f"Generated by `bench/bench_load.py` on {report['date']} (pages see today = "
        f"{report['today']}). {m['cpus']} CPUs, {m['platform']}; Python "
        f"{report['versions']['python']}, Django {report['versions']['django']}, gunicorn "
        f"{report['versions']['gunicorn']} ({report['workers']} workers), locust "
        f"{report['versions']['locust']} (one process, FastHttpUser, no think time) on the same "
        f"machine; {report['database']['version']}, "
        f"{report['database']['size_bytes'] / 2**20:,.0f} MiB (a copy of "
        f"`{report['database_copy']['copied_from']}`). Code: {report['source']['git']} "
        f"(`{report['source']['duban_path']}`).",
        "",
        f"Load average (1/5/15 min) at the start: {m['load_average_start']}, at the end: "
        f"{m['load_average_end']}; other work may have run meanwhile.",
        "",
        "## Goals",
        "",
        "| goal | value | limit | same run | met |",
        "|---|--:|--:|---|---|",
    ]
    for v in verdicts(report):
        met = "met" if v["met"] else "**NOT met**"
        lines.append(f"| {v['goal']} | {v['value']} | {v['limit']} | {v['baseline']} | {met} |")
    for p in report["phases"]:
        lines += [
            "",
            f"## Phase `{p['name']}`",
            "",
            f"{p['users']} users, measured over {p['seconds']} s (after the logins and "
            f"{report['warmup_seconds']} s; the {p['users']} logins took {p['logins_seconds']} s, "
            f"login p95 {p['logins'].get('p95_ms', 0):.0f} ms); load average before "
            f"{p['load_before']}, at the end {p['load_end']}.",
        ]
        if p["name"] != "hello":
            lines.append(f"User names: {', '.join(sorted(set(p['user_names'])))}.")
        lines += [""]
        lines += stats_table(p["stats"])
        if p["name"] == "agenda" and "agenda" in p["stats"]:
            agenda = p["stats"]["agenda"]
            lines += [
                "",
                f"Against the hello app ({hello['rps']:.1f} req/s, p95 {hello['p95_ms']:.1f} ms): "
                f"{agenda['rps'] / hello['rps']:.3f}× the throughput, "
                f"{agenda['p95_ms'] / max(hello['p95_ms'], 0.1):.1f}× the p95.",
            ]
        if p["name"] == "writes":
            imp = p["import"]
            lines += [
                "",
                f"### During the import ({imp['seconds']} s, from {imp['starts_after_s']} s into "
                f"the window; `{imp['argv']}`, exit code {imp['returncode']})",
                "",
            ]
            lines += stats_table(p["during_import"])
            lines += ["", "Outside the import:", ""]
            lines += stats_table(p["outside_import"])
            tail = " / ".join(imp["output_tail"])
            lines += ["", f"Import output (last lines): {tail}"]
    w = report["written"]
    lines += [
        "",
        f"Written, counted in the database afterwards: {w['payments']} payments and "
        f"{w['checkins_recorded']} check-in results by the benchmark.",
    ]
    if all("posted" in p for p in report["phases"]):
        payments = sum(p["posted"]["payment_add"] for p in report["phases"])
        checkins = sum(p["posted"]["checkin_record"] for p in report["phases"])
        lines.append(
            f"Posts answered 302 over the whole phases (logins and warm-ups included): "
            f"{payments} payments, {checkins} check-in results."
        )
    lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--url", default=LOAD_POSTGRES, help="the PostgreSQL load database")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="as DUBAN_WORKERS' default")
    parser.add_argument("--port", type=int, default=8361, help="Duban; the hello app: port + 1")
    parser.add_argument("--hello-seconds", type=int, default=20)
    parser.add_argument("--agenda-seconds", type=int, default=45)
    parser.add_argument("--mixed-seconds", type=int, default=45)
    parser.add_argument("--import-delay", type=float, default=10, help="seconds before/after")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--per-user", type=int, default=600, help="records per user name")
    parser.add_argument(
        "--profile", action="store_true", help="then profile the pages one at a time"
    )
    parser.add_argument(
        "--profile-only",
        action="store_true",
        help="only profile, on the load database the last run left (no copy, no load)",
    )
    parser.add_argument("--rerender", help="write the .md again from this results .json")
    parser.add_argument("--code-label")
    parser.add_argument("--out", help="results stem (default bench/results/load-<vendor>)")
    args = parser.parse_args(argv)
    args.vendor = "postgresql" if args.db == "postgres" else "sqlite"
    if args.rerender:
        report = json.loads(Path(args.rerender).read_text(encoding="utf-8"))
        Path(args.rerender).with_suffix(".md").write_text(markdown(report), encoding="utf-8")
        return 0
    if args.profile_only:
        os.environ["DUBAN_DATABASE_URL"] = (
            f"sqlite:///{load_dir() / LOAD_SQLITE}" if args.db == "sqlite" else args.url
        )
        setup_django()
        profile_pages(args.vendor)
        return 0
    report = run(args)
    stem = Path(args.out) if args.out else RESULTS / f"load-{args.vendor}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    stem.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    for v in verdicts(report):
        print(f"  {v['goal']}: {v['value']} (limit {v['limit']}; {v['baseline']})", end=" ")
        print("met" if v["met"] else "NOT met")
    print(f"Written {stem}.md/.json in {report['elapsed_seconds']} s.")
    if args.profile:
        profile_pages(args.vendor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
