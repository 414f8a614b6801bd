"""The import pages every area uses: upload → (map columns) → preview → commit.

An area declares one ``ImportFlow`` and includes ``flow.urls()`` in its urls.py. The flow
keeps the upload as an ImportBatch, so the preview and the commit read the same file, and
only its uploader can go on with it.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duban.core.access import get_object_for_user
from duban.core.exporting import ExportColumn, xlsx_response
from duban.core.importing import MappingRequired
from duban.core.models import ImportBatch
from duban.core.services import ImportAlreadyDone, import_check, import_commit, import_stage
from duban.core.tabular import TabularError

ERROR_COLUMNS = [
    ExportColumn("行号", lambda e: e[0], kind="number", width=8),
    ExportColumn("列", lambda e: e[1], width=16),
    ExportColumn("原始值", lambda e: e[2], width=24),
    ExportColumn("原因", lambda e: e[3], width=60),
]


@dataclass
class ImportFlow:
    kind: str
    title: str
    importer: Callable  # (user, options) -> Importer
    upload_form: type
    roles: set
    done_url: str  # URL name to go to after a commit
    namespace: str

    def urls(self):
        return [
            path("import/", self.upload, name="import"),
            path("import/template.xlsx", self.template, name="import_template"),
            path("import/<int:pk>/", self.preview, name="import_preview"),
            path("import/<int:pk>/commit/", self.commit, name="import_commit"),
            path("import/<int:pk>/errors.xlsx", self.errors, name="import_errors"),
        ]

    def url(self, name, *args):
        return reverse(f"{self.namespace}:{name}", args=args)

    def _allow(self, user):
        if user.role not in self.roles:
            raise PermissionDenied

    def _importer(self, request, batch):
        return self.importer(request.user, batch.options)

    # --- views ------------------------------------------------------------------------------

    def upload(self, request):
        return login_required(self._upload)(request)

    def _upload(self, request):
        self._allow(request.user)
        form = self.upload_form(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data.pop("file")
            batch = import_stage(
                data=upload.read(), filename=upload.name, kind=self.kind, by=request.user
            )
            batch.options = {k: _json(v) for k, v in form.cleaned_data.items()}
            batch.save(update_fields=["options"])
            return redirect(self.url("import_preview", batch.pk))
        recent = ImportBatch.objects.visible_to(request.user).filter(kind=self.kind)[:10]
        return render(
            request, "core/import_upload.html", {"flow": self, "form": form, "recent": recent}
        )

    def preview(self, request, pk):
        return login_required(self._preview)(request, pk)

    def _preview(self, request, pk):
        self._allow(request.user)
        batch = get_object_for_user(ImportBatch, request.user, pk=pk, kind=self.kind)
        context = {"flow": self, "batch": batch}
        if batch.status != ImportBatch.Status.PREVIEWED:
            return render(request, "core/import_preview.html", context)
        mapping = (
            {int(k): v for k, v in batch.mapping.items()} if request.method == "POST" else None
        )
        importer = self._importer(request, batch)
        try:
            if request.method == "POST":
                mapping = {int(k): v for k, v in request.POST.items() if k.isdigit()}
            preview = import_check(importer=importer, batch=batch, mapping=mapping)
        except TabularError as exc:
            context["fatal"] = str(exc)
        except MappingRequired as exc:
            from duban.core.forms import MappingForm

            context["mapping_error"] = str(exc)
            context["mapping_form"] = MappingForm(
                headers=exc.headers, columns=importer.columns, mapping=exc.mapping
            )
        else:
            context["preview"] = preview
            context["errors"] = preview.errors[:500]
            context["sample"] = _sample(importer, preview)
        return render(request, "core/import_preview.html", context)

    def commit(self, request, pk):
        return login_required(require_POST(self._commit))(request, pk)

    def _commit(self, request, pk):
        self._allow(request.user)
        batch = get_object_for_user(ImportBatch, request.user, pk=pk, kind=self.kind)
        try:
            preview = import_commit(importer=self._importer(request, batch), batch=batch)
        except ImportAlreadyDone as exc:
            messages.error(request, str(exc))
            return redirect(self.url("import_preview", batch.pk))
        if not preview.ok:
            messages.error(request, _("数据已变化，重新检查发现错误，本次没有导入任何数据。"))
            return redirect(self.url("import_preview", batch.pk))
        counts = preview.counts()
        messages.success(
            request,
            _("导入完成：新增 %(new)d 行，更新 %(changed)d 行，未变 %(unchanged)d 行。") % counts,
        )
        return redirect(self.done_url)

    def errors(self, request, pk):
        return login_required(self._errors)(request, pk)

    def _errors(self, request, pk):
        batch = get_object_for_user(ImportBatch, request.user, pk=pk, kind=self.kind)
        name = f"导入错误-{batch.filename}.xlsx"
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


SAMPLE_ROWS = 10


def _sample(importer, preview) -> dict:
    """The first new and changed rows as the file has them, to see before committing."""
    columns = [
        c
        for c in importer.columns
        if any(c.field in r.raw for r in preview.new[:1] + preview.changed[:1])
    ]
    rows = [("new", r) for r in preview.new[:SAMPLE_ROWS]] + [
        ("changed", r) for r in preview.changed[:SAMPLE_ROWS]
    ]
    return {
        "labels": [c.label for c in columns],
        "rows": [(kind, r.line, [r.raw.get(c.field, "") for c in columns]) for kind, r in rows],
    }


def _json(value):
    return value.isoformat() if isinstance(value, dt.date) else value
