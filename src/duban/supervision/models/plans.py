from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from duban.core.models import VersionedModel
from duban.core.urls import detail_url
from duban.org.models import Employee, Team, User
from duban.supervision.choices import LIVE_PLAN_STATUSES, PENDING_PLAN_STATUSES, PlanStatus
from duban.supervision.models.base import About, Escalating
from duban.supervision.models.matters import Matter
from duban.supervision.models.risks import Risk
from duban.supervision.scoping import TeamScopedQuerySet


class PlanQuerySet(TeamScopedQuerySet):
    def pending_submission(self):
        return self.filter(status__in=PENDING_PLAN_STATUSES)

    def overdue_submission(self, today):
        return self.pending_submission().filter(submit_by__lt=today)


class Plan(About, Escalating, VersionedModel):
    """A remediation plan (倒逼方案) demanded from a lead for a risk or a matter.

    demanded → submitted → (returned → submitted)* → approved → landed | failed. Every
    submission is kept as a PlanVersion; the milestones of the approved one are carried out.
    """

    risk = models.ForeignKey(
        Risk,
        verbose_name=_("风险"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plans",
    )
    matter = models.ForeignKey(
        Matter,
        verbose_name=_("督办事项"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plans",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="plans"
    )
    lead = models.ForeignKey(
        User, verbose_name=_("主管"), on_delete=models.PROTECT, related_name="plans_to_submit"
    )
    demanded_by = models.ForeignKey(
        User,
        verbose_name=pgettext_lazy("role", "督办"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="plans_demanded",
    )
    auto_rule = models.CharField(
        _("自动倒逼规则"),
        max_length=200,
        blank=True,
        help_text=_("由系统按规则自动下达时，写明是哪条规则"),
    )
    request = models.TextField(_("要求"), help_text=_("要主管说明什么、解决到什么程度"))
    requires_forecast = models.BooleanField(
        _("需要风险预判"),
        default=False,
        help_text=_("提交方案时必须写明还可能出什么问题、备用办法是什么（S-ONE-2）"),
    )
    submit_by = models.DateField(_("提交期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=PlanStatus, default=PlanStatus.DEMANDED
    )
    verification_note = models.TextField(_("验证意见"), blank=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("方案")
        verbose_name_plural = _("方案")
        indexes = [
            models.Index(fields=["status", "submit_by"], name="plan_status_submit_by"),
            models.Index(fields=["subject_type", "subject_id"], name="plan_subject"),
        ]
        constraints = [
            # one live plan per risk: two ticks (or two supervisors) cannot both demand one
            models.UniqueConstraint(
                fields=["risk"],
                condition=Q(status__in=LIVE_PLAN_STATUSES),
                name="plan_one_live_per_risk",
                violation_error_message=_("这一项已有进行中的方案，请先处理它。"),
            ),
            models.CheckConstraint(
                condition=Q(risk__isnull=True, matter__isnull=False)
                | Q(risk__isnull=False, matter__isnull=True),
                name="plan_answers_one_risk_or_matter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answers} · {self.lead}"

    def get_absolute_url(self) -> str:
        return detail_url("supervision:plan_detail", self.pk)

    @property
    def answers(self):
        """The risk or the matter the plan answers (``subject`` is what that is about)."""
        return self.risk or self.matter

    @property
    def demanded_by_system(self) -> bool:
        return bool(self.auto_rule)

    @property
    def awaiting_submission(self) -> bool:
        return self.status in PENDING_PLAN_STATUSES


class PlanVersion(models.Model):
    """One submission of a plan, with the supervisor's review; no version is ever rewritten."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("通过")
        RETURNED = "returned", _("退回")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    cause = models.TextField(_("原因分析"))
    measures = models.TextField(_("措施"))
    forecast = models.TextField(_("风险预判"), blank=True, help_text=_("还可能出什么问题"))
    fallback = models.TextField(_("备用办法"), blank=True, help_text=_("出了问题怎么办"))
    submitted_by = models.ForeignKey(
        User, verbose_name=_("提交人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decision = models.CharField(_("审核结果"), max_length=10, choices=Decision, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        User,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class MilestoneQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(version__plan__in=Plan.objects.visible_to(user))

    def live(self):
        """Milestones of approved plans that are not done yet."""
        return self.filter(
            version__plan__status=PlanStatus.APPROVED,
            version__decision=PlanVersion.Decision.APPROVED,
            done_on__isnull=True,
        )

    def overdue(self, today):
        return self.live().filter(due_date__lt=today)


class Milestone(Escalating):
    """A milestone (节点) of a plan version: due by a date, done with evidence."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_date = models.DateField(_("到期日"))
    owner = models.ForeignKey(
        Employee, verbose_name=_("负责人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence = models.TextField(_("完成依据"), blank=True)
    done_by = models.ForeignKey(
        User, verbose_name=_("确认人"), on_delete=models.SET_NULL, null=True, blank=True
    )

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        indexes = [models.Index(fields=["due_date", "done_on"], name="milestone_due_done")]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(evidence=""),
                name="milestone_done_has_evidence",
                violation_error_message=_("标记完成时必须写明完成依据"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_on is not None
