"""Benchmark receivables at a large company's size: import, aging and export (not a test).

On 1,000,000 receivables (bench/generate_receivables.py), measures:

1. the bare read of the 100,000-row AR table (xlsx) with python-calamine, the baseline;
2. our import of that file as a user does it: ``import_stage`` + ``import_check`` (the
   preview) + ``import_commit`` (verify, then write), with ``table_importer`` as the admin;
3. django-import-export importing the same file (dry run, then the real import);
4. company-wide aging: ``aging_table`` over the open receivables, by team, and the page
   /receivables/aging/ as the supervisor of every line;
5. the export of about 100,000 rows: /receivables/?category=warranty&export=xlsx as the admin,
   and ``write_xlsx`` over the same queryset.

Every measurement runs in a fresh child process, so each peak RSS is its own.

    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_receivables.py --db sqlite
    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_receivables.py --db postgres

The database is generated when it is empty. Results go to bench/results/receivables-<vendor>.md
and .json (and receivables-<vendor>-profile.txt with --profile).
"""

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from bench_supervision import database_info, explain, percentile, source_info
from generate_receivables import (
    BENCH_DIR,
    IMPORT_NUMBERS_FROM,
    IMPORT_ROWS,
    TODAY,
    configure,
    generate,
    import_file_path,
    is_empty,
    row_counts,
    write_import_file,
)

GOALS = {
    "import_seconds": 8.0,  # stage + check + commit of the 100k-row file
    "import_vs_calamine": 6.0,  # ... at most this many times the bare calamine read
    "aging_seconds": 1.0,  # company-wide aging over 1M receivables (p95)
    "export_seconds": 8.0,  # 100k rows to xlsx through the list page
    "import_peak_mb": 400.0,  # peak RSS of the import (check or commit request)
}
EXPORT_QUERY = {"category": "warranty"}  # about a tenth of the receivables
RESULT_MARK = "RESULT:"
MB = 1_000_000


# --- measuring in a child process ------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM, the high-water mark of its address space.

    Not getrusage(RUSAGE_SELF).ru_maxrss: on Linux a child started with fork/vfork + exec
    keeps its parent's high-water mark there, so every child would report the parent's peak.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) * 1024 / MB, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB, 1)


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / MB, 1)


