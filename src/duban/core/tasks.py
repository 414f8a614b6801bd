"""Background work: a large import's check and commit, queued in the database
(django-tasks) and run by `duban worker`, which may run on another machine.

A run belongs to the batch's current claim (its stamp, ``started_at``): a run whose claim was
given up meanwhile records nothing (duban.core.services). A run whose worker died shows no
sign of life on its batch; ``imports_recover`` (run by `duban tick` and when a worker starts)
checks such a file again, or records such a commit as failed having written nothing, so the
user can commit it again.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import task

from duban.core.importing import MappingRequired
from duban.core.models import ImportBatch
from duban.core.progress import QUEUED, NoProgress, Progress, is_lost
from duban.core.services import import_abandon, import_apply, import_check, import_recheck
from duban.core.tabular import TabularError

RUNNING = [ImportBatch.Status.CHECKING, ImportBatch.Status.COMMITTING]


def run_check(importer, batch, progress) -> None:
    try:
        import_check(importer=importer, batch=batch, progress=progress)
    except (TabularError, MappingRequired):
        pass  # kept on the batch for its page; any other fault is kept too, and logged


def run_apply(importer, batch, progress) -> None:
    import_apply(importer=importer, batch=batch, progress=progress)


STAGES = {"check": run_check, "apply": run_apply}


def importer_path(factory) -> str:
    """How a task names an area's importer factory: its dotted path."""
    return f"{factory.__module__}.{factory.__qualname__}"


def enqueue_import(batch, *, stage: str) -> None:
    """Queue the batch's current run (check or apply) for a worker."""
    ImportBatch.objects.filter(pk=batch.pk, started_at=batch.started_at).update(
        progress={"stage": QUEUED, "done": 0, "total": 0}, beat=None
    )
    batch.refresh_from_db(fields=["progress", "beat"])
    run_import.enqueue(batch_id=batch.pk, stamp=batch.started_at.isoformat(), stage=stage)


def run_now(batch, *, stage: str, progress=None) -> None:
    """Run a stage of the batch's import here and now (a small file, within the request)."""
    user = get_user_model().objects.get(pk=batch.uploaded_by_id)
    work = import_string(batch.importer)(user, batch.options)
    with translation.override(batch.language or translation.get_language()):
        STAGES[stage](work, batch, progress or NoProgress())


@task()
def run_import(*, batch_id: int, stamp: str, stage: str) -> str:
    """Run one stage of an import for the claim ``stamp``; returns what became of it."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.started_at.isoformat() != stamp or batch.status not in RUNNING:
        return "superseded"  # checked again, committed or given up meanwhile
    progress = Progress(batch)
    with progress.reporting():
        run_now(batch, stage=stage, progress=progress)
    batch.refresh_from_db()
    return batch.status


def imports_recover(*, now=None) -> dict[str, int]:
    """Runs whose worker died: check such files again (queued for a worker), and record such
    commits as failed having written nothing (their page offers to import again)."""
    now = now or timezone.now()
    rechecked = abandoned = 0
    for batch in ImportBatch.objects.filter(status__in=RUNNING).listed():
        if not is_lost(batch, now):
            continue
        if batch.status == ImportBatch.Status.COMMITTING:
            abandoned += import_abandon(batch)
        elif batch.importer and import_recheck(batch, lost=True):
            enqueue_import(batch, stage="check")
            rechecked += 1
    return {"imports_rechecked": rechecked, "imports_abandoned": abandoned}
