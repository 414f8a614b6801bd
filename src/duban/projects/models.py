"""Projects (项目, S-PRJ-1 … S-PRJ-6): each with its cycle class (which sets the cadence it is
followed at), milestones, summaries, hand-overs to the back end, and for new projects
indicators with daily, weekly and monthly targets."""

import calendar as month_calendar
import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from duban.core.models import VersionedModel
from duban.core.urls import detail_url
from duban.org.choices import Role
from duban.org.models import Team, User
from duban.org.scoping import SEES_ALL, team_q
from duban.partners.models import Partner
from duban.projects.choices import CycleClass, ProjectStatus, Stage, TargetKind

MONEY = {"max_digits": 14, "decimal_places": 2}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def cycle_class(starts_on: dt.date, ends_on: dt.date) -> str:
    """≤ 3 months (to the same day three months on, included), 3–6 months, or long."""
    if ends_on <= add_months(starts_on, 3):
        return CycleClass.SHORT
    if ends_on <= add_months(starts_on, 6):
        return CycleClass.MEDIUM
    return CycleClass.LONG


class ProjectQuerySet(models.QuerySet):
    """A project is its front team's and its back-end counterpart's; members see none."""

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active or user.role == Role.MEMBER:
            return self.none()
        if user.role in SEES_ALL:
            return self
        return self.filter(team_q(user, "team") | team_q(user, "back_team")).distinct()

    def active(self):
        return self.filter(status=ProjectStatus.ACTIVE)


class Project(VersionedModel):
    name = models.CharField(_("项目名称"), max_length=100)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("合作单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.PROTECT, related_name="projects"
    )
    lead = models.ForeignKey(
        User, verbose_name=_("主管"), on_delete=models.PROTECT, related_name="projects_led"
    )
    back_team = models.ForeignKey(
        Team,
        verbose_name=_("后端对接团队"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects_backed",
    )
    back_contact = models.CharField(_("后端对接人"), max_length=50, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("计划结束"))
    cycle = models.CharField(_("周期类别"), max_length=10, choices=CycleClass, editable=False)
    new_until = models.DateField(_("新项目截至"), editable=False)
    review_weeks = models.PositiveSmallIntegerField(
        _("长周期跟进间隔（周）"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("长周期项目由督办设定多久跟进一次（S-PRJ-4）"),
    )
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage, default=Stage.RESEARCH)
    target_kind = models.CharField(
        _("目标类型"), max_length=10, choices=TargetKind, default=TargetKind.QUANTITY
    )
    target = models.DecimalField(
        _("目标"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ProjectStatus, default=ProjectStatus.ACTIVE
    )
    note = models.TextField(_("说明"), blank=True)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "ends_on", "name"]
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
                violation_error_message=_("计划结束日期不能早于开始日期"),
            ),
            models.UniqueConstraint(
                fields=["team", "name"],
                name="project_name_once_per_team",
                violation_error_message=_("这个团队已有同名项目"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("projects:project_detail", self.pk)

    def save(self, *args, **kwargs):
        """The class follows the dates: recomputed whenever they change (S-PRJ-1)."""
        from duban.projects.selectors import new_weeks

        self.cycle = cycle_class(self.starts_on, self.ends_on)
        self.new_until = self.starts_on + dt.timedelta(weeks=new_weeks())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "cycle", "new_until"}
        super().save(*args, **kwargs)

    def is_new(self, today: dt.date) -> bool:
        return self.starts_on <= today < self.new_until


class ProjectMilestone(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")

    def __str__(self) -> str:
        return f"{self.title} · {self.due_on}"


class ProjectSummary(models.Model):
    """The project summary at its cadence (S-PRJ-1/2/3): progress, next goal and milestone,
    how people are allocated."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="summaries"
    )
    date = models.DateField(_("日期"))
    progress = models.TextField(_("进展"))
    next_goal = models.CharField(_("下一目标"), max_length=200)
    next_milestone = models.CharField(_("下一节点"), max_length=200)
    allocation = models.CharField(_("人员安排"), max_length=200, blank=True)
    written_by = models.ForeignKey(
        User,
        verbose_name=_("填写人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("项目综述")
        verbose_name_plural = _("项目综述")
        constraints = [
            models.UniqueConstraint(fields=["project", "date"], name="project_summary_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.date}"


class ProjectHandover(models.Model):
    """A hand-over to the back end (S-PRJ-2/3): what, to whom, when; received when the back end
    confirms, with its next goal; the allocation judged at review."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="handovers"
    )
    what = models.CharField(_("交接内容"), max_length=200)
    to_team = models.ForeignKey(
        Team, verbose_name=_("交给"), on_delete=models.PROTECT, related_name="project_handovers_in"
    )
    to_person = models.CharField(_("接收人"), max_length=50, blank=True)
    handed_on = models.DateField(_("交接日期"))
    received_on = models.DateField(_("接收日期"), null=True, blank=True)
    received_by = models.ForeignKey(
        User,
        verbose_name=_("确认人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    next_goal = models.CharField(_("后端下一目标"), max_length=200, blank=True)
    allocation_ok = models.BooleanField(_("人员安排合理"), null=True, blank=True)
    allocation_note = models.CharField(_("评估说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-handed_on", "-pk"]
        verbose_name = _("项目交接")
        verbose_name_plural = _("项目交接")

    def __str__(self) -> str:
        return f"{self.project} · {self.what}"


class Indicator(models.Model):
    """An indicator of a new project (S-PRJ-5) with its daily, weekly and monthly targets."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("指标"), max_length=50)
    unit = models.CharField(pgettext_lazy("indicator", "单位"), max_length=10, blank=True)
    daily = models.DecimalField(
        _("日目标"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    weekly = models.DecimalField(
        _("周目标"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    monthly = models.DecimalField(
        _("月目标"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["project", "order", "pk"]
        verbose_name = _("项目指标")
        verbose_name_plural = _("项目指标")
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="indicator_once_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.name}"


class Actual(models.Model):
    """An indicator's value on a working day."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="actuals"
    )
    date = models.DateField(_("日期"))
    value = models.DecimalField(_("实际"), **MONEY, validators=[MinValueValidator(Decimal(0))])
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("填写人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["indicator", "date"]
        verbose_name = _("指标实际")
        verbose_name_plural = _("指标实际")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "date"], name="actual_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.date}"


class Settings(models.Model):
    """The project settings of the company: one row."""

    new_weeks = models.PositiveSmallIntegerField(
        _("新项目期（周）"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("开始后这么多周内算新项目，按日、周、月看指标（S-PRJ-5）"),
    )
    miss_margin = models.PositiveSmallIntegerField(
        _("指标缺口容忍（%）"),
        default=10,
        validators=[MaxValueValidator(100)],
        help_text=_("指标预计比目标少超过这个比例时报风险"),
    )

    class Meta:
        verbose_name = _("项目设置")
        verbose_name_plural = _("项目设置")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "Settings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings
