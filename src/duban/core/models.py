from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.core.parsing import MONEY_DIGITS, MONEY_PLACES

# a money column (元, to the fen): what imports and forms check a value against
MONEY = {"max_digits": MONEY_DIGITS, "decimal_places": MONEY_PLACES}


class VersionedModel(models.Model):
    """A record edited by people: every save through ``save_versioned`` bumps ``version``.

    A form carries the version it was loaded with, so an edit based on an older version is
    refused instead of silently overwriting someone else's change.
    """

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class CalendarDay(models.Model):
    """A working-day override, typed in from the State Council's yearly 放假调休 notice.

    Overrides win over the chinese-calendar package, which in turn wins over Monday–Friday.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(
        _("说明"), max_length=50, blank=True, help_text=_("例如：春节、调休上班")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")

    def __str__(self) -> str:
        kind = _("上班") if self.is_workday else _("休息")
        return f"{self.date:%Y-%m-%d} {kind} {self.note}".strip()


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An upload is its uploader's until it is committed; admins see all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all() if user.role == "admin" else self.filter(uploaded_by=user)

    def listed(self):
        """For a list of imports: without what only a batch's own page reads (its errors, the
        sample of its rows), which can be large."""
        return self.defer(*ImportBatch.LARGE_FIELDS)


class ImportBatch(models.Model):
    """One upload of a table: kept from preview to commit, then as the record of the import."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("检查中")
        PREVIEWED = "previewed", _("待确认")
        COMMITTING = "committing", _("导入中")
        COMMITTED = "committed", _("已导入")
        FAILED = "failed", _("导入失败")

    kind = models.CharField(_("类型"), max_length=40)
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    parsed = models.FileField(_("检查结果"), upload_to="imports/%Y/%m/", blank=True)
    sha256 = models.CharField(_("文件指纹"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        "org.User", verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status, default=Status.CHECKING)
    mapping = models.JSONField(_("列对应"), default=dict, blank=True)
    counts = models.JSONField(_("行数"), default=dict, blank=True)
    # [line, column, raw, reason] of the first errors (services.KEPT_ERRORS); every error is in
    # errors_file when there are more, and report["error_columns"] counts them by column
    problems = models.JSONField(_("错误明细"), default=list, blank=True)
    errors_file = models.FileField(_("错误清单"), upload_to="imports/%Y/%m/", blank=True)
    ignored = models.JSONField(_("未导入的列"), default=list, blank=True)
    options = models.JSONField(_("导入选项"), default=dict, blank=True)  # e.g. the as-of date
    # how a worker rebuilds the importer (its factory's dotted path) and speaks to the user
    importer = models.CharField(_("导入程序"), max_length=200, blank=True)
    language = models.CharField(_("语言"), max_length=10, blank=True)
    # what the check found besides counts and errors: {"skipped": lines, "sample": rows}, or
    # {"fatal": why the file cannot be read}, or {"mapping_error", "headers", "mapping"}
    report = models.JSONField(_("检查结果"), default=dict, blank=True)
    started_at = models.DateTimeField(_("开始处理"), default=timezone.now)  # this check/commit
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    # a run in the background: its progress {stage, done, total} and its last sign of life,
    # written by the worker while it runs (duban.core.progress)
    progress = models.JSONField(_("进度"), default=dict, blank=True)
    beat = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    # when its files (the upload, the checked rows, the error list) were removed, past
    # settings.IMPORT_RETENTION_DAYS: the record stays, its file cannot be checked again
    files_removed_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()
    LARGE_FIELDS = ("problems", "report", "ignored", "progress")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        indexes = [models.Index(fields=["kind", "status", "created_at"], name="import_kind_status")]

    def __str__(self) -> str:
        return f"{self.filename} · {self.get_status_display()}"


class ImportedRows(models.Model):
    """A model whose rows imports write in bulk: each row notes the import that last wrote it.

    ``batch`` is a note of provenance, kept without a database constraint or index: every row
    of an import points at its batch, and checking and indexing that pointer was an eighth of a
    large import's write; no query looks rows up by it, the application never deletes a batch,
    and if an admin does, Django's SET_NULL still clears the pointers.
    """

    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("最近导入"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        abstract = True

    @classmethod
    def history_origins(cls, batch_ids) -> dict:
        """Who wrote rows as they stand, and when: batch id -> (committed at, change reason,
        user id) of the imports ``batch_ids`` (duban.core.history.keep_baselines)."""
        from duban.core.history import import_reason

        return {
            batch.pk: (batch.committed_at, import_reason(batch), batch.uploaded_by_id)
            for batch in ImportBatch.objects.filter(pk__in=batch_ids)
        }


class Synonym(models.Model):
    """A word offices write for a choice (历史货款 for 已开票到账期): imports read it as that
    choice. ``field`` names the choice field as ``app_label.model.field``."""

    field = models.CharField(_("字段"), max_length=100)
    word = models.CharField(_("表格中的写法"), max_length=50)
    value = models.CharField(_("对应选项"), max_length=40)

    class Meta:
        ordering = ["field", "word"]
        verbose_name = _("选项同义词")
        verbose_name_plural = _("选项同义词")
        constraints = [
            models.UniqueConstraint(fields=["field", "word"], name="synonym_word_once_per_field")
        ]

    def __str__(self) -> str:
        return f"{self.word} → {self.value}"


class ExportLog(models.Model):
    """An export of personal information in full (个人信息保护法): who took which rows, when."""

    user = models.ForeignKey(
        "org.User", verbose_name=_("导出人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("导出时间"), default=timezone.now)
    what = models.CharField(_("导出内容"), max_length=100)
    rows = models.PositiveIntegerField(_("行数"))
    full_rows = models.PositiveIntegerField(_("含完整号码的行数"))
    query = models.CharField(_("筛选条件"), max_length=500, blank=True)
    via = models.CharField(_("方式"), max_length=20, default="web")  # web, cli

    class Meta:
        ordering = ["-at"]
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")

    def __str__(self) -> str:
        return f"{self.user} · {self.what} · {self.rows}"
