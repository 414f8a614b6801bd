"""Imports through the API, by the pages' own machinery (duban.core.import_views and
duban.core.services): upload a table of an importable kind, it is checked (at once, or by
`duban worker` when large), read the check's outcome with every error, map columns and check
again if asked to, then commit it all or nothing."""

import datetime as dt
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from duban.aftersales.urls import case_import
from duban.api.errors import invalid
from duban.api.filters import Id
from duban.api.pagination import Pages
from duban.api.schemas import READ_ERRORS, WRITE_ERRORS, LocalDateTime
from duban.core.access import get_object_for_user
from duban.core.import_views import STAGES
from duban.core.importing import IGNORE
from duban.core.models import ImportBatch
from duban.core.progress import is_lost
from duban.core.services import (
    ImportAlreadyDone,
    import_abandon,
    import_claim,
    import_recheck,
    import_stage,
)
from duban.core.tasks import enqueue_import, importer_path, run_now
from duban.core.transitions import TransitionError
from duban.leads.urls import lead_import, summary_import
from duban.people.urls import attendance_import, roster_import
from duban.projects.urls import actuals_import
from duban.projects.urls import table_import as project_import
from duban.receivables.urls import table_import as receivable_import
from duban.resources.urls import table_import as resource_import

router = Router(tags=[gettext_lazy("导入")])

# every table the pages import, by kind (ImportFlow.kind)
FLOWS = {
    flow.kind: flow
    for flow in [
        receivable_import,
        resource_import,
        roster_import,
        attendance_import,
        lead_import,
        summary_import,
        project_import,
        actuals_import,
        case_import,
    ]
}
Kind = Literal[tuple(FLOWS)]
ERRORS_SHOWN = 500  # as the preview page; every error is on the batch
Batch = ImportBatch.Status


class ColumnOut(Schema):
    field: str
    label: str
    required: bool


class OptionOut(Schema):
    name: str
    label: str
    required: bool


class KindOut(Schema):
    kind: str
    title: str
    allowed: bool = Field(description=gettext_lazy("您的角色能否导入这类表格"))
    columns: list[ColumnOut]
    options: list[OptionOut] = Field(description=gettext_lazy("上传时可一并提交的表单字段"))


class ProblemOut(Schema):
    line: int | None
    column: str
    raw: str
    reason: str


class ChoiceOut(Schema):
    name: str
    label: str
    choices: list[tuple[str, str]]


class MappingOut(Schema):
    message: str
    headers: list[str] = Field(description=gettext_lazy("文件的表头，按列的顺序（从 0 起）"))
    mapping: dict[str, str] = Field(description=gettext_lazy("已认出的列：列序号 → 字段"))
    columns: list[ColumnOut]
    choices: list[ChoiceOut] = Field(description=gettext_lazy("整张表共用、须选定的值"))


class ProgressOut(Schema):
    stage: str
    label: str
    done: int
    total: int


class ImportRow(Schema):
    id: int
    kind: str
    filename: str
    status: str
    created_at: LocalDateTime
    committed_at: LocalDateTime | None
    counts: dict[str, int]


class ImportOut(ImportRow):
    error: str = Field(description=gettext_lazy("提交失败的原因"))
    errors: list[ProblemOut] = Field(description=gettext_lazy("逐行错误（最多列出 500 处）"))
    error_count: int
    ignored_columns: list[str]
    skipped_lines: list[int]
    notes: list[str]
    fatal: str | None = Field(description=gettext_lazy("文件无法读取的原因"))
    mapping_required: MappingOut | None
    progress: ProgressOut | None
    lost: bool = Field(description=gettext_lazy("后台检查或导入已中断，可重新检查或提交"))


class UploadIn(Schema):
    """The upload's form fields besides ``file`` (xlsx, xls, ods or csv)."""

    kind: Kind = Field(description=gettext_lazy("表格类型（见 /imports/kinds）"))
    as_of: dt.date | None = Field(None, description=gettext_lazy("截至日期（账表类，默认今天）"))
    team: Id | None = Field(None, description=gettext_lazy("团队（表中没有团队列时）"))
    training: Id | None = Field(None, description=gettext_lazy("培训（签到/成绩表）"))


class RecheckIn(Schema):
    mapping: dict[str, str] | None = Field(
        None, description=gettext_lazy("列序号（从 0 起）→ 字段；字段为空表示不导入这一列")
    )
    options: dict[str, str] | None = Field(
        None, description=gettext_lazy("整张表共用的值：名称 → 所选的值")
    )


