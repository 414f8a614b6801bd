"""Writes shared by every app."""

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
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
    """Claim a checked, failed or lost batch for another check, with the user's column
    mapping if given."""
    from duban.core.models import ImportBatch

    fields = {"status": ImportBatch.Status.CHECKING, "report": {}, "error": ""}
    if mapping is not None:
        fields["mapping"] = {str(k): v for k, v in mapping.items()}
    claimed = ImportBatch.objects.filter(
        pk=batch.pk,
        status__in=[  # a check lost with its process, a refused commit: checked again
            ImportBatch.Status.PREVIEWED,
            ImportBatch.Status.CHECKING,
            ImportBatch.Status.FAILED,
        ],
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
    """Write the claimed batch's rows as checked, in one transaction, or write nothing.

    The check kept each row with its outcome, so the commit neither parses the file nor
    compares it again; within the transaction it only makes sure that no existing row changed
    since (``Importer.stale``) and that no new key appeared (the unique constraint). Either
    refuses the whole commit (FAILED, with the reason); the user checks the file again.
    Returns the preview.
    """
    from duban.core.importing import bulk_objects
    from duban.core.progress import NoProgress

    with bulk_objects():
        return _apply(importer, batch, progress or NoProgress())


def _apply(importer, batch, progress):
    from duban.core.importing import decode_preview
    from duban.core.models import ImportBatch

    preview = None
    if batch.parsed:
        try:
            preview = decode_preview(_read(batch, batch.parsed))
        except (ValueError, TypeError, KeyError):  # kept by an earlier version: read the file
            preview = None
    try:
        if preview is None:
            preview = importer.preview(
                _read(batch), batch.filename, _mapping(batch), progress=progress
            )
        if not preview.ok:
            error = "\n".join(map(str, preview.errors[:50]))
            _finish(batch, ImportBatch.Status.FAILED, preview.counts(), error=error)
            return preview
        with transaction.atomic():
            progress("compare", force=True)
            if stale := importer.stale(preview):
                raise ImportConflict(
                    _(
                        "检查之后，有 %(count)d 行已被他人修改（%(keys)s）。为避免覆盖他人的修改，"
                        "本次没有导入任何数据，请重新检查后再导入。"
                    )
                    % {"count": len(stale), "keys": "、".join(stale[:5])}
                )
            importer.write(preview, batch=batch, progress=progress)
            # in the same transaction: COMMITTED if and only if the rows are there
            _finish(batch, ImportBatch.Status.COMMITTED, preview.counts())
    except ImportConflict as exc:
        _finish(batch, ImportBatch.Status.FAILED, batch.counts, error=str(exc))
    except IntegrityError as exc:  # e.g. someone added one of the new keys meanwhile
        error = _(
            "写入时与现有数据冲突（可能有人同时导入了相同的数据），本次没有导入任何数据，"
            "请重新检查后再导入。详情：%(detail)s"
        ) % {"detail": exc}
        _finish(batch, ImportBatch.Status.FAILED, batch.counts, error=error)
    except Exception as exc:
        _finish(batch, ImportBatch.Status.FAILED, batch.counts, error=str(exc) or repr(exc))
        raise
    return preview


class ImportConflict(Exception):
    """Rows changed between the check and the commit: the commit is refused."""


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
