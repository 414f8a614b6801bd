"""After-sales (售后, S-AS-1 … S-AS-4): cases with their deadlines on working hours, the steps
of their handling, the result and who answers for it (定责), the supervisor's twice-weekly
reviews and each team's monthly tracking table."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duban.aftersales.choices import CaseStatus, Channel, Responsibility, Severity
from duban.core.models import VersionedModel
from duban.core.urls import detail_url
from duban.org.choices import Role
from duban.org.models import Employee, Team, User
from duban.org.scoping import scope
from duban.partners.models import Partner
from duban.supervision.models.base import Escalating


class NamedList(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=100)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Category(NamedList):
    class Meta(NamedList.Meta):
        verbose_name = _("售后类别")
        verbose_name_plural = _("售后类别")


class Cause(NamedList):
    class Meta(NamedList.Meta):
        verbose_name = _("售后原因")
        verbose_name_plural = _("售后原因")


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """By team, as everywhere; a member sees the cases they handle."""
        if user.is_authenticated and user.is_active and user.role == Role.MEMBER:
            return self.filter(handler__user=user)
        return scope(self, user)

    def open(self):
        from duban.aftersales.choices import OPEN_CASES

        return self.filter(status__in=OPEN_CASES)


class Case(Escalating, VersionedModel):
    number = models.CharField(_("编号"), max_length=30, unique=True)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("客户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    project = models.CharField(_("项目"), max_length=100, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.PROTECT, related_name="cases"
    )
    lead = models.ForeignKey(
        User, verbose_name=_("主管"), on_delete=models.PROTECT, related_name="cases_led"
    )
    handler = models.ForeignKey(
        Employee,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    reported_at = models.DateTimeField(_("报告时间"))
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel, default=Channel.PHONE)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, null=True, blank=True
    )
    cause = models.ForeignKey(
        Cause, verbose_name=_("原因"), on_delete=models.PROTECT, null=True, blank=True
    )
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity, default=Severity.NORMAL
    )
    description = models.TextField(_("问题描述"))
    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus, default=CaseStatus.NEW)
    respond_by = models.DateTimeField(_("响应期限"))
    resolve_by = models.DateTimeField(_("解决期限"))
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    confirmed = models.BooleanField(_("客户已确认"), default=False)
    responsibility = models.CharField(
        _("责任方"), max_length=10, choices=Responsibility, blank=True
    )
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("定责人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("定责时间"), null=True, blank=True)
    disputed = models.BooleanField(_("有争议"), default=False)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("售后案例")
        verbose_name_plural = _("售后案例")
        indexes = [models.Index(fields=["team", "status"], name="case_team_status")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return detail_url("aftersales:case_detail", self.pk)


class CaseStep(models.Model):
    """A dated step of a case's handling: who did what."""

    case = models.ForeignKey(
        Case, verbose_name=_("售后案例"), on_delete=models.CASCADE, related_name="steps"
    )
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        User, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    what = models.TextField(_("处理过程"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("处理记录")
        verbose_name_plural = _("处理记录")

    def __str__(self) -> str:
        return f"{self.case} · {self.at:%Y-%m-%d %H:%M}"


class Review(models.Model):
    """The supervisor's twice-weekly look at new cases (S-AS-2): what was asked of the lead."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="case_reviews"
    )
    held_on = models.DateField(_("日期"))
    asked = models.TextField(_("对主管的要求"))
    cases = models.ManyToManyField(
        Case, verbose_name=_("看过的案例"), blank=True, related_name="reviews"
    )
    by = models.ForeignKey(
        User, verbose_name=_("督办"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("售后回顾")
        verbose_name_plural = _("售后回顾")

    def __str__(self) -> str:
        return f"{self.team} · {self.held_on}"


class MonthlyTable(models.Model):
    """A team's after-sales tracking table of a month (S-AS-4): generated from the cases, and
    returned by the lead, confirmed with any corrections."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="case_tables"
    )
    month = models.DateField(_("月份"))
    rows = models.JSONField(_("表格"), default=list)
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    returned_at = models.DateTimeField(_("返回时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        User,
        verbose_name=_("返回人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    corrections = models.TextField(_("更正说明"), blank=True)

    class Meta:
        ordering = ["-month", "team"]
        verbose_name = _("售后跟踪表")
        verbose_name_plural = _("售后跟踪表")
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="case_table_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.month:%Y-%m}"


class Settings(models.Model):
    """The after-sales settings of the company: one row (S-AS-3)."""

    urgent_respond_hours = models.PositiveSmallIntegerField(_("紧急：响应（工作小时）"), default=2)
    urgent_resolve_days = models.PositiveSmallIntegerField(_("紧急：解决（工作日）"), default=1)
    high_respond_hours = models.PositiveSmallIntegerField(_("高：响应（工作小时）"), default=4)
    high_resolve_days = models.PositiveSmallIntegerField(_("高：解决（工作日）"), default=3)
    normal_respond_hours = models.PositiveSmallIntegerField(_("普通：响应（工作小时）"), default=9)
    normal_resolve_days = models.PositiveSmallIntegerField(_("普通：解决（工作日）"), default=5)
    stale_days = models.PositiveSmallIntegerField(
        _("多久没有进展算停滞（工作日）"),
        default=2,
        help_text=_("未解决的案例这么多个工作日没有处理记录即报风险（S-AS-2）"),
    )
    decide_within_days = models.PositiveSmallIntegerField(
        _("解决后定责期限（工作日）"),
        default=3,
        help_text=_("案例解决后这么多个工作日仍未定责即报风险（S-AS-1）"),
    )

    class Meta:
        verbose_name = _("售后设置")
        verbose_name_plural = _("售后设置")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "Settings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings

    def limits(self, severity: str) -> tuple[int, int]:
        """(response working hours, resolution working days) of a severity."""
        return (
            getattr(self, f"{severity}_respond_hours"),
            getattr(self, f"{severity}_resolve_days"),
        )