class SqlTimer:
    """Counts the statements and the time spent in cursor.execute (on SQLite a SELECT's rows
    are mostly computed while they are fetched, which this does not include)."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - began

    def result(self) -> dict:
        return {"statements": self.count, "execute_s": round(self.seconds, 2)}


class Timers(dict):
    """Accumulated seconds by label, for methods wrapped with ``wrap``; ``rss`` holds the
    resident memory right after each wrapped call (the last one of each label)."""

    def __init__(self):
        super().__init__()
        self.rss = {}

    def wrap(self, label, func):
        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self[label] = self.get(label, 0.0) + time.perf_counter() - began
                self.rss[label] = current_rss_mb()

        return timed

    def rounded(self) -> dict:
        return {label: round(seconds, 2) for label, seconds in self.items()}


def profiled(func, path: Path | None, title: str):
    """Run ``func`` under cProfile when ``path`` is given; append the top functions there."""
    if path is None:
        return func()
    profile = cProfile.Profile()
    try:
        return profile.runcall(func)
    finally:
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).strip_dirs()
        out.write(f"\n===== {title}: by cumulative time =====\n")
        stats.sort_stats("cumulative").print_stats(35)
        out.write(f"\n===== {title}: by own time =====\n")
        stats.sort_stats("tottime").print_stats(30)
        with path.open("a") as target:
            target.write(out.getvalue())


def child_calamine(params: dict) -> dict:
    from python_calamine import CalamineWorkbook

    rss = current_rss_mb()
    began = time.perf_counter()
    grid = CalamineWorkbook.from_path(params["file"]).get_sheet_by_index(0).to_python()
    seconds = time.perf_counter() - began
    return {
        "seconds": round(seconds, 3),
        "rows": len(grid) - 1,
        "columns": len(grid[0]),
        "rss_before_mb": rss,
        "peak_rss_mb": peak_rss_mb(),
    }


def admin_user():
    from duban.org.models import User

    return User.objects.get(username="admin")


def instrument(importer, timers: Timers) -> None:
    """Time the steps of Importer.preview on this importer (read = the file to a table)."""
    importer.read = timers.wrap("read_table", importer.read)
    importer.check_duplicates = timers.wrap("duplicates", importer.check_duplicates)
    importer.compare = timers.wrap("compare", importer.compare)
    importer._aged = timers.wrap("write_version_aged", importer._aged)


def preview_split(timers: Timers, preview_seconds: float) -> dict:
    split = timers.rounded()
    known = sum(timers.get(k, 0.0) for k in ("read_table", "duplicates", "compare"))
    split["parse_validate"] = round(preview_seconds - known, 2)
    return split


def child_import_check(params: dict) -> dict:
    from django.db import connection

    from duban.core.services import import_check, import_stage
    from duban.receivables.importers import table_importer

    user = admin_user()
    path = Path(params["file"])
    data = path.read_bytes()  # the upload view has the bytes in memory too
    rss, peak = current_rss_mb(), peak_rss_mb()
    timers, sql = Timers(), SqlTimer()

    def run():
        began = time.perf_counter()
        batch = import_stage(data=data, filename=path.name, kind="ar_table", by=user)
        batch.options = {"as_of": TODAY.isoformat()}  # what the upload form adds
        batch.save(update_fields=["options"])
        staged = time.perf_counter()
        importer = table_importer(user, batch.options)
        instrument(importer, timers)
        importer.preview = timers.wrap("preview", importer.preview)
        preview = import_check(importer=importer, batch=batch)
        return batch, preview, staged - began, time.perf_counter() - staged

    with connection.execute_wrapper(sql):
        batch, preview, stage_s, check_s = profiled(run, params.get("profile"), "import_check")
    return {
        "batch": batch.pk,
        "stage_s": round(stage_s, 2),
        "check_s": round(check_s, 2),
        "check_split": preview_split(timers, timers["preview"]),
        "counts": preview.counts(),
        "first_errors": [str(e) for e in preview.errors[:5]],
        "ignored_headers": preview.ignored_headers,
        "sql": sql.result(),
        "rss_before_mb": rss,
        "peak_before_mb": peak,
        "rss_after_mb": timers.rss,
        "peak_rss_mb": peak_rss_mb(),
    }


def child_import_commit(params: dict) -> dict:
    from django.db import connection

    from duban.core import importing
    from duban.core.models import ImportBatch
    from duban.core.services import import_commit
    from duban.receivables.importers import ReceivableImporter, table_importer
    from duban.receivables.models import Receivable

    user = admin_user()
    batch = ImportBatch.objects.get(pk=params["batch"])
    rss, peak = current_rss_mb(), peak_rss_mb()
    timers, sql = Timers(), SqlTimer()

    def run():
        began = time.perf_counter()
        importer = table_importer(user, batch.options)
        instrument(importer, timers)
        importer.preview = timers.wrap("preview", importer.preview)  # only without kept rows
        # the commit reads the header of the rows the check kept, verifies the rows it
        # updates, then writes the rows as it decodes them (write_rows includes the decoding)
        importer.refusal = timers.wrap("refusal", importer.refusal)
        importer.write = timers.wrap("write", importer.write)
        rows_write = timers.wrap("write_rows", ReceivableImporter.write)
        decode = timers.wrap("read_kept_rows", importing.decode_preview)
        with (
            mock.patch.object(ReceivableImporter, "write", rows_write),
            mock.patch.object(importing, "decode_preview", decode),
        ):
            preview = import_commit(importer=importer, batch=batch)
        return preview, time.perf_counter() - began

    with connection.execute_wrapper(sql):
        preview, commit_s = profiled(run, params.get("profile"), "import_commit")
    split = timers.rounded()
    split["write_version"] = round(timers["write"] - timers["write_rows"], 2)
    known = sum(timers.get(k, 0.0) for k in ("preview", "write", "read_kept_rows", "refusal"))
    split["claim_and_finish"] = round(commit_s - known, 2)
    batch.refresh_from_db()
    return {
        "commit_s": round(commit_s, 2),
        "commit_split": split,
        "counts": preview.counts(),
        "status": batch.status,
        "error": batch.error[:500],
        "imported": Receivable.objects.filter(number__gte=IMPORT_NUMBERS_FROM).count(),
        "sql": sql.result(),
        "rss_before_mb": rss,
        "peak_before_mb": peak,
        "rss_after_mb": timers.rss,
        "peak_rss_mb": peak_rss_mb(),
    }


def import_export_resource():
    """A django-import-export ModelResource for Receivable with the file's 15 columns.

    Customer, team and lead are looked up by name; like our importer, each lookup table is
    loaded once (a ForeignKeyWidget subclass) instead of one query per row and column, and
    existing numbers are found with the CachedInstanceLoader (one query). The category and
    status labels are mapped to their values. Missing customers are not created (every
    customer of the file exists).
    """
    from import_export import fields, resources, widgets
    from import_export.instance_loaders import CachedInstanceLoader

    from duban.org.choices import Role
    from duban.org.models import Team, User
    from duban.partners.models import Partner
    from duban.receivables.choices import Category, ReceivableStatus
    from duban.receivables.models import Receivable

    class NameWidget(widgets.ForeignKeyWidget):
        def __init__(self, model, field, queryset=None):
            super().__init__(model, field)
            self.queryset, self.cache = queryset, None

        def clean(self, value, row=None, **kwargs):
            if value is None or value == "":
                return None
            if self.cache is None:
                queryset = self.model.objects.all() if self.queryset is None else self.queryset
                objects = queryset.only("pk", self.field)
                self.cache = {getattr(obj, self.field): obj for obj in objects}
            try:
                return self.cache[value]
            except KeyError:
                raise ValueError(f"{self.model.__name__} {value!r} does not exist") from None

    class LabelWidget(widgets.CharWidget):
        def __init__(self, choices):
            super().__init__()
            self.values = {str(label): value for value, label in choices}
            self.values.update({value: value for value, _ in choices})

        def clean(self, value, row=None, **kwargs):
            try:
                return self.values[value]
            except KeyError:
                raise ValueError(f"unknown choice {value!r}") from None

    def field(name, column, widget):
        return fields.Field(attribute=name, column_name=column, widget=widget)

    text, date, money = widgets.CharWidget, widgets.DateWidget, widgets.DecimalWidget

    class ReceivableResource(resources.ModelResource):
        number = field("number", "单号", text())
        customer = field("customer", "客户名称", NameWidget(Partner, "name"))
        team = field("team", "团队", NameWidget(Team, "name"))
        lead = field(
            "lead", "负责主管", NameWidget(User, "name", User.objects.filter(role=Role.LEAD))
        )
        project_name = field("project_name", "项目", text())
        category = field("category", "类别", LabelWidget(Category.choices))
        invoice_date = field("invoice_date", "开票日期", date())
        due_date = field("due_date", "到期日", date())
        agreed_payment_date = field("agreed_payment_date", "约定付款日", date())
        warranty_due_date = field("warranty_due_date", "质保到期日", date())
        amount = field("amount", "应收金额", money())
        paid = field("paid", "已回款", money())
        outstanding = field("outstanding", "未回款", money())
        status = field("status", "状态", LabelWidget(ReceivableStatus.choices))
        note = field("note", "备注", text())

        class Meta:
            model = Receivable
            fields = (
                "number",
                "customer",
                "team",
                "lead",
                "project_name",
                "category",
                "invoice_date",
                "due_date",
                "agreed_payment_date",
                "warranty_due_date",
                "amount",
                "paid",
                "outstanding",
                "status",
                "note",
            )
            import_id_fields = ("number",)
            instance_loader_class = CachedInstanceLoader
            use_bulk = True
            skip_diff = True
            batch_size = 1000

    return ReceivableResource()


def child_import_export(params: dict) -> dict:
    from django.db import connection
    from import_export.formats.base_formats import XLSX

    from duban.receivables.models import Receivable

    data = Path(params["file"]).read_bytes()
    rss, peak = current_rss_mb(), peak_rss_mb()
    sql = SqlTimer()
    began = time.perf_counter()
    dataset = XLSX().create_dataset(data)
    read = time.perf_counter()
    with connection.execute_wrapper(sql):
        result = import_export_resource().import_data(dataset, dry_run=params["dry_run"])
    done = time.perf_counter()
    errors = [str(e.error) for e in result.base_errors[:3]]
    for _line, row_errors in result.row_errors()[:3]:
        errors += [str(e.error) for e in row_errors[:1]]
    errors += [str(row.error) for row in result.invalid_rows[:3]]
    return {
        "dry_run": params["dry_run"],
        "read_s": round(read - began, 2),
        "import_s": round(done - read, 2),
        "total_s": round(done - began, 2),
        "rows": len(dataset),
        "totals": dict(result.totals),
        "has_errors": result.has_errors(),
        "has_validation_errors": result.has_validation_errors(),
        "first_errors": errors[:5],
        "imported": Receivable.objects.filter(number__gte=IMPORT_NUMBERS_FROM).count(),
        "sql": sql.result(),
        "rss_before_mb": rss,
        "peak_before_mb": peak,
        "peak_rss_mb": peak_rss_mb(),
    }


def summary(values: list[float]) -> dict:
    return {
        "p50": round(percentile(values, 50), 3),
        "p95": round(percentile(values, 95), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def localdate_patch():
    from django.utils import timezone

    original = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else original(value, timezone)

    return mock.patch("django.utils.timezone.localdate", side_effect=localdate)


def child_aging(params: dict) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from duban.org.models import User
    from duban.receivables.aging import aging_table
    from duban.receivables.models import Receivable, Settings

    reps, warmup = params["reps"], params["warmup"]
    basis = Settings.current().aging_basis
    result = {"basis": basis}

    def measure(func):
        for _ in range(warmup):
            func()
        times = []
        for _ in range(reps):
            began = time.perf_counter()
            func()
            times.append(time.perf_counter() - began)
        return summary(times)

    def company():
        return aging_table(Receivable.objects.open(), today=TODAY, basis=basis)

    def by_team():
        return aging_table(Receivable.objects.open(), today=TODAY, basis=basis, by="team")

    result["company_s"] = measure(company)
    result["by_team_s"] = measure(by_team)
    total = company()[0]
    result["company"] = {"open_rows": total["count"], "outstanding": str(total["total"])}
    result["by_team_rows"] = len(by_team())

    supervisor = User.objects.get(username="duban1")
    client = Client()
    client.force_login(supervisor)
    url = reverse("receivables:aging")
    with localdate_patch():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        result["page_s"] = measure(lambda: client.get(url))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
    result["page_bytes"] = len(response.content)
    queries = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        times = []
        for _ in range(3):
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()
            times.append(time.perf_counter() - began)
        queries.append({"seconds": round(statistics.median(times), 3), "sql": sql})
    queries.sort(key=lambda q: q["seconds"], reverse=True)
    for query in queries[:2]:
        query["plan"] = explain(query["sql"])
    result["page_queries"] = len(captured.captured_queries)
    result["page_top_queries"] = queries[:4]
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def export_url() -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    return (
        reverse("receivables:receivable_list") + "?" + urlencode(EXPORT_QUERY | {"export": "xlsx"})
    )


def xlsx_rows(content) -> int:
    from python_calamine import CalamineWorkbook

    return len(CalamineWorkbook.from_filelike(content).get_sheet_by_index(0).to_python()) - 1


def child_export_page(params: dict) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(admin_user())
    url = export_url()
    rss, peak = current_rss_mb(), peak_rss_mb()
    sql = SqlTimer()

    def run():
        began = time.perf_counter()
        response = client.get(url)
        content = b"".join(response.streaming_content)
        return response, content, time.perf_counter() - began

    with localdate_patch(), connection.execute_wrapper(sql):
        response, content, seconds = profiled(run, params.get("profile"), "export page")
    peak_after = peak_rss_mb()
    return {
        "url": url,
        "status": response.status_code,
        "seconds": round(seconds, 2),
        "bytes": len(content),
        "rows": xlsx_rows(io.BytesIO(content)),
        "sql": sql.result(),
        "rss_before_mb": rss,
        "peak_before_mb": peak,
        "peak_rss_mb": peak_after,
    }


def child_export_direct(params: dict) -> dict:
    """write_xlsx over the same rows, then the same loop without xlsx, and the ORM alone."""
    from duban.core.exporting import write_xlsx
    from duban.receivables.models import Receivable
    from duban.receivables.tables import EXPORT_COLUMNS

    def queryset():
        return (
            Receivable.objects.filter(**EXPORT_QUERY)
            .select_related("customer", "team", "lead")
            .order_by("due_date", "number")
            .iterator(chunk_size=2000)
        )

    rss = current_rss_mb()
    with tempfile.TemporaryFile() as target:
        began = time.perf_counter()
        rows = write_xlsx(queryset(), EXPORT_COLUMNS, sheet="应收账款", target=target)
        write_s = time.perf_counter() - began
        size = target.tell()
    peak = peak_rss_mb()
    began = time.perf_counter()
    for row in queryset():
        for column in EXPORT_COLUMNS:
            column.value(row)
    values_s = time.perf_counter() - began
    began = time.perf_counter()
    for _row in queryset():
        pass
    orm_s = time.perf_counter() - began
    return {
        "rows": rows,
        "bytes": size,
        "write_xlsx_s": round(write_s, 2),
        "orm_only_s": round(orm_s, 2),
        "orm_and_values_s": round(values_s, 2),
        "rss_before_mb": rss,
        "peak_rss_mb": peak,
    }


CHILDREN = {
    "calamine": child_calamine,
    "import_check": child_import_check,
    "import_commit": child_import_commit,
    "import_export": child_import_export,
    "aging": child_aging,
    "export_page": child_export_page,
    "export_direct": child_export_direct,
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
        steps = {"seconds": generate(seed=args.seed), "seed": args.seed}
        steps["at"] = began.isoformat(timespec="seconds")
        record.write_text(json.dumps(steps) + "\n")
    else:
        steps = json.loads(record.read_text()) if record.exists() else None
    if not import_file_path(args.seed).exists():
        print("Writing the import file ...")
        write_import_file(args.seed)
    # the manifest storage needs every static file the pages name; src/ may have added some
    print("Collecting static files ...")
    call_command("collectstatic", interactive=False, verbosity=0)
    cleanup()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does on a live server
        elif args.sqlite_analyze:
            cursor.execute("ANALYZE")
    return steps


REIMPORT_CHANGED = 20_000


def reimport_file(path: Path) -> Path:
    """The import file with the note of its first REIMPORT_CHANGED rows changed, as CSV (as a
    finance clerk's next version of the table: most rows as they were, some changed)."""
    import csv

    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    note = rows[0].index("备注")
    for row in rows[1 : REIMPORT_CHANGED + 1]:
        row[note] = f"{row[note]}（已对账）"
    again = path.with_name(f"{path.stem}-again.csv")
    with again.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return again


def cleanup() -> None:
    """Remove what an import of the benchmark wrote: its receivables, batches and files."""
    from django.db import connection, transaction

    from duban.core.models import ImportBatch
    from duban.receivables.models import Receivable
    from duban.supervision.models import TableVersion

    table = connection.ops.quote_name(Receivable._meta.db_table)
    history = connection.ops.quote_name(Receivable.history.model._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:  # no payments or plans hang on these rows
            cursor.execute(f"DELETE FROM {table} WHERE number >= %s", [IMPORT_NUMBERS_FROM])
            # history an import wrote for rows it changed (a run that imports twice)
            cursor.execute(f"DELETE FROM {history} WHERE number >= %s", [IMPORT_NUMBERS_FROM])
        batches = ImportBatch.objects.filter(kind="ar_table").exclude(sha256="0" * 64)
        for batch in batches:
            if batch.file:
                batch.file.delete(save=False)
        # their table versions (the batch is only SET_NULL on them), then the batches
        TableVersion.objects.filter(batch__in=batches).delete()
        batches.delete()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {table}")
        else:  # give the deleted rows' pages back, so the next run does not write into holes
            cursor.execute("VACUUM")


def machine() -> dict:
    import django

    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            memory = f"{int(meminfo.readline().split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(
                (line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), ""
            )
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def package_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ["python-calamine", "xlsxwriter", "django-import-export", "tablib", "openpyxl"]:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def run(args) -> dict:
    from django.utils import timezone

    steps = prepare(args)
    path = import_file_path(args.seed)
    profile = None
    if args.profile:
        from django.db import connection

        profile = Path(args.out) / f"receivables-{connection.vendor}-profile.txt"
        profile.parent.mkdir(parents=True, exist_ok=True)
        profile.write_text(f"cProfile of the receivables benchmark, {timezone.now():%Y-%m-%d}\n")
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
        print("Our import: stage + check, then commit, as the admin ...")
        cleanup()
        check = spawn(args, "import_check", file=str(path))
        commit = spawn(args, "import_commit", batch=check["batch"])
        report["import"] = {
            "check": check,
            "commit": commit,
            "total_s": round(check["stage_s"] + check["check_s"] + commit["commit_s"], 2),
            "peak_rss_mb": max(check["peak_rss_mb"], commit["peak_rss_mb"]),
        }
        print(f"The same table again, {REIMPORT_CHANGED:,} rows changed ...")
        again = reimport_file(path)
        check = spawn(args, "import_check", file=str(again))
        commit = spawn(args, "import_commit", batch=check["batch"])
        cleanup()
        report["reimport"] = {
            "check": check,
            "commit": commit,
            "total_s": round(check["stage_s"] + check["check_s"] + commit["commit_s"], 2),
        }
    if wanted("import_export"):
        print("django-import-export: dry run, then the import ...")
        cleanup()
        dry = spawn(args, "import_export", file=str(path), dry_run=True)
        real = spawn(args, "import_export", file=str(path), dry_run=False)
        cleanup()
        report["import_export"] = {
            "dry_run": dry,
            "import": real,
            "total_s": round(dry["total_s"] + real["total_s"], 2),
            "peak_rss_mb": max(dry["peak_rss_mb"], real["peak_rss_mb"]),
        }
    if wanted("aging"):
        print(f"Aging: aging_table and /receivables/aging/ ({args.reps} repetitions) ...")
        report["aging"] = spawn(args, "aging", reps=args.reps, warmup=args.warmup)
    if wanted("export"):
        print("Export: the list page's xlsx, then write_xlsx alone ...")
        report["export_page"] = spawn(args, "export_page")
        report["export_direct"] = spawn(args, "export_direct")
    if profile is not None:
        print(f"Profiling the import and the export into {profile} ...")
        cleanup()
        check = spawn(args, "import_check", file=str(path), profile=str(profile))
        spawn(args, "import_commit", batch=check["batch"], profile=str(profile))
        cleanup()
        spawn(args, "export_page", profile=str(profile))
        report["profile"] = str(profile)

    return {
        "date": timezone.now().isoformat(timespec="seconds"),
        "today": TODAY.isoformat(),
        "machine": machine(),
        "packages": package_versions(),
        "source": source_info(args.code_label),
        "database": database_info(),
        "rows": row_counts(),
        "generation": steps,
        **report,
        "goals": goals(report),
    }


def goals(report: dict) -> list[dict]:
    def goal(name, value, limit, unit):
        return {
            "goal": name,
            "value": value,
            "limit": limit,
            "unit": unit,
            "met": value is not None and value <= limit,
        }

    found = []
    if "import" in report:
        total = report["import"]["total_s"]
        found.append(
            goal("import 100k rows (stage+check+commit)", total, GOALS["import_seconds"], "s")
        )
        if "calamine" in report:
            ratio = round(total / report["calamine"]["median_s"], 1)
            found.append(
                goal("import / bare calamine read", ratio, GOALS["import_vs_calamine"], "×")
            )
        peak = report["import"]["peak_rss_mb"]
        found.append(goal("import peak RSS", peak, GOALS["import_peak_mb"], "MB"))
    if "aging" in report:
        aging = report["aging"]
        limit = GOALS["aging_seconds"]
        found.append(goal("company-wide aging_table p95", aging["company_s"]["p95"], limit, "s"))
        found.append(goal("aging_table by team p95", aging["by_team_s"]["p95"], limit, "s"))
        found.append(goal("/receivables/aging/ page p95", aging["page_s"]["p95"], limit, "s"))
    if "export_page" in report:
        seconds = report["export_page"]["seconds"]
        found.append(goal("export ~100k rows (list page)", seconds, GOALS["export_seconds"], "s"))
    return found


def markdown(report: dict) -> str:
    db, machine_info = report["database"], report["machine"]
    rows = report["rows"]
    lines = [
        f"# Receivables benchmark — {db['vendor']}",
        "",
        f"- Run: {report['date']}; measurements see today = {report['today']}",
        f"- Machine: {machine_info['cpus']} CPUs ({machine_info['cpu']}), "
        f"{machine_info['memory']} RAM, {machine_info['platform']}, "
        f"Python {machine_info['python']}, Django {machine_info['django']}",
        "- Packages: " + ", ".join(f"{k} {v}" for k, v in report["packages"].items()),
        f"- Code: duban from {report['source']['duban_path']} ({report['source']['git']})",
        f"- Database: {db['version']} ({db['size_bytes'] / 2**20:,.0f} MiB"
        f"{', ANALYZEd' if db['analyzed'] else ', no ANALYZE statistics'}); "
        f"{rows['Receivable']:,} receivables ({rows['Receivable (open)']:,} open), "
        f"{rows['Partner']:,} customers, {rows['Team']} teams",
        f"- Import file: {report['file']['path']} ({report['file']['bytes'] / 2**20:.1f} MiB, "
        f"{IMPORT_ROWS:,} rows × 15 columns)",
        "- Every measurement runs in a fresh child process; peak RSS is that process's "
        "VmHWM (Django and the app loaded included; MB = 10⁶ bytes; not ru_maxrss, which "
        "an exec'd child inherits from its parent on Linux)",
        "",
        "## Goals",
        "",
        "| goal | measured | limit | |",
        "|---|--:|--:|---|",
    ]
    for goal in report["goals"]:
        verdict = "met" if goal["met"] else "**NOT met**"
        lines.append(
            f"| {goal['goal']} | {goal['value']} {goal['unit']} | {goal['limit']:g} {goal['unit']} "
            f"| {verdict} |"
        )
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
            f"As the admin, `as_of` {report['today']}, into the database above; the "
            f"{IMPORT_ROWS:,} rows were deleted again afterwards. Check and commit ran in "
            "separate processes, as they are separate requests.",
            "",
            "| step | seconds | SQL statements | SQL execute s | peak RSS | RSS before |",
            "|---|--:|--:|--:|--:|--:|",
            f"| stage (ImportBatch + file) | {check['stage_s']:.2f} | | | | |",
            f"| check (read, parse, validate, compare) | {check['check_s']:.2f} "
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
            f"Counts: {check['counts']}; committed: {commit['status']}, "
            f"{commit['imported']:,} rows in the database after the commit; "
            f"ignored headers: {', '.join(check['ignored_headers']) or 'none'}.",
        ]
        if check["first_errors"] or commit["error"]:
            lines += ["", f"Errors: {check['first_errors']} {commit['error']}"]
    if "reimport" in report:
        again = report["reimport"]
        check, commit = again["check"], again["commit"]
        lines += [
            "",
            f"### The same table again, {REIMPORT_CHANGED:,} rows changed",
            "",
            f"Right after, the same rows as CSV with the note of the first {REIMPORT_CHANGED:,} "
            f"changed: check {check['check_s']:.2f} s, commit {commit['commit_s']:.2f} s "
            f"(each changed row updated by key, with a history entry of its state before and "
            f"after), **total {again['total_s']:.2f} s**. Counts: {check['counts']}; "
            f"committed: {commit['status']}.",
            "",
            "Commit: " + ", ".join(f"{k} {v} s" for k, v in commit["commit_split"].items()) + ".",
        ]
        if check["first_errors"] or commit["error"]:
            lines += ["", f"Errors: {check['first_errors']} {commit['error']}"]
    if "import_export" in report:
        iex = report["import_export"]
        lines += [
            "",
            "## 3. django-import-export (use_bulk, skip_diff, CachedInstanceLoader)",
            "",
            "A ModelResource with the same 15 columns; customer, team and lead by name through "
            "a ForeignKeyWidget subclass that loads each lookup table once (the stock widget "
            "runs one query per row and column); category and status labels mapped to their "
            "values; every customer of the file exists already (it creates none, nor does "
            "it check paid + outstanding = amount or derive the status: the file's status "
            "column is taken as is). The file is read by its XLSX format (openpyxl). The "
            "dry run and the import ran in separate processes, as in its admin (the confirm "
            "step reads the file again).",
            "",
            "| step | read s | import s | total s | SQL statements | peak RSS | result |",
            "|---|--:|--:|--:|--:|--:|---|",
        ]
        for label, part in (("dry run", iex["dry_run"]), ("import", iex["import"])):
            outcome = part["totals"] | {"errors": part["has_errors"]}
            lines.append(
                f"| {label} | {part['read_s']:.2f} | {part['import_s']:.2f} "
                f"| {part['total_s']:.2f} | {part['sql']['statements']} "
                f"| {part['peak_rss_mb']:.0f} MB | {outcome} |"
            )
        lines.append(
            f"| **total** | | | **{iex['total_s']:.2f}** | | **{iex['peak_rss_mb']:.0f} MB** | "
            f"{iex['import']['imported']:,} rows written |"
        )
        errors = iex["dry_run"]["first_errors"] + iex["import"]["first_errors"]
        if errors:
            lines += ["", f"Errors: {errors[:5]}"]
        if "import" in report:
            ratio = iex["total_s"] / report["import"]["total_s"]
            lines += ["", f"Ours vs django-import-export (total): {ratio:.1f}× faster."]
    if "aging" in report:
        aging = report["aging"]
        lines += [
            "",
            f"## 4. Aging (basis: {aging['basis']})",
            "",
            f"Open receivables with something outstanding: {aging['company']['open_rows']:,}, "
            f"outstanding {float(aging['company']['outstanding']):,.2f} 元.",
            "",
            "| what | p50 s | p95 s | min s | max s |",
            "|---|--:|--:|--:|--:|",
        ]
        for label, key in (
            ("aging_table(Receivable.objects.open()) company-wide", "company_s"),
            (f"aging_table(..., by='team') ({aging['by_team_rows']} rows)", "by_team_s"),
            (
                f"/receivables/aging/ as duban1 ({aging['page_queries']} queries, "
                f"{aging['page_bytes'] / 1024:,.0f} KiB)",
                "page_s",
            ),
        ):
            s = aging[key]
            lines.append(f"| {label} | {s['p50']} | {s['p95']} | {s['min']} | {s['max']} |")
        lines += ["", "Slowest queries of the page (median of 3, re-executed alone):", ""]
        for query in aging["page_top_queries"]:
            lines.append(f"- {query['seconds']:.3f} s: `{query['sql'][:600]}`")
        for query in aging["page_top_queries"]:
            if "plan" in query:
                lines += ["", f"Plan of the {query['seconds']:.3f} s query:", "", "```"]
                lines += [query["plan"], "```"]
    if "export_page" in report:
        page, direct = report["export_page"], report["export_direct"]
        lines += [
            "",
            "## 5. Export of about 100,000 rows to xlsx",
            "",
            "| what | rows | seconds | peak RSS | RSS before |",
            "|---|--:|--:|--:|--:|",
            f"| `{page['url']}` as admin (HTTP {page['status']}, "
            f"{page['bytes'] / 2**20:.1f} MiB, {page['sql']['statements']} statements) "
            f"| {page['rows']:,} | {page['seconds']:.2f} | {page['peak_rss_mb']:.0f} MB "
            f"| {page['rss_before_mb']:.0f} MB |",
            f"| write_xlsx(queryset.iterator(chunk_size=2000), EXPORT_COLUMNS) "
            f"| {direct['rows']:,} | {direct['write_xlsx_s']:.2f} | {direct['peak_rss_mb']:.0f} MB "
            f"| {direct['rss_before_mb']:.0f} MB |",
            f"| the same rows, ORM only (select_related customer, team, lead) | "
            f"| {direct['orm_only_s']:.2f} | | |",
            f"| ORM + every EXPORT_COLUMNS value, no xlsx | "
            f"| {direct['orm_and_values_s']:.2f} | | |",
        ]
    lines += ["", "## Rows", "", "| model | rows |", "|---|--:|"]
    lines += [f"| {model} | {count:,} |" for model, count in rows.items()]
    if report["generation"]:
        gen = report["generation"]
        steps = ", ".join(f"{k} {v} s" for k, v in gen["seconds"].items())
        lines += ["", f"Generated (seed {gen['seed']}) at {gen['at']}: {steps}."]
    if report.get("profile"):
        lines += ["", f"cProfile output: {report['profile']}"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres", "env"],
        default="sqlite",
        help="sqlite: DATA_DIR/bench_receivables.sqlite3; postgres: DUBAN_DATABASE_URL or "
        "postgres://postgres@127.0.0.1:5432/duban_bench_ar; env: DUBAN_DATABASE_URL as is",
    )
    parser.add_argument("--sqlite-path", help="another SQLite file")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reps", type=int, default=10, help="aging repetitions")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--calamine-reps", type=int, default=3)
    parser.add_argument(
        "--only", help="comma-separated: calamine,import,import_export,aging,export"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile the import and the export"
    )
    parser.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="run ANALYZE on SQLite first (Duban itself never does; PostgreSQL is always "
        "VACUUM ANALYZEd, as autovacuum would)",
    )
    parser.add_argument("--code-label", help="what code ran, when not a git checkout")
    parser.add_argument("--out", default=str(BENCH_DIR / "results"), help="results folder")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args)

    began = time.perf_counter()
    configure(args.db, args.sqlite_path)
    report = run(args)
    report["seconds"] = round(time.perf_counter() - began, 1)

    from django.db import connection

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"receivables-{connection.vendor}"
    stem.with_suffix(".json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    )
    stem.with_suffix(".md").write_text(markdown(report))
    print()
    for goal in report["goals"]:
        verdict = "met" if goal["met"] else "NOT met"
        value = f"{goal['value']} {goal['unit']}"
        print(f"{goal['goal']:<42}{value:>12} ≤ {goal['limit']:g}: {verdict}")
    print(f"Written {stem}.md/.json in {report['seconds']} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
