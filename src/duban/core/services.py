"""Writes shared by every app."""

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duban.core.exporting import ExportColumn, write_xlsx
from duban.core.models import VersionedModel


class StaleEditError(Exception):
    """The record changed since the user loaded it; saving would overwrite someone else's edit."""

    def __init__(self, obj: models.Model):
        self.obj = obj
        super().__init__(stale_edit_message(obj))


def stale_edit_message(obj: models.Model) -> str:
    latest = obj.history.select_related("history_user").first() if hasattr(obj, "history") else None
    if latest is None or latest.history_user is None:
        return _("保存失败：这条记录在您打开之后已被他人修改。请刷新页面，查看最新内容后重新编辑。")
    return _(
        "保存失败：这条记录在您打开之后已被 %(who)s 于 %(when)s 修改。"
        "请刷新页面，查看最新内容后重新编辑。"
    ) % {
        "who": latest.history_user.display_name,
        "when": timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M"),
    }


def save_versioned(obj: VersionedModel, *, expected_version: int, fields: list[str] | None = None):
    """Save ``obj`` only if nobody saved it since ``expected_version`` was read.

    The version is claimed with a conditional UPDATE inside the transaction, so of two
    simultaneous edits of the same version exactly one wins and the other gets StaleEditError.
    """
    model = type(obj)
    with transaction.atomic():
        claimed = model.objects.filter(pk=obj.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise StaleEditError(model.objects.get(pk=obj.pk))
        obj.version = expected_version + 1
        obj.save(update_fields=None if fields is None else [*fields, "version"])
    return obj


# --- imports ---------------------------------------------------------------------------------
#
# An upload is kept as an ImportBatch (CHECKING), checked (PREVIEWED, with its counts, errors
# and a sample kept on the batch), then claimed (COMMITTING) and written in one transaction
# (COMMITTED) or not at all (FAILED). The pages run the check and the write in the background
# for large files (duban.core.tasks). Each claim stamps the batch's ``started_at``, and a run
# records its outcome only if the batch is still in the state and stamp it claimed: a check or
# commit given up as lost, or a second click, can never overwrite what came after it.


# A check keeps its first errors on the batch, for its page and the API; with more, every error
# goes to an error file (one 200,000-error file had kept 62 MB of errors on its record).
KEPT_ERRORS = 1000
ERROR_COLUMNS = [
    ExportColumn("行号", lambda e: e[0], kind="number", width=8),
    ExportColumn("列", lambda e: e[1], width=16),
    ExportColumn("原始值", lambda e: e[2], width=24),
    ExportColumn("原因", lambda e: e[3], width=60),
]
KEPT_FILES = ("file", "parsed", "errors_file")
KEPT_REPORT = ("skipped", "notes", "error_columns", "fatal")  # what a purge keeps: no cells


def import_stage(
    *, data: bytes, filename: str, kind: str, by, options=None, importer="", language=""
):
    """Keep an upload as an ImportBatch, before anything is read from it; ``importer`` (the
    dotted path of the area's importer factory) lets a worker run it in ``language``."""
    from duban.core.importing import file_hash
    from duban.core.models import ImportBatch

    return ImportBatch.objects.create(
        kind=kind,
        filename=filename,
        file=ContentFile(data, name=filename),
        sha256=file_hash(data),
        uploaded_by=by,
        options=options or {},
        importer=importer,
        language=language,
    )


def import_recheck(
    batch, *, mapping: dict[int, str] | None = None, options=None, lost: bool = False
) -> bool:
    """Claim a checked or refused batch, or one whose check was ``lost`` with its process,
    for another check (with the user's column mapping and the values the whole table
    shares, if given)."""
    from duban.core.models import ImportBatch

    Status = ImportBatch.Status
    claimable = Q(status__in=[Status.PREVIEWED, Status.FAILED])
    if lost:
        claimable |= Q(status=Status.CHECKING, started_at=batch.started_at)
    claimable &= Q(files_removed_at__isnull=True)  # nothing left to check
    fields = {"status": Status.CHECKING, "report": {}, "error": "", "counts": {}, "problems": []}
    if mapping is not None:
        fields["mapping"] = {str(k): v for k, v in mapping.items()}
    if options:
        fields["options"] = {**batch.options, **options}
    claimed = ImportBatch.objects.filter(claimable, pk=batch.pk).update(
        **fields, started_at=timezone.now()
    )
    batch.refresh_from_db()
    return bool(claimed)


def import_check(*, importer, batch, mapping=None, progress=None):
    """Read and validate the kept file; keep on the batch the counts, every error, a sample of
    the rows and the rows as checked (for the commit), and mark it PREVIEWED.

    An unreadable file (TabularError) or columns to map (MappingRequired) are kept on the
    batch too, then raised.
    """
    from duban.core.importing import MappingRequired, bulk_objects
    from duban.core.models import ImportBatch
    from duban.core.progress import NoProgress
    from duban.core.tabular import TabularError

    if mapping is not None:
        batch.mapping = {str(k): v for k, v in mapping.items()}
    outcome = {
        "status": ImportBatch.Status.PREVIEWED,
        "mapping": batch.mapping,
        "counts": {},
        "problems": [],
        "ignored": [],
    }
    try:
        with bulk_objects():
            preview = importer.preview(
                _read(batch), batch.filename, _mapping(batch), progress=progress or NoProgress()
            )
    except TabularError as exc:
        _settle(batch, ImportBatch.Status.CHECKING, **outcome, report={"fatal": str(exc)})
        raise
    except MappingRequired as exc:
        report = {
            "mapping_error": str(exc),
            "headers": exc.headers,
            "mapping": {str(k): v for k, v in exc.mapping.items()},
            "choices": [
                {"name": c.name, "label": c.label, "choices": c.choices} for c in exc.choices
            ],
        }
        _settle(batch, ImportBatch.Status.CHECKING, **outcome, report=report)
        raise
    except Exception:  # a fault of ours: said on the page (never its raw text), raised for the log
        fatal = _(
            "检查这个文件时出错，没有导入任何数据。错误已记入系统日志（%(when)s），请联系管理员。"
        )
        fatal %= {"when": _log_stamp()}
        _settle(batch, ImportBatch.Status.CHECKING, **outcome, report={"fatal": fatal})
        raise
    problems = [[e.line, e.column, e.raw, e.reason] for e in preview.errors]
    outcome |= {
        "counts": preview.counts(),
        "problems": problems[:KEPT_ERRORS],
        "ignored": preview.ignored_headers,
        "report": {
            "skipped": preview.skipped_lines,
            "sample": importer.sample(preview),
            "notes": preview.notes,
            "error_columns": Counter(e.column for e in preview.errors).most_common(),
        },
    }
    errors = _error_file(problems) if len(problems) > KEPT_ERRORS else None
    _settle(batch, ImportBatch.Status.CHECKING, **outcome, parsed=preview.parsed, errors=errors)
    return preview


def _error_file(problems: list[list]):
    """Every error of a check, as the workbook its page offers to download."""
    target = tempfile.TemporaryFile()
    write_xlsx(problems, ERROR_COLUMNS, sheet="错误", target=target)
    return target


def import_errors_file(batch):
    """The stored list of every error of the batch's check, or None when its errors are all on
    the batch (``problems``)."""
    return batch.errors_file.open("rb") if batch.errors_file else None


def _settle(batch, claimed: str, *, parsed=None, errors=None, **fields) -> bool:
    """Record a run's outcome if the batch is still as the run claimed it (status and stamp);
    a check's outcome (its ``report``) replaces the batch's files of the checked rows and of
    its errors with ``parsed`` and ``errors``, if any. Returns whether it was recorded."""
    from duban.core.models import ImportBatch

    stem = Path(batch.filename).stem
    stored = {
        name: _keep(batch, name, file, suffix)
        for name, file, suffix in [
            ("parsed", parsed, f"{batch.filename}.rows.jsonl"),
            ("errors_file", errors, f"{stem}-错误.xlsx"),
        ]
        if file is not None
    }
    previous = {name: getattr(batch, name).name for name in ("parsed", "errors_file")}
    if fields.get("status") in {ImportBatch.Status.COMMITTED, ImportBatch.Status.FAILED}:
        fields["parsed"] = ""  # the checked rows were only needed until the commit
    elif "report" in fields:
        fields["parsed"] = stored.get("parsed", "")
        fields["errors_file"] = stored.get("errors_file", "")
    recorded = ImportBatch.objects.filter(
        pk=batch.pk, status=claimed, started_at=batch.started_at
    ).update(**fields)
    if recorded:
        unused = [old for name, old in previous.items() if name in fields and old != fields[name]]
    else:
        unused = list(stored.values())
    for name in filter(None, unused):
        transaction.on_commit(lambda name=name: default_storage.delete(name))
    batch.refresh_from_db()
    return bool(recorded)


def _keep(batch, field: str, file, name: str) -> str:
    """Store a temporary file as the batch's ``field`` would; returns its name in storage."""
    with file:
        file.seek(0)
        return default_storage.save(
            getattr(batch, field).field.generate_filename(batch, name), File(file)
        )


def imports_purge(*, now=None) -> int:
    """Remove the files of uploads older than settings.IMPORT_RETENTION_DAYS (the upload, its
    checked rows and its error list) and the cells its record copied from them (its errors,
    the sample of its rows); the record stays, with its counts, noting when. A batch being
    checked or imported is left for the next run. Returns how many batches lost their files.
    """
    from duban.core.models import ImportBatch

    now = now or timezone.now()
    Status = ImportBatch.Status
    old = ImportBatch.objects.filter(
        created_at__lt=now - dt.timedelta(days=settings.IMPORT_RETENTION_DAYS),
        files_removed_at__isnull=True,
    ).exclude(status__in=[Status.CHECKING, Status.COMMITTING])
    purged = 0
    for batch in old.only("pk", "status", "started_at", "report", *KEPT_FILES).iterator():
        names = [getattr(batch, name).name for name in KEPT_FILES]
        removed = ImportBatch.objects.filter(
            pk=batch.pk, status=batch.status, started_at=batch.started_at
        ).update(
            files_removed_at=now,
            problems=[],
            report={k: v for k, v in batch.report.items() if k in KEPT_REPORT},
            **dict.fromkeys(KEPT_FILES, ""),
        )
        for name in filter(None, names) if removed else ():
            default_storage.delete(name)
        purged += removed
    return purged


def import_discard(batch) -> None:
    """Forget an upload that will not be imported (a dry run): its record and its files."""
    for file in (batch.file, batch.parsed):
        if file:
            file.delete(save=False)
    batch.delete()


def import_preview(*, importer, data: bytes, filename: str, kind: str, by, mapping=None):
    """Stage and check an upload in one step (the command line and the tests use it)."""
    batch = import_stage(data=data, filename=filename, kind=kind, by=by)
    return batch, import_check(importer=importer, batch=batch, mapping=mapping or {})


def _read(batch, file=None) -> bytes:
    file = file or batch.file
    file.open("rb")
    try:
        return file.read()
    finally:
        file.close()


def _mapping(batch) -> dict[int, str]:
    return {int(k): v for k, v in batch.mapping.items()}


def import_claim(batch) -> None:
    """Claim a checked batch for its commit: a double click or two people cannot import it
    twice. Raises ImportAlreadyDone."""
    from duban.core.models import ImportBatch

    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status=ImportBatch.Status.PREVIEWED, files_removed_at__isnull=True
    ).update(status=ImportBatch.Status.COMMITTING, committed_at=None, started_at=timezone.now())
    batch.refresh_from_db()
    if not claimed:
        raise ImportAlreadyDone(batch)


