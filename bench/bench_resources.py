"""Benchmark resources at a large company's size: the big table's import and the pages (not a test).

On 10,000,000 resources on PostgreSQL (1,000,000 on SQLite; bench/generate_resources.py),
measures:

1. the bare read of the 200,000-row weekly big table (xlsx) with python-calamine, the baseline;
2. our import of that file as a user does it: ``import_stage`` + ``import_check`` (the preview)
   + ``import_commit`` (verify, then write), with ``table_importer`` as the supervisor of the
   first line, whose teams the table's 业务员 (owner) column names;
3. the resource list /resources/ as that supervisor and as a lead, with filters and second
   pages (``?after=``): p50/p95, queries per page, and whether any COUNT(*) is issued;
4. days of cover: ``selectors.cover`` over all 50 teams and /resources/cover/;
5. the hand-over board /resources/handovers/.

Every measurement runs in a fresh child process, so each peak RSS is its own.

    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_resources.py --db sqlite
    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_resources.py --db postgres

The database is generated when it is empty. Results go to bench/results/resources-<vendor>.md
and .json (and resources-<vendor>-profile.txt with --profile).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

from bench_receivables import (
    RESULT_MARK,
    SqlTimer,
    Timers,
    child_calamine,
    current_rss_mb,
    machine,
    package_versions,
    peak_rss_mb,
    profiled,
)
from bench_supervision import database_info, explain, percentile, repeated_shapes, source_info
from generate_resources import (
    BENCH_DIR,
    CATEGORY_NAMES,
    IMPORT_ROWS,
    ORIGINAL_FIELDS,
    SOURCES,
    TODAY,
    configure,
    generate,
    import_file_path,
    import_user,
    is_empty,
    originals_path,
    row_counts,
    write_import_file,
)

GOALS = {
    "import_seconds": 12.0,  # stage + check + commit of the 200k-row big table
    "import_vs_calamine": 6.0,  # ... at most this many times the bare calamine read
    "list_p95_ms": 150.0,  # /resources/ at 10M rows (PostgreSQL)
    "cover_ms": 300.0,  # selectors.cover over all 50 teams
    "cover_page_ms": 300.0,  # /resources/cover/: no limit of its own given, the selector's
    "board_p95_ms": 100.0,  # /resources/handovers/
}
PER_QUERY_REPS = 3  # each query of a page re-executed alone this many times (median)
COUNT_SQL = re.compile(r"\bCOUNT\s*\(", re.IGNORECASE)
MB = 1_000_000


def summary(values: list[float]) -> dict:
    return {
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def localdate_patch():
    """timezone.localdate() is TODAY; a conversion of a given datetime is left alone. A plain
    function, not a Mock: the importer calls it for every row, and a Mock's bookkeeping of
    200,000 calls would be timed as the import's."""
    from django.utils import timezone

    original = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else original(value, timezone)

    return mock.patch("django.utils.timezone.localdate", new=localdate)


# --- 2. the import ---------------------------------------------------------------------------


def instrument(importer, timers: Timers) -> None:
    """Time the steps of Importer.preview on this importer (read = the file to a table)."""
    importer.read = timers.wrap("read_table", importer.read)
    importer.check_duplicates = timers.wrap("duplicates", importer.check_duplicates)
    importer.compare = timers.wrap("compare", importer.compare)


def child_import_check(params: dict) -> dict:
    from django.db import connection

    from duban.core.services import import_check, import_stage
    from duban.resources.importers import table_importer
    from duban.resources.supervised import RESOURCE_TABLE

    user = import_user()
    path = Path(params["file"])
    data = path.read_bytes()  # the upload view has the bytes in memory too
    rss, peak = current_rss_mb(), peak_rss_mb()
    timers, sql = Timers(), SqlTimer()

    def run():
        began = time.perf_counter()
        batch = import_stage(
            data=data,
            filename=path.name,
            kind=RESOURCE_TABLE.name,
            by=user,
            options={"as_of": TODAY.isoformat()},  # what the upload form adds
        )
        staged = time.perf_counter()
        importer = table_importer(user, batch.options)
        instrument(importer, timers)
        importer.preview = timers.wrap("preview", importer.preview)
        preview = import_check(importer=importer, batch=batch)
        return batch, preview, staged - began, time.perf_counter() - staged

    with localdate_patch(), connection.execute_wrapper(sql):
        batch, preview, stage_s, check_s = profiled(run, params.get("profile"), "import_check")
    split = timers.rounded()
    known = sum(timers.get(k, 0.0) for k in ("read_table", "duplicates", "compare"))
    split["parse_validate"] = round(timers["preview"] - known, 2)
    split["keep_rows_and_record"] = round(check_s - timers["preview"], 2)
    return {
        "batch": batch.pk,
        "stage_s": round(stage_s, 2),
        "check_s": round(check_s, 2),
        "check_split": split,
        "counts": preview.counts(),
        "first_errors": [str(e) for e in preview.errors[:5]],
        "notes": preview.notes,
        "ignored_headers": preview.ignored_headers,
        "sql": sql.result(),
        "rss_before_mb": rss,
        "peak_before_mb": peak,
        "rss_after_mb": timers.rss,
        "peak_rss_mb": peak_rss_mb(),
    }


