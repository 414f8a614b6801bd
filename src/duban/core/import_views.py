"""The import pages every area uses: upload → (map columns) → preview → commit.

An area declares one ``ImportFlow`` and includes ``flow.urls()`` in its urls.py. The flow
keeps the upload as an ImportBatch, so the preview and the commit read the same file, and
only its uploader can go on with it. A large file is checked and imported in the background
by `duban worker` (duban.core.tasks) while its page shows the progress; a small one at once.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from duban.core.access import get_object_for_user
from duban.core.exporting import ExportColumn, xlsx_response
from duban.core.models import ImportBatch
from duban.core.progress import QUEUED, is_lost, waiting_long
from duban.core.services import (
    ERROR_COLUMNS,
    ImportAlreadyDone,
    import_abandon,
    import_claim,
    import_errors_file,
    import_recheck,
    import_stage,
)
from duban.core.tasks import enqueue_import, importer_path, run_now


@dataclass
class ImportFlow:
    kind: str
    title: str
    importer: Callable  # (user, options) -> Importer
    upload_form: type
    roles: set
    done_url: str  # URL name to go to after a commit
    namespace: str
    prefix: str = ""  # of the URL names and paths, when an app has more than one flow

    @property
    def route(self) -> str:
        """The start of the flow's URL names: ``{% url flow.route|add:'import' %}``."""
        return f"{self.namespace}:{self.prefix}"

    def urls(self):
        at, named = (
            f"{self.prefix.strip('_').replace('_', '-')}/" if self.prefix else "",
            self.prefix,
        )
        return [
            path(f"{at}import/", self.upload, name=f"{named}import"),
            path(f"{at}import/template.xlsx", self.template, name=f"{named}import_template"),
            path(f"{at}import/<int:pk>/", self.preview, name=f"{named}import_preview"),
            path(f"{at}import/<int:pk>/progress/", self.progress, name=f"{named}import_progress"),
            path(f"{at}import/<int:pk>/commit/", self.commit, name=f"{named}import_commit"),
            path(f"{at}import/<int:pk>/errors.xlsx", self.errors, name=f"{named}import_errors"),
        ]

    def url(self, name, *args):
        return reverse(f"{self.route}{name}", args=args)

    def _allow(self, user):
        if user.role not in self.roles:
            raise PermissionDenied

    def _batch(self, request, pk):
        self._allow(request.user)
        return get_object_for_user(ImportBatch, request.user, pk=pk, kind=self.kind)

    def _start(self, batch, stage: str) -> None:
        """Run the stage (check or apply) of the run just claimed: queued for a worker for a
        large file, at once for a small one."""
        if not batch.importer:  # uploaded before batches named their importer
            batch.importer, batch.language = importer_path(self.importer), "zh-hans"
            batch.save(update_fields=["importer", "language"])
        if batch.file.size > settings.IMPORT_BACKGROUND_BYTES:
            enqueue_import(batch, stage=stage)
        else:
            run_now(batch, stage=stage)

    def _check(self, request, batch) -> None:
        self._start(batch, "check")

    # --- views ------------------------------------------------------------------------------

    def upload(self, request):
        return login_required(self._upload)(request)

    def _upload(self, request):
        self._allow(request.user)
        # a field may be given in the link (?training=12); a form that chooses among the
        # user's records (``for_user``) is given the user
        initial = {k: v for k, v in request.GET.items() if k in self.upload_form.base_fields}
        extra = {"user": request.user} if getattr(self.upload_form, "for_user", False) else {}
        form = self.upload_form(
            request.POST or None, request.FILES or None, initial=initial, **extra
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data.pop("file")
            batch = import_stage(
                data=upload.read(),
                filename=upload.name,
                kind=self.kind,
                by=request.user,
                options={k: _json(v) for k, v in form.cleaned_data.items()},
                importer=importer_path(self.importer),
                language=translation.get_language(),
            )
            self._check(request, batch)
            return redirect(self.url("import_preview", batch.pk))
        recent = ImportBatch.objects.visible_to(request.user).filter(kind=self.kind).listed()[:10]
        return render(
            request, "core/import_upload.html", {"flow": self, "form": form, "recent": recent}
        )

    def preview(self, request, pk):
        return login_required(self._preview)(request, pk)

    def _preview(self, request, pk):
        batch = self._batch(request, pk)
        if request.method == "POST":  # check again: with the user's column mapping, after a
            mapping = {int(k): v for k, v in request.POST.items() if k.isdigit()}  # refused
            lost = batch.status == ImportBatch.Status.CHECKING and is_lost(batch)  # commit,
            options = self._table_choices(request, batch)  # or a lost check
            if import_recheck(batch, mapping=mapping or None, options=options, lost=lost):
                self._check(request, batch)
            return redirect(self.url("import_preview", batch.pk))
        legacy = batch.status == ImportBatch.Status.PREVIEWED and not batch.report
        if legacy and import_recheck(batch):  # kept from before checks kept their results
            self._check(request, batch)
            batch.refresh_from_db()
        return render(request, "core/import_preview.html", self._context(batch))

    @staticmethod
    def _table_choices(request, batch) -> dict:
        """The values chosen for the whole table, among those offered."""
        offered = {c["name"]: c["choices"] for c in batch.report.get("choices", [])}
        chosen = {}
        for name, choices in offered.items():
            value = request.POST.get(f"opt_{name}", "")
            if value in {str(v) for v, _label in choices}:
                chosen[name] = value
        return chosen

    def _context(self, batch) -> dict:
        context = {"flow": self, "batch": batch, "report": batch.report}
        if batch.status in RUNNING:
            context["lost"] = is_lost(batch)
            context["news"] = _news(batch)
            context["waiting_long"] = waiting_long(batch)
        elif batch.status == ImportBatch.Status.PREVIEWED and "mapping_error" in batch.report:
            from duban.core.forms import MappingForm

            report = batch.report
            context["mapping_form"] = MappingForm(
                headers=report["headers"],
                columns=self.importer(batch.uploaded_by, batch.options).columns,
                mapping={int(k): v for k, v in report["mapping"].items()},
                table_choices=report.get("choices", []),
            )
        elif batch.status == ImportBatch.Status.PREVIEWED and "sample" in batch.report:
            context["checked"] = True
            context["errors"] = [
                dict(zip(("line", "column", "raw", "reason"), e, strict=True))
                for e in batch.problems[:500]
            ]
        return context

    def progress(self, request, pk):
        return login_required(self._progress_view)(request, pk)

    def _progress_view(self, request, pk):
        """The progress bar, polled by the page while the work runs; when it is done, the
        page reloads (htmx) to show the outcome."""
        batch = self._batch(request, pk)
        if batch.status in RUNNING and not is_lost(batch):
            context = {"flow": self, "batch": batch, "news": _news(batch)}
            context["waiting_long"] = waiting_long(batch)
            return render(request, "core/_import_progress.html", context)
        if batch.status == ImportBatch.Status.COMMITTED:
            _done_message(request, batch)
            return HttpResponseClientRedirect(reverse(self.done_url))
        return HttpResponseClientRedirect(self.url("import_preview", batch.pk))

    def commit(self, request, pk):
        return login_required(require_POST(self._commit))(request, pk)

    def _commit(self, request, pk):
        batch = self._batch(request, pk)
        if batch.status == ImportBatch.Status.COMMITTING and is_lost(batch):
            import_abandon(batch)
            return redirect(self.url("import_preview", batch.pk))
        try:
            import_claim(batch)
        except ImportAlreadyDone as exc:
            messages.error(request, str(exc))
            return redirect(self.url("import_preview", batch.pk))
        self._start(batch, "apply")
        batch.refresh_from_db()
        if batch.status == ImportBatch.Status.COMMITTED:
            _done_message(request, batch)
            return redirect(self.done_url)
        if batch.status == ImportBatch.Status.FAILED:
            messages.error(request, _("本次没有导入任何数据，原因见下。"))
        return redirect(self.url("import_preview", batch.pk))  # failed, or still importing

    def errors(self, request, pk):
        return login_required(self._errors)(request, pk)

    def _errors(self, request, pk):
        batch = get_object_for_user(ImportBatch, request.user, pk=pk, kind=self.kind)
        if batch.files_removed_at:
            raise Http404(_("这个文件的错误清单已超过保留期限被删除。"))
        name = f"{Path(batch.filename).stem}-错误.xlsx"
        if stored := import_errors_file(batch):  # every error, where the batch keeps the first
            return FileResponse(stored, as_attachment=True, filename=name, content_type=XLSX)
        return xlsx_response(batch.problems, ERROR_COLUMNS, filename=name, sheet="错误")

    def template(self, request):
        return login_required(self._template)(request)

    def _template(self, request):
        self._allow(request.user)
        importer = self.importer(request.user, {})
        columns = [
            ExportColumn(("*" if c.required else "") + c.label, lambda row: "", width=16)
            for c in importer.columns
        ]
        return xlsx_response([], columns, filename=f"{self.title}模板.xlsx", sheet=self.title)


RUNNING = {ImportBatch.Status.CHECKING, ImportBatch.Status.COMMITTING}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAGES = {
    QUEUED: gettext_lazy("排队等待后台处理"),
    "read": gettext_lazy("读取文件"),
    "check": gettext_lazy("逐行检查"),
    "compare": gettext_lazy("与现有数据比对"),
    "write": gettext_lazy("写入新增的行"),
    "update": gettext_lazy("更新已有的行"),
    "version": gettext_lazy("记录账表版本"),
}


def _news(batch) -> dict:
    """The latest progress for the page: stage label, rows done of total, percent."""
    news = batch.progress or {"stage": "read", "done": 0, "total": 0}
    total = news.get("total", 0)
    return news | {
        "label": STAGES.get(news.get("stage"), news.get("stage")),
        "percent": round(100 * news.get("done", 0) / total) if total else None,
    }


def _done_message(request, batch) -> None:
    messages.success(
        request,
        _("导入完成：新增 %(new)d 行，更新 %(changed)d 行，未变 %(unchanged)d 行。") % batch.counts,
    )


def _json(value):
    """An upload form's value as the batch keeps it: a date as ISO text, a record as its key."""
    if isinstance(value, models.Model):
        return value.pk
    return value.isoformat() if isinstance(value, dt.date) else value
