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


def import_stage(*, data: bytes, filename: str, kind: str, by):
    """Keep an upload as an ImportBatch, before anything is read from it."""
    from duban.core.importing import file_hash
    from duban.core.models import ImportBatch

    return ImportBatch.objects.create(
        kind=kind,
        filename=filename,
        file=ContentFile(data, name=filename),
        sha256=file_hash(data),
        uploaded_by=by,
    )


def import_check(*, importer, batch, mapping=None):
    """Read and validate the kept file; record counts, every error and the column mapping.

    Raises TabularError (unreadable file) or MappingRequired (the user must map columns).
    """
    if mapping is not None:
        batch.mapping = {str(k): v for k, v in mapping.items()}
    preview = importer.preview(_read(batch), batch.filename, _mapping(batch))
    batch.counts = preview.counts()
    batch.problems = [[e.line, e.column, e.raw, e.reason] for e in preview.errors]
    batch.ignored = preview.ignored_headers
    if batch.parsed:
        batch.parsed.delete(save=False)
    if preview.parsed is not None:
        with preview.parsed:
            preview.parsed.seek(0)
            batch.parsed.save(f"{batch.filename}.rows.json", File(preview.parsed), save=False)
    batch.save(update_fields=["mapping", "counts", "problems", "ignored", "parsed"])
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


def import_commit(*, importer, batch):
    """Validate the kept file again and write it in one transaction, or write nothing.

    The batch is claimed first, so a double click or two people cannot import it twice.
    Returns the preview; its errors (if the data changed meanwhile) mean nothing was written.
    """
    from duban.core.models import ImportBatch

    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
        status=ImportBatch.Status.COMMITTING
    )
    if not claimed:
        raise ImportAlreadyDone(batch)
    if batch.parsed:
        preview = importer.preview_parsed(_read(batch, batch.parsed))
    else:
        preview = importer.preview(_read(batch), batch.filename, _mapping(batch))
    if not preview.ok:
        _finish(
            batch,
            ImportBatch.Status.FAILED,
            preview,
            error="\n".join(map(str, preview.errors[:50])),
        )
        return preview
    try:
        with transaction.atomic():
            importer.write(preview, batch=batch)
    except Exception as exc:
        _finish(batch, ImportBatch.Status.FAILED, preview, error=str(exc))
        raise
    _finish(batch, ImportBatch.Status.COMMITTED, preview)
    return preview


class ImportAlreadyDone(Exception):
    def __init__(self, batch):
        self.batch = batch
        super().__init__(_("这个文件已经提交过导入，请不要重复提交。"))


def _finish(batch, status, preview, error=""):
    from django.utils import timezone

    batch.status, batch.counts, batch.error = status, preview.counts(), error
    batch.progress = 100
    batch.committed_at = timezone.now() if status == batch.Status.COMMITTED else None
    if batch.parsed:  # the checked rows were only needed until the commit
        batch.parsed.delete(save=False)
    fields = ["status", "counts", "error", "progress", "committed_at", "parsed"]
    batch.save(update_fields=fields)