def import_apply(*, importer, batch, progress=None):
    """Write the claimed batch's rows as checked, in one transaction, or write nothing.

    The check kept each row with its outcome, so the commit neither parses the file nor
    compares it again; within the transaction the importer says whether anything since
    forbids it (``Importer.refusal``: a row someone changed, a team this user may not import
    into), and a new key that appeared meanwhile breaks the unique constraint. Either refuses
    the whole commit (FAILED, with the reason); the user checks the file again.
    Returns the preview.
    """
    from duban.core.importing import bulk_objects, decode_preview
    from duban.core.models import ImportBatch
    from duban.core.progress import NoProgress

    Status, progress = ImportBatch.Status, progress or NoProgress()
    preview = None
    try:
        with bulk_objects():
            if batch.parsed:
                try:
                    preview = decode_preview(_read(batch, batch.parsed))
                except (ValueError, TypeError, KeyError):  # kept by an earlier version
                    preview = None
            if preview is None:
                data = _read(batch)
                preview = importer.preview(data, batch.filename, _mapping(batch), progress=progress)
        if not preview.ok:
            error = "\n".join(map(str, preview.errors[:50]))
            _settle(batch, Status.COMMITTING, status=Status.FAILED, error=error)
            return preview
        staging = importer.staging(preview, batch=batch, progress=progress)
        with bulk_objects(), staging, transaction.atomic():
            _bound_lock_waits()  # the collector waits too: no commit may wait on a lock forever
            progress("compare", force=True)
            if refusal := importer.refusal(preview):
                raise ImportConflict(refusal)
            importer.write(preview, batch=batch, progress=progress)
            # in the same transaction: COMMITTED if and only if the rows are there; and if
            # the commit was given up as lost meanwhile, its rows go with it
            done = {"status": Status.COMMITTED, "error": "", "committed_at": timezone.now()}
            if not _settle(batch, Status.COMMITTING, counts=preview.counts(), **done):
                raise ImportAbandoned
    except ImportAbandoned:
        pass
    except ImportConflict as exc:
        _settle(batch, Status.COMMITTING, status=Status.FAILED, error=str(exc))
    except IntegrityError:  # e.g. someone added one of the new keys meanwhile
        error = _(
            "写入时与现有数据冲突（可能有人同时导入了相同的记录），本次没有导入任何数据，"
            "请重新检查后再导入。"
        )
        _settle(batch, Status.COMMITTING, status=Status.FAILED, error=error)
    except Exception:  # a fault of ours: said on the page (never its raw text), raised for the log
        error = _("导入时出错，没有导入任何数据。错误已记入系统日志（%(when)s），请联系管理员。")
        _settle(
            batch, Status.COMMITTING, status=Status.FAILED, error=error % {"when": _log_stamp()}
        )
        raise
    return preview


