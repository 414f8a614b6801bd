from django.db import models
from django.utils.translation import gettext_lazy as _

from duban.core.models import ImportBatch
from duban.org.models import Team
from duban.org.scoping import scope


class TableVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A version is one team's table: seen by whoever sees the team (not by members)."""
        if user.is_authenticated and user.role == "member":
            return self.none()
        return scope(self, user)


class TableVersion(models.Model):
    """One dated version of a table a team keeps (资源大表, 应收账表, 项目表 …), with its
    difference from the same team's previous version of the same kind.

    A version that changed nothing is kept as such ("no change"): the team did update its
    table that day, which is what the staleness of its kind is measured by.
    """

    kind = models.CharField(_("表格"), max_length=40)  # a registered TableKind
    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="table_versions"
    )
    as_of = models.DateField(_("截至日期"))
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("导入"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="table_versions",
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("上一版"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rows = models.PositiveIntegerField(_("行数"))
    new_count = models.PositiveIntegerField(_("新增"), default=0)
    changed_count = models.PositiveIntegerField(_("变化"), default=0)
    # what the area adds (e.g. receivables: the total outstanding, rows settled, rows aged)
    summary = models.JSONField(_("汇总"), default=dict, blank=True)
    # keys of the rows by change (new, changed and what the area adds), the first 200 of each
    changes = models.JSONField(_("差异明细"), default=dict, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = TableVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-pk"]
        verbose_name = _("表格版本")
        verbose_name_plural = _("表格版本")
        indexes = [
            models.Index(fields=["kind", "team", "as_of"], name="table_version_kind_team"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.as_of}"

    @property
    def unchanged(self) -> bool:
        """Nothing new, changed or otherwise different from the previous version."""
        return not (self.new_count or self.changed_count or any(self.changes.values()))