@router.get(
    "/imports/kinds",
    response={200: list[KindOut], **READ_ERRORS},
    summary=gettext_lazy("可导入的表格"),
    url_name="import_kinds",
)
def import_kinds(request):
    user = request.auth_user
    return [
        {
            "kind": kind,
            "title": str(flow.title),
            "allowed": user.role in flow.roles,
            # an importer is made for a user who may import (the factory refuses others)
            "columns": _columns(flow.importer(user, {})) if user.role in flow.roles else [],
            "options": [
                {"name": name, "label": str(field.label), "required": field.required}
                for name, field in flow.upload_form.base_fields.items()
                if name != "file"
            ],
        }
        for kind, flow in FLOWS.items()
    ]


@router.get(
    "/imports", response=list[ImportRow], summary=gettext_lazy("我的导入"), url_name="import_list"
)
@paginate(Pages)
def import_list(request):
    batches = ImportBatch.objects.visible_to(request.auth_user).filter(kind__in=list(FLOWS))
    return batches.listed().order_by("-created_at", "-pk")


@router.post(
    "/imports",
    response={201: ImportOut, **WRITE_ERRORS},
    summary=gettext_lazy("上传表格并检查"),
    url_name="import_list",
)
def import_upload(request, form: Form[UploadIn], file: File[UploadedFile]):
    """Multipart form: ``kind``, ``file`` and the kind's options (``/imports/kinds``). A
    small file is checked at once; a large one by a worker: read ``/imports/{id}`` until its
    status is no longer ``checking``."""
    flow, user = FLOWS[form.kind], request.auth_user
    _allow(flow, user)
    page_form = _upload_form(flow, user, form.model_dump(exclude={"kind"}), file)
    upload = page_form.cleaned_data.pop("file")
    batch = import_stage(
        data=upload.read(),
        filename=upload.name,
        kind=flow.kind,
        by=user,
        options={name: _kept(value) for name, value in page_form.cleaned_data.items()},
        importer=importer_path(flow.importer),
        language=translation.get_language(),
    )
    _start(batch, "check")
    return Status(201, _out(flow, batch))


@router.get(
    "/imports/{id}",
    response={200: ImportOut, **READ_ERRORS},
    summary=gettext_lazy("导入的检查结果"),
    url_name="import",
)
def import_detail(request, id: Id):
    flow, batch = _batch(request, id)
    return _out(flow, batch)


@router.post(
    "/imports/{id}/check",
    response={200: ImportOut, **WRITE_ERRORS},
    summary=gettext_lazy("按列对应重新检查"),
    url_name="import_check",
)
def import_check(request, id: Id, payload: RecheckIn):
    """Check the kept file again: with the columns mapped and the values the whole table
    shares chosen (as ``mapping_required`` asks), after a refused commit, or after a check
    that was interrupted."""
    flow, batch = _batch(request, id)
    mapping = _mapping(flow, batch, payload.mapping or {})
    options = _table_choices(batch, payload.options or {})
    lost = batch.status == Batch.CHECKING and is_lost(batch)
    if not import_recheck(batch, mapping=mapping or None, options=options, lost=lost):
        raise TransitionError(_("这个文件正在检查或已经提交导入，现在不能重新检查。"))
    _start(batch, "check")
    return _out(flow, batch)


@router.post(
    "/imports/{id}/commit",
    response={200: ImportOut, **WRITE_ERRORS},
    summary=gettext_lazy("确认导入"),
    url_name="import_commit",
)
def import_commit(request, id: Id):
    """Write the checked rows in one transaction, or nothing. A large file is written by a
    worker: its status stays ``committing`` until it is done."""
    flow, batch = _batch(request, id)
    if batch.status == Batch.COMMITTING and is_lost(batch):
        import_abandon(batch)
        raise TransitionError(batch.error)
    _refuse_unready(batch)
    try:
        import_claim(batch)
    except ImportAlreadyDone as exc:
        raise TransitionError(str(exc)) from None
    _start(batch, "apply")
    if batch.status == Batch.FAILED:
        raise TransitionError(_("本次没有导入任何数据：%(why)s") % {"why": batch.error})
    return _out(flow, batch)


# --- helpers ---------------------------------------------------------------------------------


def _allow(flow, user) -> None:
    if user.role not in flow.roles:
        raise PermissionDenied(_("您的角色不能导入“%(title)s”。") % {"title": flow.title})


def _batch(request, pk: int):
    batch = get_object_for_user(ImportBatch, request.auth_user, pk=pk, kind__in=list(FLOWS))
    flow = FLOWS[batch.kind]
    _allow(flow, request.auth_user)
    return flow, batch