def child_import_commit(params: dict) -> dict:
    from django.db import connection
    from django.db.models import Count, Q

    from duban.core import importing
    from duban.core.models import ImportBatch
    from duban.core.services import import_commit
    from duban.resources import importers
    from duban.resources.importers import ResourceImporter, table_importer
    from duban.resources.models import Resource

    user = import_user()
    batch = ImportBatch.objects.get(pk=params["batch"])
    rss, peak = current_rss_mb(), peak_rss_mb()
    timers, sql = Timers(), SqlTimer()

    def run():
        began = time.perf_counter()
        importer = table_importer(user, batch.options)
        instrument(importer, timers)
        importer.preview = timers.wrap("preview", importer.preview)  # only without kept rows
        importer.refusal = timers.wrap("refusal", importer.refusal)
        importer.write = timers.wrap("write", importer.write)
        patches = [
            mock.patch.object(
                ResourceImporter, "write", timers.wrap("write_rows", ResourceImporter.write)
            ),
            mock.patch.object(
                importing, "decode_preview", timers.wrap("read_kept_rows", importing.decode_preview)
            ),
        ]
        for name, label in [
            ("insert_rows", "insert_new"),
            ("keep_baselines", "history_baselines"),
            ("update_rows", "update_changed"),
            ("record_bulk_changes", "history_changes"),
            ("table_versions_record", "table_versions"),
        ]:
            patches.append(
                mock.patch.object(importers, name, timers.wrap(label, getattr(importers, name)))
            )
        for patch in patches:
            patch.start()
        try:
            preview = import_commit(importer=importer, batch=batch)
        finally:
            for patch in patches:
                patch.stop()
        return preview, time.perf_counter() - began

    with localdate_patch(), connection.execute_wrapper(sql):
        preview, commit_s = profiled(run, params.get("profile"), "import_commit")
    split = timers.rounded()
    if "write" in timers:
        parts = ("insert_new", "history_baselines", "update_changed", "history_changes")
        rows_rest = timers["write_rows"] - sum(timers.get(k, 0.0) for k in parts)
        split["write_rows_rest"] = round(rows_rest, 2)  # the lists, building the rows' values
        rest = timers["write"] - timers["write_rows"] - timers.get("table_versions", 0.0)
        split["version_diff"] = round(rest, 2)
    known = sum(timers.get(k, 0.0) for k in ("preview", "write", "read_kept_rows", "refusal"))
    split["claim_and_finish"] = round(commit_s - known, 2)
    batch.refresh_from_db()
    written = Resource.objects.filter(batch=batch).aggregate(
        new=Count("pk", filter=Q(version=1)), changed=Count("pk", filter=Q(version__gt=1))
    )
    return {
        "commit_s": round(commit_s, 2),
        "commit_split": split,
        "counts": preview.counts(),
        "status": batch.status,
        "error": batch.error[:500],
        "written": written,
        "sql": sql.result(),
        "rss_before_mb": rss,
        "peak_before_mb": peak,
        "rss_after_mb": timers.rss,
        "peak_rss_mb": peak_rss_mb(),
    }


# --- 3–5. the pages --------------------------------------------------------------------------


