"""Sales leads for the back end (销线, S-LEAD-1 … S-LEAD-8): the back end's requests with the
target agreed with the front end and its milestones, the day's lead tasks and their results,
the sales leads with their cooperation probability, the teams' daily summaries, and the
plan-reporting cycles of cooperating partners."""

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duban.core.models import VersionedModel
from duban.core.urls import detail_url
from duban.leads.choices import Cycle, RequestStatus, Stage
from duban.org.choices import Role
from duban.org.models import Employee, Team, User
from duban.org.scoping import SEES_ALL, team_q
from duban.partners.models import Partner
from duban.supervision.choices import Outcome

MONEY = {"max_digits": 14, "decimal_places": 2}


def _either(user, *paths) -> Q | None:
    """The records of the teams ``user`` may see through any of ``paths`` (None: all)."""
    if user.role in SEES_ALL:
        return None
    found = Q(pk__in=[])
    for path in paths:
        found |= team_q(user, path)
    return found


class ByTeams(models.QuerySet):
    """A request is the back end's that raised it and the front end's that works it: each
    sees it (S-LEAD-1); so are its tasks and leads. Members see none."""

    paths = ("team",)

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active or user.role == Role.MEMBER:
            return self.none()
        condition = _either(user, *self.paths)
        return self if condition is None else self.filter(condition).distinct()


class RequestQuerySet(ByTeams):
    paths = ("team", "back_team")

    def open(self):
        return self.filter(status__in=[RequestStatus.RAISED, RequestStatus.AGREED])


