"""Messages to people and how they arrive: the outbox (one message per person and event, named
by a dedupe key), the endpoints a message may go to (a person's e-mail or robot, a team's group
robot), each person's choice of endpoints per kind of message, and one delivery per message and
endpoint that the sender claims, sends, retries and marks."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duban.org.models import Team, User


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    HELD = "held", _("并入每日摘要")
    UNROUTED = "unrouted", _("没有可用渠道")


class MessageKind(models.TextChoices):
    """What a message is about: each person chooses where each kind goes."""

    ESCALATION = "escalation", _("逾期升级")
    DIGEST = "digest", _("每日摘要")
    PLAN_DEMANDED = "plan_demanded", _("倒逼方案")
    PLAN_RETURNED = "plan_returned", _("方案退回")
    OTHER = "other", _("其他通知")


class OutboxMessage(models.Model):
    """A message waiting to be sent to one person; written once per ``dedupe_key``.

    Whatever writes here (escalation, reminders) names the message by a dedupe key, so running
    the same step twice, or twice at once, leaves one message. The sender fans it out to the
    person's chosen endpoints as deliveries; ``status`` sums them up.
    """

    recipient = models.ForeignKey(
        User, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="outbox"
    )
    kind = models.CharField(
        _("类型"), max_length=20, choices=MessageKind, default=MessageKind.OTHER
    )
    reason = models.CharField(_("事由"), max_length=300)
    lines = models.JSONField(_("内容"), default=list, blank=True)  # [[label, value], …]
    link = models.CharField(_("链接"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=OutboxStatus, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    fanned_out = models.BooleanField(_("已分派"), default=False)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
            models.Index(
                fields=["created_at"], condition=Q(fanned_out=False), name="outbox_to_fan_out"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.reason}"


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信机器人")
    DINGTALK = "dingtalk", _("钉钉机器人")
    FEISHU = "feishu", _("飞书机器人")


class Endpoint(models.Model):
    """Where messages may arrive: a person's e-mail or personal robot, or a team's group robot
    (where the person is @-mentioned). The address and secret of a robot are credentials:
    shown masked, never logged whole."""

    kind = models.CharField(_("渠道"), max_length=10, choices=ChannelKind)
    label = models.CharField(_("名称"), max_length=50, blank=True)
    address = models.CharField(
        _("地址"), max_length=300, help_text=_("邮箱，或机器人的 Webhook 地址")
    )
    secret = models.CharField(_("签名密钥"), max_length=200, blank=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("个人"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="endpoints",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("团队群"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="endpoints",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    paused_until = models.DateTimeField(_("限流暂停到"), null=True, blank=True)

    class Meta:
        ordering = ["team__name", "user__name", "kind"]
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, team__isnull=False)
                | Q(user__isnull=False, team__isnull=True),
                name="endpoint_of_a_person_or_a_team",
            ),
            models.CheckConstraint(
                condition=~Q(kind="email") | Q(team__isnull=True),
                name="email_is_personal",
            ),
        ]

    def __str__(self) -> str:
        owner = self.team.name if self.team_id else self.user.display_name
        return f"{owner} · {self.get_kind_display()}{' · ' + self.label if self.label else ''}"


class Profile(models.Model):
    """A person's side of notifications: how group robots @ them, and their daily digest."""

    user = models.OneToOneField(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="notify_profile"
    )
    mobile = models.CharField(_("手机号（用于 @）"), max_length=20, blank=True)
    feishu_id = models.CharField(_("飞书 open_id 或邮箱（用于 @）"), max_length=100, blank=True)
    digest_at = models.TimeField(_("每日摘要时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return str(self.user)


class Choice(models.Model):
    """A person wants messages of ``kind`` on ``endpoint`` (theirs, or a group robot of a team
    they belong to). A person with no choice for a kind gets it on every personal endpoint,
    and escalations held for the digest when they keep one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notify_choices")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="choices")
    kind = models.CharField(_("类型"), max_length=20, choices=MessageKind)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("通知选择")
        verbose_name_plural = _("通知选择")
        constraints = [
            models.UniqueConstraint(fields=["user", "endpoint", "kind"], name="one_choice_each")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} → {self.endpoint}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("排队")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    """One message on one endpoint: claimed by one sender at a time (``claim``), sent with the
    idempotency ``key``, marked with the provider's answer; retried with backoff until
    MAX_ATTEMPTS, then failed for an admin to see and resend."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    key = models.CharField(_("幂等键"), max_length=220, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    due_at = models.DateTimeField(_("下次发送"))
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(_("回执"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("投递")
        verbose_name_plural = _("投递")
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_status_due")]

    def __str__(self) -> str:
        return f"{self.message} → {self.endpoint}"