def bench_people() -> dict:
    """The users and values the pages are measured with."""
    from duban.org.models import Team, User
    from duban.resources.models import Resource, Source

    supervisor = import_user()
    team = Team.objects.filter(line__supervisors=supervisor).order_by("pk").first()
    lead = team.leads.order_by("pk").first()
    last = Resource.objects.order_by("-pk").values_list("pk", flat=True).first()
    # a mobile number of the lead's team from the middle of the table (an older resource)
    phone = (
        Resource.objects.filter(team=team, pk__gte=last // 2)
        .exclude(phone__contains="-")
        .exclude(phone="")
        .order_by("pk")
        .values_list("phone", flat=True)
        .first()
    )
    return {
        "supervisor": supervisor,
        "lead": lead,
        "admin": User.objects.get(username="admin"),
        "team": team,
        "source": Source.objects.get(name="展会"),
        "phone": phone,
    }


def page_scenarios(kind: str, people: dict) -> list[dict]:
    """(name, user, url name, query, second page?) of each page measured."""
    team, supervisor, lead = people["team"], people["supervisor"], people["lead"]

    def scenario(name, user, url_name, query=None, *, second=False):
        return {
            "name": name,
            "user": user,
            "url_name": url_name,
            "query": query or {},
            "second": second,
        }

    if kind == "list":
        url = "resources:resource_list"
        phone = people["phone"]
        return [
            scenario("supervisor, first page", supervisor, url),
            scenario("supervisor, second page", supervisor, url, second=True),
            scenario("lead, first page", lead, url),
            scenario("lead, second page", lead, url, second=True),
            scenario(
                "supervisor, team + status", supervisor, url, {"team": team.pk, "status": "new"}
            ),
            scenario("supervisor, source", supervisor, url, {"source": people["source"].pk}),
            scenario("supervisor, workable", supervisor, url, {"workable": "true"}),
            scenario(
                "supervisor, team + workable (cover's link)",
                supervisor,
                url,
                {"team": team.pk, "workable": "true"},
            ),
            scenario(
                "supervisor, status dormant, second page",
                supervisor,
                url,
                {"status": "dormant"},
                second=True,
            ),
            scenario("lead, q = a phone", lead, url, {"q": phone}),
            scenario("supervisor, q = a phone", supervisor, url, {"q": phone}),
        ]
    if kind == "cover":
        url = "resources:cover"
        return [
            scenario("admin, all 50 teams", people["admin"], url),
            scenario("supervisor, the line's teams", supervisor, url),
            scenario("supervisor, one team's people", supervisor, url, {"team": team.pk}),
        ]
    url = "resources:handover_board"
    return [
        scenario("supervisor", supervisor, url),
        scenario("lead", lead, url),
        scenario("admin, every team", people["admin"], url),
        scenario("supervisor, one team", supervisor, url, {"team": team.pk}),
    ]


NEXT_PAGE = re.compile(r'id="next-page" href="[^"]*?after=(\d+)')
SHOWN_ROWS = re.compile(r"本页 (\d+) 条")
BADGES = re.compile(r'badge text-bg-\w+">(\d+\+?)<')


def timed_ms(func, *args) -> float:
    began = time.perf_counter()
    func(*args)
    return (time.perf_counter() - began) * 1000


def replay(sql: str) -> tuple[float, int]:
    """Re-execute one statement alone, every row fetched: median ms and the rows."""
    from django.db import connection

    times, rows = [], 0
    for _ in range(PER_QUERY_REPS):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = len(cursor.fetchall())
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), rows


def analyse_queries(statements: list[str], explain_top: int) -> dict:
    """Each SELECT re-executed alone; the slowest with their plans; any COUNT."""
    from duban.resources.models import Resource

    table = Resource._meta.db_table
    queries = []
    for sql in statements:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        ms, rows = replay(sql)
        queries.append({"ms": round(ms, 2), "rows": rows, "sql": sql})
    queries.sort(key=lambda q: q["ms"], reverse=True)
    for query in queries[:explain_top]:
        query["plan"] = explain(query["sql"])
    counts = [sql for sql in statements if COUNT_SQL.search(sql)]
    return {
        "queries": len(statements),
        "sql_ms": round(sum(q["ms"] for q in queries), 1),
        "top_queries": queries[:4],
        "counts": counts,
        "counts_over_resources": [sql for sql in counts if f'"{table}"' in sql],
        "repeated": repeated_shapes(statements),
    }


@contextmanager
def render_timers(split: dict):
    """Add the time of the view's template rendering to split["render"], and of the
    django-tables2 table within it to split["table"]."""
    from django_tables2.templatetags import django_tables2 as tags

    from duban.resources import views

    def timing(key, func):
        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                split[key] += time.perf_counter() - began

        return timed

    with (
        mock.patch.object(views, "render", timing("render", views.render)),
        mock.patch.object(
            tags.RenderTableNode, "render", timing("table", tags.RenderTableNode.render)
        ),
    ):
        yield