class LeadRequest(VersionedModel):
    """A back-end team's request for sales leads (S-LEAD-1), and what the front end agreed to
    deliver: the accepted quantity by a target date, with milestones; or why it declined."""

    back_team = models.ForeignKey(
        Team,
        verbose_name=_("提出团队（后端）"),
        on_delete=models.PROTECT,
        related_name="lead_requests",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("承接团队（前端）"),
        on_delete=models.PROTECT,
        related_name="lead_requests_taken",
    )
    kind = models.CharField(_("销线类型"), max_length=100)
    quantity = models.PositiveIntegerField(
        _("需求数量"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    quality = models.TextField(_("质量要求"), blank=True)
    deadline = models.DateField(_("需求期限"))
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("合作单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_requests",
    )
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus, default=RequestStatus.RAISED
    )
    raised_by = models.ForeignKey(
        User,
        verbose_name=_("提出人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    raised_on = models.DateField(_("提出日期"))
    accepted = models.PositiveIntegerField(
        _("承接数量"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    target_on = models.DateField(_("目标日期"), null=True, blank=True)
    agreed_front = models.ForeignKey(
        User,
        verbose_name=_("前端确认"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_back = models.ForeignKey(
        User,
        verbose_name=_("后端确认"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    declined_reason = models.TextField(_("拒绝原因"), blank=True)

    objects = RequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = _("销线需求")
        verbose_name_plural = _("销线需求")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(target_on__gte=models.F("starts_on")),
                name="lead_request_target_after_start",
                violation_error_message=_("目标日期不能早于开始日期"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.back_team} · {self.kind} · {self.quantity}"

    def get_absolute_url(self) -> str:
        return detail_url("leads:request_detail", self.pk)


class RequestMilestone(models.Model):
    request = models.ForeignKey(
        LeadRequest, verbose_name=_("销线需求"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("期限"))
    quantity = models.PositiveIntegerField(
        _("累计数量"), null=True, blank=True, help_text=_("到这个节点累计应交付的销线数")
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("需求节点")
        verbose_name_plural = _("需求节点")

    def __str__(self) -> str:
        return f"{self.title} · {self.due_on}"


class TaskQuerySet(ByTeams):
    paths = ("team",)


class LeadTask(models.Model):
    """The day's lead work as the lead arranged it (S-LEAD-2), and its result once collected
    (S-LEAD-7): done or not, how many, the next step, and whether it was explained to the
    inside staff who carry it out."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="lead_tasks"
    )
    date = models.DateField(_("日期"))
    assignee = models.ForeignKey(
        Employee, verbose_name=_("执行人"), on_delete=models.PROTECT, related_name="lead_tasks"
    )
    request = models.ForeignKey(
        LeadRequest,
        verbose_name=_("对应需求"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    work = models.CharField(_("工作内容"), max_length=200)
    planned = models.PositiveIntegerField(
        _("计划数量"), default=0, validators=[MaxValueValidator(100_000)]
    )
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome, blank=True)
    achieved = models.PositiveIntegerField(
        _("完成数量"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    next_step = models.CharField(_("下一步"), max_length=200, blank=True)
    explained = models.BooleanField(
        _("已向内勤讲清"), default=False, help_text=_("执行的内勤是否已清楚要做什么（S-LEAD-7）")
    )
    arranged_by = models.ForeignKey(
        User,
        verbose_name=_("安排人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    collected_at = models.DateTimeField(_("结果回收时间"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "team", "pk"]
        verbose_name = _("销线任务")
        verbose_name_plural = _("销线任务")
        indexes = [models.Index(fields=["team", "date"], name="lead_task_team_day")]

    def __str__(self) -> str:
        return f"{self.date} · {self.assignee} · {self.work}"


class LeadQuerySet(ByTeams):
    paths = ("team", "request__back_team")

    def open(self):
        return self.filter(stage__in=[s for s in Stage.values if s not in (Stage.WON, Stage.LOST)])


class SalesLead(VersionedModel):
    """A sales lead (S-LEAD-4): a partner or a prospect, the request it answers, who owns it,
    where it stands, what it may be worth and the owner's estimate of the probability of
    cooperation, the next step; won or lost, with why."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.PROTECT, related_name="sales_leads"
    )
    request = models.ForeignKey(
        LeadRequest,
        verbose_name=_("对应需求"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("合作单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_leads",
    )
    prospect = models.CharField(_("意向客户"), max_length=100, blank=True)
    owner = models.ForeignKey(
        Employee, verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="sales_leads"
    )
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage, default=Stage.CONTACT)
    value = models.DecimalField(
        _("预计金额"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    probability = models.PositiveSmallIntegerField(
        _("合作概率（%）"), validators=[MaxValueValidator(100)]
    )
    probability_on = models.DateField(_("概率更新日期"))
    next_step = models.CharField(_("下一步"), max_length=200, blank=True)
    next_on = models.DateField(_("下一步日期"), null=True, blank=True)
    delivered_on = models.DateField(_("交付后端日期"))
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    lost_reason = models.CharField(_("流失原因"), max_length=200, blank=True)

    objects = LeadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-delivered_on", "-pk"]
        verbose_name = _("销线")
        verbose_name_plural = _("销线")
        indexes = [models.Index(fields=["team", "stage"], name="sales_lead_team_stage")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(partner=None) | ~Q(prospect=""),
                name="sales_lead_names_someone",
                violation_error_message=_("请填写合作单位或意向客户"),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(stage__in=[Stage.WON, Stage.LOST]),
                name="sales_lead_closed_when_won_or_lost",
            ),
        ]

    def __str__(self) -> str:
        return str(self.partner or self.prospect)

    def get_absolute_url(self) -> str:
        return detail_url("leads:lead_detail", self.pk)

    @property
    def is_closed(self) -> bool:
        return self.stage in (Stage.WON, Stage.LOST)


class LeadSummary(models.Model):
    """A team's lead summary (销线综述) of a working day (S-LEAD-5): what the lead writes, the
    next target and milestone, and the day's figures as the data had them."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="lead_summaries"
    )
    date = models.DateField(_("日期"))
    text = models.TextField(_("综述"))
    next_target = models.CharField(_("下一目标"), max_length=200)
    next_milestone = models.CharField(_("下一节点"), max_length=200)
    figures = models.JSONField(_("当日数据"), default=dict, blank=True)
    written_by = models.ForeignKey(
        User,
        verbose_name=_("填写人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    written_at = models.DateTimeField(_("填写时间"), auto_now=True)

    objects = ByTeams.as_manager()

    class Meta:
        ordering = ["-date", "team"]
        verbose_name = _("销线综述")
        verbose_name_plural = _("销线综述")
        constraints = [
            models.UniqueConstraint(fields=["team", "date"], name="lead_summary_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.date}"


class PartnerCycle(models.Model):
    """A cooperating partner's plan-reporting cycle as a team follows it (S-LEAD-6): the inside
    staff follow up a few working days before each reporting day (a rule that follows these
    items makes the check-ins)."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("合作单位"), on_delete=models.CASCADE, related_name="cycles"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("跟进团队"), on_delete=models.CASCADE, related_name="partner_cycles"
    )
    cycle = models.CharField(_("报计划周期"), max_length=10, choices=Cycle)
    day = models.PositiveSmallIntegerField(
        _("周期中的第几天"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_(
            "每周：1–7（周一到周日）；每月：1–31（月末不足的取最后一天）；每季度：季度第一个月的几号"
        ),
    )
    dates = models.JSONField(
        _("指定日期"), default=list, blank=True, help_text=_("周期为“指定日期”时：报计划的日期")
    )
    lead_days = models.PositiveSmallIntegerField(
        _("提前（工作日）"), default=3, validators=[MaxValueValidator(20)]
    )
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ByTeams.as_manager()

    class Meta:
        ordering = ["partner__name"]
        verbose_name = _("合作单位报计划周期")
        verbose_name_plural = _("合作单位报计划周期")
        constraints = [
            models.UniqueConstraint(fields=["partner", "team"], name="partner_cycle_once_a_team")
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.get_cycle_display()}"

    def get_absolute_url(self) -> str:
        return reverse("leads:cycles") + f"#cycle-{self.pk}"

    def reporting_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The partner's reporting days from ``start`` to ``end``, both included."""
        if self.cycle == Cycle.DATES:
            found = []
            for text in self.dates or []:
                try:
                    day = dt.date.fromisoformat(str(text))
                except ValueError:
                    continue
                if start <= day <= end:
                    found.append(day)
            return sorted(found)
        days, day = [], start
        while day <= end:
            if self._reports_on(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def _reports_on(self, day: dt.date) -> bool:
        wanted = self.day or 1
        if self.cycle == Cycle.WEEKLY:
            return day.isoweekday() == min(wanted, 7)
        if self.cycle == Cycle.QUARTERLY and day.month not in (1, 4, 7, 10):
            return False
        last = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return day.day == min(wanted, last.day)


class Settings(models.Model):
    """The sales-lead settings of the company: one row."""

    cycle_lead_days = models.PositiveSmallIntegerField(
        _("报计划前跟进（工作日）"),
        default=3,
        help_text=_("新建报计划周期时的默认提前天数（S-LEAD-6）"),
    )
    shortfall_margin = models.PositiveSmallIntegerField(
        _("缺口容忍（%）"),
        default=10,
        validators=[MaxValueValidator(100)],
        help_text=_("按目前进度预计到目标日期的数量比承接数量少超过这个比例时报风险（S-LEAD-3）"),
    )
    summary_by = models.TimeField(
        _("综述截止时间"), default=dt.time(18, 0), help_text=_("每个工作日这个时间前应更新销线综述")
    )
    probability_stale_days = models.PositiveSmallIntegerField(
        _("概率多久未更新算停滞（天）"), default=30
    )

    class Meta:
        verbose_name = _("销线设置")
        verbose_name_plural = _("销线设置")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "Settings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings
