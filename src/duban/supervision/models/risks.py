from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duban.core.models import VersionedModel
from duban.core.urls import detail_url
from duban.org.choices import Role
from duban.org.models import BusinessLine, Team, User
from duban.supervision.choices import ACTIVE_RISK_STATUSES, Area, RiskLevel, RiskStatus
from duban.supervision.models.base import About
from duban.supervision.scoping import TeamScopedQuerySet

MANUAL = "manual"


class RiskQuerySet(TeamScopedQuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.is_active and user.role == Role.SUPERVISOR:
            # company-wide risks (no team) are every supervisor's concern
            return self.filter(Q(team__line__supervisors=user) | Q(team__isnull=True))
        return super().visible_to(user)

    def active(self):
        return self.filter(status__in=ACTIVE_RISK_STATUSES)


class Risk(About, VersionedModel):
    """A risk predicted from the data (风险预判) or raised by hand.

    A detector's signal keeps the same ``key`` while it fires: a new key opens a risk, a
    persisting one refreshes the evidence, a vanished one resolves the risk with its date.
    A risk is about one object (its subject), or about many items of one kind in one team
    (its RiskItems), and names the lead responsible for answering it.
    """

    key = models.CharField(_("标识"), max_length=200, unique=True)
    source = models.CharField(_("来源"), max_length=60, default=MANUAL)
    area = models.CharField(_("领域"), max_length=20, choices=Area)
    level = models.CharField(_("等级"), max_length=10, choices=RiskLevel)
    title = models.CharField(_("风险"), max_length=200)
    evidence = models.JSONField(_("依据"), default=list, blank=True)
    # a system-made risk's title and evidence as message ids with parameters (registry.Message),
    # shown in each reader's language; ``title`` and ``evidence`` keep them in Chinese
    texts = models.JSONField(_("文字"), default=dict, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("团队"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="risks",
    )
    line = models.ForeignKey(
        BusinessLine, verbose_name=_("业务条线"), on_delete=models.CASCADE, null=True, blank=True
    )
    subject_label = models.CharField(_("对象"), max_length=200, blank=True)
    subject_url = models.CharField(_("对象链接"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RiskStatus, default=RiskStatus.OPEN)
    opened_on = models.DateField(_("发现日期"))
    last_seen_on = models.DateField(_("最近出现"), null=True, blank=True)
    resolved_on = models.DateField(_("消除日期"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("复发次数"), default=0)
    raised_by = models.ForeignKey(
        User, verbose_name=_("提出人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    lead = models.ForeignKey(
        User,
        verbose_name=_("责任主管"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risks_responsible",
        help_text=_("要为这条风险拿出方案的主管；不填时为团队的主管"),
    )

    objects = RiskQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on", "pk"]
        verbose_name = _("风险")
        verbose_name_plural = _("风险")
        indexes = [
            models.Index(fields=["status", "area", "team"], name="risk_status_area_team"),
            models.Index(fields=["source", "status"], name="risk_source_status"),
            models.Index(fields=["subject_type", "subject_id"], name="risk_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=RiskStatus.RESOLVED) | Q(resolved_on__isnull=False),
                name="risk_resolved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.shown_title

    def get_absolute_url(self) -> str:
        return detail_url("supervision:risk_detail", self.pk)

    @property
    def shown_title(self) -> str:
        """The title in the reader's language."""
        from duban.supervision.registry import Message

        kept = self.texts.get("title")
        return str(Message.from_json(kept)) if kept else self.title

    @property
    def shown_evidence(self) -> list[str]:
        from duban.supervision.registry import Message

        kept = self.texts.get("evidence")
        return [str(Message.from_json(line)) for line in kept] if kept else self.evidence

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RISK_STATUSES


class RiskItem(models.Model):
    """One of the items a grouped risk stands for (many overdue amounts of one team, say)."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("序号"))
    label = models.CharField(_("内容"), max_length=300)
    level = models.CharField(_("等级"), max_length=10, choices=RiskLevel)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    text = models.JSONField(_("文字"), null=True, blank=True)  # the label as a message id
    subject_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["risk", "position"]
        verbose_name = _("风险明细")
        verbose_name_plural = _("风险明细")
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="risk_item_subject")]
        constraints = [
            models.UniqueConstraint(fields=["risk", "position"], name="risk_item_position_unique")
        ]

    def __str__(self) -> str:
        return self.shown_label

    @property
    def shown_label(self) -> str:
        """The label in the reader's language."""
        from duban.supervision.registry import Message

        return str(Message.from_json(self.text)) if self.text else self.label