def measure_pages(scenarios: list[dict], reps: int, warmup: int, limit_ms: float) -> list[dict]:
    """Each page's server time through django.test.Client, the scenarios taking turns (so
    they all see the same machine state); then its queries, captured once."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    clients = {}
    for page in scenarios:
        user = page["user"]
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        page["client"] = clients[user.pk]
        url = reverse(page["url_name"])
        query = dict(page["query"])
        if page["second"]:
            first = page["client"].get(url + ("?" + urlencode(query) if query else ""))
            found = NEXT_PAGE.search(first.content.decode())
            if found is None:
                raise SystemExit(f"{page['name']}: the first page has no next page")
            query["after"] = found[1]
        page["url"] = url + ("?" + urlencode(query) if query else "")
    for page in scenarios:
        for _ in range(warmup):
            response = page["client"].get(page["url"])
            if response.status_code != 200:
                raise SystemExit(f"{page['url']} as {page['user']}: HTTP {response.status_code}")
        page["times"], page["render"], page["table"] = [], [], []
    split = {}
    with render_timers(split):
        for _ in range(reps):
            for page in scenarios:
                split["render"] = split["table"] = 0.0
                page["times"].append(timed_ms(page["client"].get, page["url"]))
                page["render"].append(split["render"] * 1000)
                page["table"].append(split["table"] * 1000)
    results = []
    for page in scenarios:
        with CaptureQueriesContext(connection) as captured:
            response = page["client"].get(page["url"])
        html = response.content.decode()
        timing = summary(page["times"])
        missed = timing["p95"] > limit_ms
        analysis = analyse_queries(
            [q["sql"] for q in captured.captured_queries], explain_top=2 if missed else 1
        )
        shown = SHOWN_ROWS.search(html)
        results.append(
            {
                "name": page["name"],
                "url": page["url"],
                "user": page["user"].username,
                "role": page["user"].role,
                "page_ms": timing,
                "template_p50_ms": round(statistics.median(page["render"]), 1),
                "table_p50_ms": round(statistics.median(page["table"]), 1),
                "limit_ms": limit_ms,
                "met": not missed,
                "bytes": len(response.content),
                "rows_shown": int(shown[1]) if shown else None,
                "badges": BADGES.findall(html),  # "30+" where a column stops at its first rows
                "next_page": bool(NEXT_PAGE.search(html)),
                **analysis,
            }
        )
    return results


def child_pages(params: dict) -> dict:
    kind = params["kind"]
    people = bench_people()
    limit = {"list": "list_p95_ms", "cover": "cover_page_ms", "board": "board_p95_ms"}[kind]
    scenarios = page_scenarios(kind, people)
    result = {"phone": people["phone"] if kind == "list" else None}
    with localdate_patch():
        result["pages"] = measure_pages(scenarios, params["reps"], params["warmup"], GOALS[limit])
        if kind == "cover":
            result["selector"] = measure_cover(params["reps"], params["warmup"])
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def measure_cover(reps: int, warmup: int) -> dict:
    """selectors.cover over every active team (50), as the admin's cover page calls it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from duban.org.models import Team
    from duban.resources import selectors
    from duban.resources.models import Settings

    settings = Settings.current()

    def run():
        teams = Team.objects.filter(is_active=True).order_by("name")
        return selectors.cover(teams, today=TODAY, settings=settings)

    for _ in range(warmup):
        run()
    times = [timed_ms(run) for _ in range(reps)]
    with CaptureQueriesContext(connection) as captured:
        rows = run()
    timing = summary(times)
    analysis = analyse_queries([q["sql"] for q in captured.captured_queries], explain_top=2)
    with_days = [row for row in rows if row.days is not None]
    return {
        "ms": timing,
        "met": timing["p95"] <= GOALS["cover_ms"],
        "teams": len(rows),
        "workable": sum(row.workable for row in rows),
        "capacity": sum(row.capacity for row in rows),
        "low": sum(row.low for row in rows),
        "low_soon": sum(row.low_soon for row in rows),
        "days": {
            "min": min(row.days for row in with_days),
            "median": statistics.median(row.days for row in with_days),
            "max": max(row.days for row in with_days),
        },
        **analysis,
    }


CHILDREN = {
    "calamine": child_calamine,
    "import_check": child_import_check,
    "import_commit": child_import_commit,
    "pages": child_pages,
}


def child_main(args) -> int:
    params = json.loads(args.params)
    if params.get("profile"):
        params["profile"] = Path(params["profile"])
    if args.child != "calamine":  # the baseline runs without Django
        configure(args.db, args.sqlite_path, migrate=False)
    result = CHILDREN[args.child](params)
    print(RESULT_MARK + json.dumps(result, ensure_ascii=False, default=str))
    return 0


def spawn(args, name: str, **params) -> dict:
    """Run one measurement in a fresh interpreter; returns what it reported."""
    command = [sys.executable, __file__, "--child", name, "--db", args.db]
    if args.sqlite_path:
        command += ["--sqlite-path", args.sqlite_path]
    command += ["--params", json.dumps(params, default=str)]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    sys.stderr.write(done.stderr)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if done.returncode or not lines:
        raise SystemExit(f"{name} failed ({done.returncode}):\n{done.stdout[-3000:]}")
    result = json.loads(lines[-1][len(RESULT_MARK) :])
    print(f"  {name}: done in {time.perf_counter() - began:.1f} s (child process)")
    return result


# --- the parent: preparing, cleaning up, reporting -----------------------------------------


def generated_count() -> int:
    """How many resources the generator wrote (ids 1 … n): kept on its table version's batch."""
    from duban.core.models import ImportBatch
    from duban.resources.supervised import RESOURCE_TABLE

    batch = ImportBatch.objects.get(kind=RESOURCE_TABLE.name, sha256="0" * 64)
    return batch.options["generated_resources"]


