from django.db import models
from django.utils.translation import gettext_lazy as _

from duban.org.models import User


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class OutboxMessage(models.Model):
    """A message waiting to be sent to one person; written once per ``dedupe_key``.

    Whatever writes here (escalation, reminders) names the message by a dedupe key, so running
    the same step twice, or twice at once, leaves one message. Channels send them later.
    """

    recipient = models.ForeignKey(
        User, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="outbox"
    )
    reason = models.CharField(_("事由"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=OutboxStatus, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.reason}"