def _upload_form(flow, user, given: dict, file):
    """The page's upload form, filled with what was sent (a field left out takes the value
    the page offers first, such as today for 截至日期); its refusals are a 422."""
    fields = flow.upload_form.base_fields
    data = {name: _kept(value) for name, value in given.items() if value is not None}
    for name, field in fields.items():
        if name not in data and name != "file" and field.initial is not None:
            initial = field.initial() if callable(field.initial) else field.initial
            data[name] = _kept(initial)
    extra = {"user": user} if getattr(flow.upload_form, "for_user", False) else {}
    form = flow.upload_form(data, {"file": file}, **extra)
    if not form.is_valid():
        problems = [
            {"loc": ["form", name], "msg": str(message), "type": "value_error"}
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise ValidationError(problems)
    return form


def _kept(value):
    """A value as the batch keeps it (as the pages do): a record as its key, a date as text."""
    if isinstance(value, models.Model):
        return value.pk
    return value.isoformat() if isinstance(value, dt.date) else value


def _start(batch, stage: str) -> None:
    """Run the claimed stage: by a worker for a large file, at once for a small one (as the
    pages do)."""
    if batch.file.size > settings.IMPORT_BACKGROUND_BYTES:
        enqueue_import(batch, stage=stage)
    else:
        run_now(batch, stage=stage)
    batch.refresh_from_db()


def _refuse_unready(batch) -> None:
    """A file still being checked, unreadable, with columns to map or with errors is not
    committed (the page offers no button for it)."""
    report = batch.report or {}
    if batch.status == Batch.CHECKING:
        raise TransitionError(_("这个文件还在检查中，请稍后再提交。"))
    if batch.status != Batch.PREVIEWED:
        return  # import_claim refuses it, as the page does
    if report.get("fatal") or "mapping_error" in report:
        raise TransitionError(
            report.get("fatal") or _("请先指定各列的含义并重新检查（/imports/{id}/check）。")
        )
    if errors := _error_count(batch):
        raise TransitionError(
            _("有 %(n)d 处错误，本文件不会导入任何数据。请在原表中改正后重新上传。") % {"n": errors}
        )


def _mapping(flow, batch, mapping: dict[str, str]) -> dict[int, str]:
    if not mapping:
        return {}
    headers = (batch.report or {}).get("headers")
    fields = {c.field for c in flow.importer(batch.uploaded_by, batch.options).columns}
    found = {}
    for key, field in mapping.items():
        if not key.isdigit() or (headers is not None and int(key) >= len(headers)):
            raise invalid(["body", "payload", "mapping", key], _("没有这一列。"))
        if field not in fields and field != IGNORE:
            raise invalid(["body", "payload", "mapping", key], _("没有这个字段。"))
        found[int(key)] = field
    return found


def _table_choices(batch, chosen: dict[str, str]) -> dict[str, str]:
    """The values chosen for the whole table, each among those the check offered."""
    offered = {c["name"]: c["choices"] for c in (batch.report or {}).get("choices", [])}
    for name, value in chosen.items():
        if value not in {str(v) for v, _label in offered.get(name, [])}:
            raise invalid(["body", "payload", "options", name], _("不是可选的值。"))
    return chosen


def _columns(importer) -> list[dict]:
    return [
        {"field": c.field, "label": str(c.label), "required": c.required} for c in importer.columns
    ]


def _error_count(batch) -> int:
    """Every error of the check: the batch keeps only the first (services.KEPT_ERRORS)."""
    return (batch.counts or {}).get("errors", len(batch.problems))


def _out(flow, batch) -> dict:
    report = batch.report or {}
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "filename": batch.filename,
        "status": batch.status,
        "created_at": batch.created_at,
        "committed_at": batch.committed_at,
        "counts": batch.counts or {},
        "error": batch.error,
        "errors": [
            dict(zip(("line", "column", "raw", "reason"), e, strict=True))
            for e in batch.problems[:ERRORS_SHOWN]
        ],
        "error_count": _error_count(batch),
        "ignored_columns": batch.ignored,
        "skipped_lines": report.get("skipped", []),
        "notes": [str(note) for note in report.get("notes", [])],
        "fatal": report.get("fatal"),
        "mapping_required": _mapping_out(flow, batch, report),
        "progress": _progress(batch),
        "lost": batch.status in (Batch.CHECKING, Batch.COMMITTING) and is_lost(batch),
    }


def _mapping_out(flow, batch, report: dict) -> dict | None:
    if "mapping_error" not in report or batch.status != Batch.PREVIEWED:
        return None
    return {
        "message": report["mapping_error"],
        "headers": [str(h) for h in report.get("headers", [])],
        "mapping": {str(k): v for k, v in report.get("mapping", {}).items()},
        "columns": _columns(flow.importer(batch.uploaded_by, batch.options)),
        "choices": [
            {
                "name": c["name"],
                "label": c["label"],
                "choices": [(str(v), str(lbl)) for v, lbl in c["choices"]],
            }
            for c in report.get("choices", [])
        ],
    }


def _progress(batch) -> dict | None:
    if batch.status not in (Batch.CHECKING, Batch.COMMITTING) or not batch.progress:
        return None
    news = batch.progress
    return {
        "stage": news.get("stage", ""),
        "label": str(STAGES.get(news.get("stage"), news.get("stage", ""))),
        "done": news.get("done", 0),
        "total": news.get("total", 0),
    }