def prepare(args) -> dict | None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    record = Path(settings.DATA_DIR) / (
        f"generation-{connection.vendor}-{Path(str(connection.settings_dict['NAME'])).stem}.json"
    )
    if is_empty():
        began = timezone.now()
        done = generate(seed=args.seed, resources=args.resources)
        steps = {
            "seconds": done["seconds"],
            "resources": done["count"],
            "target_days": done["target_days"],
            "seed": args.seed,
            "at": began.isoformat(timespec="seconds"),
        }
        record.write_text(json.dumps(steps) + "\n")
    else:
        steps = json.loads(record.read_text()) if record.exists() else None
    count = generated_count()
    print("Cleaning up what an earlier run may have left ...")
    cleanup(args.seed, count)
    if not import_file_path(args.seed, count).exists():
        print("Writing the import file ...")
        write_import_file(args.seed, count)
    # the manifest storage needs every static file the pages name; src/ may have added some
    print("Collecting static files ...")
    call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            began = time.perf_counter()
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does on a live server
            print(f"VACUUM ANALYZE: {time.perf_counter() - began:.1f} s")
        elif args.sqlite_analyze:
            cursor.execute("ANALYZE")
    return steps


def cleanup(seed: int, count: int) -> bool:
    """Undo what an import of the benchmark wrote: delete its new resources, restore the rows
    it updated as they were (kept when the file was written), delete the resources' history
    (the generator writes none, so all of it is the imports'), its table versions, batches
    and files. Returns whether there was anything to undo."""
    import orjson
    from django.db import connection, transaction

    from duban.core.bulk import one_parameter, update_rows
    from duban.core.models import ImportBatch
    from duban.resources.models import Category, Resource, Source
    from duban.resources.supervised import RESOURCE_TABLE
    from duban.supervision.models import TableVersion

    qn = connection.ops.quote_name
    table = qn(Resource._meta.db_table)
    history = qn(Resource.history.model._meta.db_table)
    originals_file = originals_path(import_file_path(seed, count))
    originals = orjson.loads(originals_file.read_bytes()) if originals_file.exists() else []
    fields = [name.removesuffix("_id") for name in ORIGINAL_FIELDS]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id > %s", [count])
            deleted = cursor.rowcount
        changed = set(
            Resource.objects.filter(
                pk__in=one_parameter([row["pk"] for row in originals]), batch__isnull=False
            ).values_list("pk", flat=True)
        )
        restored = update_rows(
            Resource,
            [*fields, "batch"],
            (
                (*(row[name] for name in ORIGINAL_FIELDS), None, row["pk"])
                for row in originals
                if row["pk"] in changed
            ),
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {history}")
            histories = cursor.rowcount
        batches = ImportBatch.objects.filter(kind=RESOURCE_TABLE.name).exclude(sha256="0" * 64)
        batch_count = len(batches)
        for batch in batches:
            for file in (batch.file, batch.parsed):
                if file:
                    file.delete(save=False)
        TableVersion.objects.filter(batch__in=batches).delete()
        batches.delete()
        Source.objects.exclude(name__in=[name for name, _ in SOURCES] + ["电视广告"]).delete()
        Category.objects.exclude(name__in=CATEGORY_NAMES).delete()
    if not (deleted or restored or histories or batch_count):
        return False
    print(
        f"  removed {deleted:,} imported resources, restored {restored:,}, deleted "
        f"{histories:,} history rows and {batch_count} batches"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {table}")
            cursor.execute(f"VACUUM ANALYZE {history}")
        else:  # give the deleted rows' pages back, so the next run does not write into holes
            cursor.execute("VACUUM")
    return True


def run(args) -> dict:
    from django.db import connection
    from django.utils import timezone

    steps = prepare(args)
    count = generated_count()
    path = import_file_path(args.seed, count)
    profile = None
    if args.profile:
        profile = Path(args.out) / f"resources-{connection.vendor}-profile.txt"
        profile.parent.mkdir(parents=True, exist_ok=True)
        profile.write_text(f"cProfile of the resources benchmark, {timezone.now():%Y-%m-%d}\n")
    only = set(args.only.split(",")) if args.only else None
    report = {"file": {"path": str(path), "bytes": path.stat().st_size}}

    def wanted(name):
        return only is None or name in only

    if wanted("calamine"):
        print(f"Reading {path.name} with python-calamine ({args.calamine_reps}×) ...")
        runs = [spawn(args, "calamine", file=str(path)) for _ in range(args.calamine_reps)]
        report["calamine"] = {
            "runs": runs,
            "median_s": round(statistics.median(r["seconds"] for r in runs), 3),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        }
    if wanted("import"):
        print("Our import: stage + check, then commit, as the line's supervisor ...")
        check = spawn(args, "import_check", file=str(path))
        commit = spawn(args, "import_commit", batch=check["batch"])
        print("Removing the imported rows ...")
        cleanup(args.seed, count)
        report["import"] = {
            "check": check,
            "commit": commit,
            "total_s": round(check["stage_s"] + check["check_s"] + commit["commit_s"], 2),
            "peak_rss_mb": max(check["peak_rss_mb"], commit["peak_rss_mb"]),
        }
    for kind, title in [
        ("list", "the resource list"),
        ("cover", "days of cover"),
        ("board", "the hand-over board"),
    ]:
        if wanted(kind):
            print(f"Pages: {title} ({args.reps} repetitions) ...")
            report[kind] = spawn(args, "pages", kind=kind, reps=args.reps, warmup=args.warmup)
    if profile is not None:
        print(f"Profiling the import into {profile} ...")
        check = spawn(args, "import_check", file=str(path), profile=str(profile))
        spawn(args, "import_commit", batch=check["batch"], profile=str(profile))
        cleanup(args.seed, count)
        report["profile"] = str(profile)

    return {
        "date": timezone.now().isoformat(timespec="seconds"),
        "today": TODAY.isoformat(),
        "machine": machine(),
        "packages": package_versions(),
        "source": source_info(args.code_label),
        "database": database_info(),
        "repetitions": args.reps,
        "warmups": args.warmup,
        "rows": row_counts(),
        "generation": steps,
        **report,
        "goals": goals(report, connection.vendor),
    }


def goals(report: dict, vendor: str) -> list[dict]:
    """The goals and whether each is met. The list page's is set for PostgreSQL at 10M rows:
    on SQLite its rows are informative (``applies`` False)."""

    def goal(name, value, limit, unit, applies=True):
        return {
            "goal": name,
            "value": value,
            "limit": limit,
            "unit": unit,
            "met": value is not None and (limit is None or value <= limit),
            "applies": applies,
        }

    found = []
    if "import" in report:
        total = report["import"]["total_s"]
        rows = f"{IMPORT_ROWS // 1000}k"
        found.append(
            goal(f"import {rows} rows (stage+check+commit)", total, GOALS["import_seconds"], "s")
        )
        if "calamine" in report:
            ratio = round(total / report["calamine"]["median_s"], 1)
            found.append(
                goal("import / bare calamine read", ratio, GOALS["import_vs_calamine"], "×")
            )
        found.append(
            goal("import peak RSS (reported)", report["import"]["peak_rss_mb"], None, "MB")
        )
    if "list" in report:
        for page in report["list"]["pages"]:
            found.append(
                goal(
                    f"/resources/ p95: {page['name']}",
                    page["page_ms"]["p95"],
                    page["limit_ms"],
                    "ms",
                    applies=vendor == "postgresql",
                )
            )
        counted = sum(len(page["counts_over_resources"]) for page in report["list"]["pages"])
        found.append(goal("COUNT(*) over resources on the list pages", counted, 0, "queries"))
    if "cover" in report:
        selector = report["cover"]["selector"]
        found.append(
            goal(
                f"selectors.cover, {selector['teams']} teams, p95",
                selector["ms"]["p95"],
                GOALS["cover_ms"],
                "ms",
            )
        )
        for page in report["cover"]["pages"]:
            found.append(
                goal(
                    f"/resources/cover/ p95: {page['name']}",
                    page["page_ms"]["p95"],
                    page["limit_ms"],
                    "ms",
                )
            )
    if "board" in report:
        for page in report["board"]["pages"]:
            found.append(
                goal(
                    f"/resources/handovers/ p95: {page['name']}",
                    page["page_ms"]["p95"],
                    page["limit_ms"],
                    "ms",
                )
            )
    return found


def page_table(pages: list[dict]) -> list[str]:
    lines = [
        "| page | URL | user | queries | p50 | p95 | min | max | SQL alone | template p50 "
        "| of which table | rows | HTML |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for page in pages:
        t = page["page_ms"]
        verdict = "" if page["met"] else " **NOT met**"
        rows = page["rows_shown"] if page["rows_shown"] is not None else page["badges"]
        table = f"{page['table_p50_ms']} ms" if page["table_p50_ms"] else ""
        lines.append(
            f"| {page['name']} | `{page['url']}` | {page['user']} | {page['queries']} "
            f"| {t['p50']} ms | {t['p95']} ms{verdict} | {t['min']} | {t['max']} "
            f"| {page['sql_ms']} ms | {page['template_p50_ms']} ms | {table} | {rows} "
            f"| {page['bytes'] / 1024:,.0f} KiB |"
        )
    return lines


def query_details(title: str, entry: dict) -> list[str]:
    lines = ["", f"#### {title}", ""]
    if entry["counts"]:
        lines.append(f"COUNT statements: {len(entry['counts'])}")
        lines += [f"- `{sql[:400]}`" for sql in entry["counts"]]
        lines.append("")
    for repeated in entry["repeated"]:
        lines.append(f"Repeated {repeated['count']}× (N+1?): `{repeated['sql'][:300]}`")
        lines.append("")
    lines += ["Slowest queries (median of 3, re-executed alone, every row fetched):", ""]
    for query in entry["top_queries"]:
        lines.append(f"- {query['ms']:.2f} ms, {query['rows']} rows: `{query['sql'][:900]}`")
    for query in entry["top_queries"]:
        if "plan" in query:
            lines += ["", f"Plan of the {query['ms']:.2f} ms query:", "", "```"]
            lines += [query["plan"], "```"]
    return lines


def markdown(report: dict) -> str:
    db, machine_info = report["database"], report["machine"]
    rows = report["rows"]
    lines = [
        f"# Resources benchmark — {db['vendor']}",
        "",
        f"- Run: {report['date']}; measurements see today = {report['today']}",
        f"- Machine: {machine_info['cpus']} CPUs ({machine_info['cpu']}), "
        f"{machine_info['memory']} RAM, {machine_info['platform']}, "
        f"Python {machine_info['python']}, Django {machine_info['django']}",
        f"- Code: duban from {report['source']['duban_path']} ({report['source']['git']})",
        f"- Database: {db['version']} ({db['size_bytes'] / 2**20:,.0f} MiB"
        f"{', ANALYZEd' if db['analyzed'] else ', no ANALYZE statistics'}); "
        f"{rows['Resource']:,} resources ({rows['Resource (workable)']:,} workable), "
        f"{rows['Team']} teams, {rows['Employee']} employees, {rows['Handover']:,} hand-overs",
        f"- Import file: {report['file']['path']} ({report['file']['bytes'] / 2**20:.1f} MiB, "
        f"{IMPORT_ROWS:,} rows × 14 columns)",
        f"- Pages: {report['repetitions']} repetitions after {report['warmups']} warm-ups, the "
        "pages of a section taking turns; server time through django.test.Client (middleware, "
        "session, view, queries, templates; no network); 'SQL alone' is the sum of the page's "
        "queries each re-executed alone (median of 3); 'template' the time of the view's "
        "render() (the template with its tags, and any query a tag or lazy queryset runs), "
        "'table' the django-tables2 {% render_table %} within it",
        "- Every measurement runs in a fresh child process; peak RSS is that process's VmHWM "
        "(MB = 10⁶ bytes)",
        "",
        "## Goals",
        "",
        "| goal | measured | limit | |",
        "|---|--:|--:|---|",
    ]
    for goal in report["goals"]:
        if goal["limit"] is None:
            verdict, limit = "reported", "—"
        else:
            verdict = "met" if goal["met"] else "**NOT met**"
            if not goal.get("applies", True):
                verdict = ("within" if goal["met"] else "above") + " (the goal is PostgreSQL's)"
            limit = f"{goal['limit']:g} {goal['unit']}"
        lines.append(f"| {goal['goal']} | {goal['value']} {goal['unit']} | {limit} | {verdict} |")
    if "calamine" in report:
        cal = report["calamine"]
        times = ", ".join(f"{r['seconds']:.2f}" for r in cal["runs"])
        lines += [
            "",
            "## 1. Baseline: python-calamine alone",
            "",
            "`CalamineWorkbook.from_path(...).get_sheet_by_index(0).to_python()`: "
            f"median **{cal['median_s']:.2f} s** (runs: {times} s), "
            f"{cal['runs'][0]['rows']:,} data rows × {cal['runs'][0]['columns']} columns, "
            f"peak RSS {cal['peak_rss_mb']:.0f} MB.",
        ]
    if "import" in report:
        imp = report["import"]
        check, commit = imp["check"], imp["commit"]
        lines += [
            "",
            "## 2. Our import (import_stage + import_check + import_commit, table_importer)",
            "",
            f"As the supervisor of the first line, `as_of` {report['today']}; the rows were "
            "removed (and the updated ones restored) afterwards. Check and commit ran in "
            "separate processes, as they are separate requests.",
            "",
            "| step | seconds | SQL statements | SQL execute s | peak RSS | RSS before |",
            "|---|--:|--:|--:|--:|--:|",
            f"| stage (ImportBatch + file) | {check['stage_s']:.2f} | | | | |",
            f"| check (read, parse, validate, compare, keep) | {check['check_s']:.2f} "
            f"| {check['sql']['statements']} | {check['sql']['execute_s']} "
            f"| {check['peak_rss_mb']:.0f} MB | {check['rss_before_mb']:.0f} MB |",
            f"| commit (verify, then write) | {commit['commit_s']:.2f} "
            f"| {commit['sql']['statements']} | {commit['sql']['execute_s']} "
            f"| {commit['peak_rss_mb']:.0f} MB | {commit['rss_before_mb']:.0f} MB |",
            f"| **total** | **{imp['total_s']:.2f}** | | | **{imp['peak_rss_mb']:.0f} MB** | |",
            "",
            "Check: " + ", ".join(f"{k} {v} s" for k, v in check["check_split"].items()) + ".",
            "",
            "Commit: " + ", ".join(f"{k} {v} s" for k, v in commit["commit_split"].items()) + ".",
            "",
            "Resident memory right after each step (MB): check "
            + ", ".join(f"{k} {v:.0f}" for k, v in check["rss_after_mb"].items())
            + "; commit "
            + ", ".join(f"{k} {v:.0f}" for k, v in commit["rss_after_mb"].items())
            + ".",
            "",
            f"Counts: {check['counts']}; committed: {commit['status']}, written "
            f"{commit['written']}; ignored headers: {', '.join(check['ignored_headers']) or 'none'}"
            f"; notes: {check['notes']}.",
        ]
        if check["first_errors"] or commit["error"]:
            lines += ["", f"Errors: {check['first_errors']} {commit['error']}"]
    if "list" in report:
        pages = report["list"]["pages"]
        lines += [
            "",
            "## 3. The resource list (/resources/, keyset pages of 50)",
            "",
            f"The phone searched: {report['list']['phone']} (a resource of the lead's team "
            "from the middle of the table).",
            "",
            *page_table(pages),
        ]
        for page in pages:
            lines += query_details(f"{page['name']}: `{page['url']}`", page)
    if "cover" in report:
        selector = report["cover"]["selector"]
        t = selector["ms"]
        verdict = "met" if selector["met"] else "**NOT met**"
        days = selector["days"]
        lines += [
            "",
            "## 4. Days of cover",
            "",
            f"`selectors.cover` over {selector['teams']} teams: p50 {t['p50']} ms, "
            f"**p95 {t['p95']} ms** ({verdict}; min {t['min']}, max {t['max']}), "
            f"{selector['queries']} queries, SQL alone {selector['sql_ms']} ms. Workable "
            f"{selector['workable']:,} against {selector['capacity']:,} calls a day; days of "
            f"cover {days['min']} / {days['median']} / {days['max']} (min / median / max); "
            f"{selector['low']} teams low, {selector['low_soon']} low soon.",
            "",
            *page_table(report["cover"]["pages"]),
            *query_details("selectors.cover", selector),
        ]
        for page in report["cover"]["pages"]:
            lines += query_details(f"{page['name']}: `{page['url']}`", page)
    if "board" in report:
        pages = report["board"]["pages"]
        lines += [
            "",
            "## 5. The hand-over board (/resources/handovers/)",
            "",
            "Rows: the count of each column (late, planned today, sent, received today).",
            "",
            *page_table(pages),
        ]
        for page in pages:
            lines += query_details(f"{page['name']}: `{page['url']}`", page)
    lines += ["", "## Rows", "", "| model | rows |", "|---|--:|"]
    lines += [f"| {model} | {count:,} |" for model, count in rows.items()]
    if report["generation"]:
        gen = report["generation"]
        steps = ", ".join(f"{k} {v} s" for k, v in gen["seconds"].items())
        lines += [
            "",
            f"Generated {gen['resources']:,} resources (seed {gen['seed']}) at {gen['at']}: "
            f"{steps}.",
        ]
    if report.get("profile"):
        lines += ["", f"cProfile output: {report['profile']}"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres", "env"],
        default="sqlite",
        help="sqlite: DATA_DIR/bench_resources.sqlite3; postgres: DUBAN_DATABASE_URL or "
        "postgres://postgres@127.0.0.1:5432/duban_bench_res; env: DUBAN_DATABASE_URL as is",
    )
    parser.add_argument("--sqlite-path", help="another SQLite file")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--resources",
        type=int,
        help="resources to generate (default: 10,000,000 on PostgreSQL, 1,000,000 on SQLite)",
    )
    parser.add_argument("--reps", type=int, default=30, help="page repetitions")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--calamine-reps", type=int, default=3)
    parser.add_argument("--only", help="comma-separated: calamine,import,list,cover,board")
    parser.add_argument("--profile", action="store_true", help="also cProfile the import")
    parser.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="run ANALYZE on SQLite first (Duban itself never does; PostgreSQL is always "
        "VACUUM ANALYZEd, as autovacuum would)",
    )
    parser.add_argument("--code-label", help="what code ran, when not a git checkout")
    parser.add_argument("--out", default=str(BENCH_DIR / "results"), help="results folder")
    parser.add_argument(
        "--rerender", help="write the .md (and goals) again from this results .json, no run"
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args)
    if args.rerender:
        path = Path(args.rerender)
        report = json.loads(path.read_text())
        report["goals"] = goals(report, report["database"]["vendor"])
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
        path.with_suffix(".md").write_text(markdown(report))
        print(f"Written {path.with_suffix('.md')} again.")
        return 0

    began = time.perf_counter()
    configure(args.db, args.sqlite_path)
    report = run(args)
    report["seconds"] = round(time.perf_counter() - began, 1)

    from django.db import connection

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"resources-{connection.vendor}"
    stem.with_suffix(".json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    )
    stem.with_suffix(".md").write_text(markdown(report))
    print()
    for goal in report["goals"]:
        verdict = "reported" if goal["limit"] is None else "met" if goal["met"] else "NOT met"
        if goal["limit"] is not None and not goal["applies"]:
            verdict = ("within" if goal["met"] else "above") + " (PostgreSQL's goal)"
        value = f"{goal['value']} {goal['unit']}"
        limit = "" if goal["limit"] is None else f" ≤ {goal['limit']:g}"
        print(f"{goal['goal']:<58}{value:>12}{limit}: {verdict}")
    print(f"Written {stem}.md/.json in {report['seconds']} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
