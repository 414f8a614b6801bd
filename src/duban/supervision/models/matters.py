from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from duban.core.models import VersionedModel
from duban.core.urls import detail_url
from duban.org.models import Team, User
from duban.supervision.choices import (
    OPEN_MATTER_STATUSES,
    Area,
    Channel,
    MatterStatus,
    Priority,
)
from duban.supervision.models.base import About, Escalating
from duban.supervision.scoping import TeamScopedQuerySet


class MatterQuerySet(TeamScopedQuerySet):
    member_field = "owner"

    def open(self):
        return self.filter(status__in=OPEN_MATTER_STATUSES)

    def past_deadline(self, today):
        return self.open().filter(deadline__lt=today)


class Matter(About, Escalating, VersionedModel):
    """A matter under supervision (督办事项): a single item (S-ONE), an urgent one (S-GEN-4),
    or a risk promoted to action. Followed from open until verified as landed or failed."""

    title = models.CharField(_("事项"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    area = models.CharField(_("领域"), max_length=20, choices=Area, default=Area.GENERAL)
    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="matters"
    )
    owner = models.ForeignKey(
        User, verbose_name=_("责任人"), on_delete=models.PROTECT, related_name="matters_owned"
    )
    supervisor = models.ForeignKey(
        User,
        verbose_name=pgettext_lazy("role", "督办"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="matters_supervised",
    )
    deadline = models.DateField(_("截止日期"))
    priority = models.CharField(
        _("优先级"), max_length=10, choices=Priority, default=Priority.NORMAL
    )
    planned = models.BooleanField(
        _("计划内"),
        default=True,
        help_text=_("计划内事项提前约定沟通时间；计划外事项按工作安排约定"),
    )
    agreed_at = models.DateTimeField(_("约定沟通时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=MatterStatus, default=MatterStatus.OPEN
    )
    risk = models.ForeignKey(
        "supervision.Risk",
        verbose_name=_("来源风险"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matters",
    )
    closing_note = models.TextField(_("验证意见"), blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = MatterQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        indexes = [
            models.Index(fields=["status", "deadline"], name="matter_status_deadline"),
            models.Index(fields=["subject_type", "subject_id"], name="matter_subject"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("supervision:matter_detail", self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MATTER_STATUSES


class Chase(models.Model):
    """One chase (催办) of a matter: who urged whom, how, and what was said."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="chases")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    by = models.ForeignKey(User, verbose_name=_("催办人"), on_delete=models.SET_NULL, null=True)
    channel = models.CharField(_("方式"), max_length=10, choices=Channel, default=Channel.WECOM)
    note = models.TextField(_("内容"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")

    def __str__(self) -> str:
        return f"{self.matter} · {self.at:%Y-%m-%d}"
