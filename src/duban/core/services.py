"""Writes shared by every app."""

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

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
# (COMMITTED) or not at all (FAILED). Check and write report their progress; the pages run them
# in the background for large files (duban.core.jobs).


def import_stage(*, data: bytes, filename: str, kind: str, by, options=None):
    """Keep an upload as an ImportBatch, before anything is read from it."""
    from duban.core.importing import file_hash
    from duban.core.models import ImportBatch

    return ImportBatch.objects.create(
        kind=kind,
        filename=filename,
        file=ContentFile(data, name=filename),
        sha256=file_hash(data),
        uploaded_by=by,
        options=options or {},
    )


def import_recheck(batch, *, mapping: dict[int, str] | None = None) -> bool:
    """Claim a checked (or lost) batch for another check, with the user's column mapping."""
    from duban.core.models import ImportBatch

    fields = {"status": ImportBatch.Status.CHECKING, "report": {}}
    if mapping is not None:
        fields["mapping"] = {str(k): v for k, v in mapping.items()}
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status__in=[ImportBatch.Status.PREVIEWED, ImportBatch.Status.CHECKING]
    ).update(**fields, started_at=timezone.now())
    batch.refresh_from_db()
    return bool(claimed)


def import_check(*, importer, batch, mapping=None, progress=None):
    """Read and validate the kept file; keep on the batch the counts, every error, a sample of
    the rows and the rows as parsed (for the commit), and mark it PREVIEWED.

    An unreadable file (TabularError) or columns to map (MappingRequired) are kept on the
    batch too, then raised.
    """
    from duban.core.importing import MappingRequired, bulk_objects
    from duban.core.models import ImportBatch
    from duban.core.progress import NoProgress
    from duban.core.tabular import TabularError

    if mapping is not None:
        batch.mapping = {str(k): v for k, v in mapping.items()}
    batch.counts, batch.problems, batch.ignored, batch.report = {}, [], [], {}
    if batch.parsed:
        batch.parsed.delete(save=False)
    fields = ["mapping", "counts", "problems", "ignored", "report", "parsed", "status"]
    batch.status = ImportBatch.Status.PREVIEWED
    try:
        with bulk_objects():
            preview = importer.preview(
                _read(batch), batch.filename, _mapping(batch), progress=progress or NoProgress()
            )
    except TabularError as exc:
        batch.report = {"fatal": str(exc)}
        batch.save(update_fields=fields)
        raise
    except MappingRequired as exc:
        batch.report = {
            "mapping_error": str(exc),
            "headers": exc.headers,
            "mapping": {str(k): v for k, v in exc.mapping.items()},
        }
        batch.save(update_fields=fields)
        raise
    batch.counts = preview.counts()
    batch.problems = [[e.line, e.column, e.raw, e.reason] for e in preview.errors]
    batch.ignored = preview.ignored_headers
    batch.report = {"skipped": preview.skipped_lines, "sample": importer.sample(preview)}
    if preview.parsed is not None:
        with preview.parsed:
            preview.parsed.seek(0)
            batch.parsed.save(f"{batch.filename}.rows.json", File(preview.parsed), save=False)
    batch.save(update_fields=fields)
    return preview


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

    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
        status=ImportBatch.Status.COMMITTING, committed_at=None, started_at=timezone.now()
    )
    if not claimed:
        raise ImportAlreadyDone(batch)
    batch.status = ImportBatch.Status.COMMITTING


def import_apply(*, importer, batch, progress=None):
    """Compare the claimed batch's rows with the database again (it may have changed since
    the check) and write them in one transaction, or write nothing.

    Returns the preview; its errors (if the data changed meanwhile) mean nothing was written.
    """
    from duban.core.importing import bulk_objects
    from duban.core.progress import NoProgress

    with bulk_objects():
        return _apply(importer, batch, progress or NoProgress())


def _apply(importer, batch, progress):
    from duban.core.importing import decode_rows
    from duban.core.models import ImportBatch

    rows = None
    if batch.parsed:
        try:
            rows = decode_rows(_read(batch, batch.parsed))
        except (ValueError, TypeError):  # kept by an earlier version of Duban: read the file
            rows = None
    try:
        if rows is not None:
            preview = importer.preview_rows(rows, progress=progress)
        else:
            preview = importer.preview(
                _read(batch), batch.filename, _mapping(batch), progress=progress
            )
        if not preview.ok:
            _finish(
                batch,
                ImportBatch.Status.FAILED,
                preview.counts(),
                error="\n".join(map(str, preview.errors[:50])),
            )
            return preview
        with transaction.atomic():
            importer.write(preview, batch=batch, progress=progress)
            # in the same transaction: COMMITTED if and only if the rows are there
            _finish(batch, ImportBatch.Status.COMMITTED, preview.counts())
    except Exception as exc:
        _finish(batch, ImportBatch.Status.FAILED, batch.counts, error=str(exc) or repr(exc))
        raise
    return preview


def import_commit(*, importer, batch, progress=None):
    """Claim and write a checked batch (the command line and the tests use it)."""
    import_claim(batch)
    return import_apply(importer=importer, batch=batch, progress=progress)


def import_abandon(batch) -> bool:
    """A commit whose process stopped before it finished wrote nothing (one transaction):
    record it as failed, so the user knows and can upload again."""
    from duban.core.models import ImportBatch

    error = _("导入中断（服务重启或出错），没有写入任何数据。")
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.COMMITTING).update(
        status=ImportBatch.Status.FAILED, error=error
    )
    batch.refresh_from_db()
    return bool(claimed)


class ImportAlreadyDone(Exception):
    def __init__(self, batch):
        self.batch = batch
        super().__init__(_("这个文件已经提交过导入，请不要重复提交。"))


def _finish(batch, status, counts, error=""):
    batch.status, batch.counts, batch.error = status, counts, error
    batch.committed_at = timezone.now() if status == batch.Status.COMMITTED else None
    if batch.parsed:  # the checked rows were only needed until the commit
        batch.parsed.delete(save=False)
    fields = ["status", "counts", "error", "committed_at", "parsed"]
    batch.save(update_fields=fields)