def _log_stamp() -> str:
    """When a fault was logged, for the administrator to find it in the log."""
    return timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")


def _bound_lock_waits() -> None:
    """On PostgreSQL, give up a row lock after a minute (SQLite's busy timeout does so)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '60s'")


class ImportConflict(Exception):
    """Something changed between the check and the commit: the commit is refused."""


class ImportAbandoned(Exception):
    """The commit was recorded as lost while it ran: its writes are rolled back."""


def import_commit(*, importer, batch, progress=None):
    """Claim and write a checked batch (the command line and the tests use it)."""
    import_claim(batch)
    return import_apply(importer=importer, batch=batch, progress=progress)


def import_abandon(batch) -> bool:
    """Record as failed a commit given up as lost with its process: it wrote nothing (one
    transaction), and should it still be running, it will not write anything (its outcome is
    recorded only if the batch is still as it claimed it)."""
    from duban.core.models import ImportBatch

    error = _("导入中断（服务重启或出错），没有写入任何数据。")
    return _settle(
        batch, ImportBatch.Status.COMMITTING, status=ImportBatch.Status.FAILED, error=error
    )


class ImportAlreadyDone(Exception):
    def __init__(self, batch):
        self.batch = batch
        if batch.files_removed_at:
            super().__init__(_("这个文件已超过保留期限被删除，不能再导入，请重新上传。"))
        else:
            super().__init__(_("这个文件已经提交过导入，请不要重复提交。"))
