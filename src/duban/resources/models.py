from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duban.core.models import ImportedRows, VersionedModel
from duban.core.parsing import mask_phone
from duban.core.urls import detail_url
from duban.org.choices import Role
from duban.org.models import Employee, Team, User
from duban.org.scoping import SEES_ALL
from duban.resources.choices import (
    WORKABLE,
    Grade,
    HandoverKind,
    HandoverStatus,
    Outcome,
    ResourceStatus,
)


class NamedList(models.Model):
    """An editable list of names (sources, categories) that admins keep."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=100)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Source(NamedList):
    """Where resources come from (来源: a purchased list, referrals, an exhibition …), S-RES-1."""

    class Meta(NamedList.Meta):
        verbose_name = _("资源来源")
        verbose_name_plural = _("资源来源")


class Category(NamedList):
    """How a team classifies its resources (分类: an industry, a customer type …), S-RES-1."""

    class Meta(NamedList.Meta):
        verbose_name = _("资源分类")
        verbose_name_plural = _("资源分类")


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """By team, as everywhere; a member sees the resources they hold. The user's teams go
        in as a list of keys, not a join: at millions of rows the planner then reads each
        team's rows by its index."""
        if user.is_authenticated and user.is_active and user.role == Role.MEMBER:
            return self.filter(owner__user=user)
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in SEES_ALL:
            return self.all()
        return self.filter(
            team__in=list(Team.objects.visible_to(user).values_list("pk", flat=True))
        )

    def workable(self):
        """Assigned and still to call: what days of cover count (S-RES-7)."""
        return self.filter(owner__isnull=False, status__in=WORKABLE)


class Resource(ImportedRows, VersionedModel):
    """A contact telesales staff call (资源): held by a team and one of its employees."""

    number = models.CharField(_("资源编号"), max_length=40, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    company = models.CharField(_("单位"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=24, blank=True)  # parsing.parse_phone's form
    phone2 = models.CharField(_("备用电话"), max_length=24, blank=True)
    source = models.ForeignKey(
        Source, verbose_name=_("来源"), on_delete=models.PROTECT, null=True, blank=True
    )
    category = models.ForeignKey(
        Category, verbose_name=_("分类"), on_delete=models.PROTECT, null=True, blank=True
    )
    grade = models.CharField(_("级别"), max_length=1, choices=Grade, blank=True)
    # the composite indexes below start with these two: no index of their own, which every
    # insert of a large import would also have to maintain
    team = models.ForeignKey(
        Team,
        verbose_name=_("团队"),
        on_delete=models.PROTECT,
        related_name="resources",
        db_index=False,
    )
    owner = models.ForeignKey(
        Employee,
        verbose_name=_("负责人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        db_index=False,
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ResourceStatus, default=ResourceStatus.NEW
    )
    outcome = models.CharField(_("结果"), max_length=8, choices=Outcome, blank=True)
    received_on = models.DateField(_("领取日期"), null=True, blank=True)
    last_worked_on = models.DateField(_("最近跟进"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    objects = ResourceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["batch"])

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("资源")
        verbose_name_plural = _("资源")
        indexes = [
            models.Index(fields=["team", "status", "owner"], name="resource_team_status_owner"),
            models.Index(fields=["team", "-id"], name="resource_team_newest"),  # keyset pages
            models.Index(fields=["owner", "status"], name="resource_owner_status"),
            models.Index(  # most have no second number: a small index
                fields=["phone2"], condition=~Q(phone2=""), name="resource_phone2"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "number"],
                condition=~Q(number=""),
                name="resource_number_once_per_team",
                violation_error_message=_("这个团队已有这个编号的资源"),
            ),
            # phone first, so that it is also the index that finds a number in every team
            # (a query says ~Q(phone="") too, for SQLite to use it): one index less for
            # every insert of a large import to keep
            models.UniqueConstraint(
                fields=["phone", "team"],
                condition=~Q(phone=""),
                name="resource_phone_once_per_team",
                violation_error_message=_("这个团队已有这个电话号码的资源"),
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(status=ResourceStatus.CLOSED),
                name="resource_outcome_only_when_closed",
                violation_error_message=_("只有已关闭的资源才有结果"),
            ),
        ]

    def __str__(self) -> str:
        return self.contact_name or self.company or self.number or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return detail_url("resources:resource_detail", self.pk)


class Numbers:
    """Phone numbers are personal information (个人信息保护法): the owning employee, their
    team's leads and admins see them in full; everyone else (a supervisor, an executive, a
    colleague) masked. Built once per page: ``numbers.shown(resource)``."""

    def __init__(self, user):
        self.all = user.role == Role.ADMIN
        self.teams = (
            set(user.led_teams.values_list("pk", flat=True)) if user.role == Role.LEAD else set()
        )
        self.employee_ids = set(Employee.objects.filter(user=user).values_list("pk", flat=True))

    def full(self, resource) -> bool:
        return (
            self.all
            or resource.team_id in self.teams
            or (resource.owner_id is not None and resource.owner_id in self.employee_ids)
        )

    def shown(self, resource, field: str = "phone") -> str:
        phone = getattr(resource, field)
        return phone if self.full(resource) else mask_phone(phone)

    @property
    def any_full(self) -> bool:
        """Whether this user may see any number in full (and so export them)."""
        return self.all or bool(self.teams) or bool(self.employee_ids)


class HandoverQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Of either team: a lead sees hand-overs from and to their teams; a member those that
        name them."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.MEMBER:
            return self.filter(Q(from_employee__user=user) | Q(to_employee__user=user))
        if user.role in SEES_ALL:
            return self.all()
        teams = list(Team.objects.visible_to(user).values_list("pk", flat=True))
        return self.filter(Q(team__in=teams) | Q(to_team__in=teams))


class Handover(VersionedModel):
    """A hand-over (流转, S-RES-2) of resources from one employee to another, or a swap
    (调换, S-RES-3) between people or teams: planned (a swap first approved by both leads),
    sent, then received only when the receiver confirms (S-RES-7); the receiver's work
    arrangement for them is recorded and followed (S-RES-6)."""

    kind = models.CharField(
        _("类型"), max_length=10, choices=HandoverKind, default=HandoverKind.HANDOVER
    )
    team = models.ForeignKey(
        Team, verbose_name=_("交出团队"), on_delete=models.PROTECT, related_name="handovers_out"
    )
    to_team = models.ForeignKey(
        Team, verbose_name=_("接收团队"), on_delete=models.PROTECT, related_name="handovers_in"
    )
    from_employee = models.ForeignKey(
        Employee, verbose_name=_("交出人"), on_delete=models.PROTECT, related_name="handovers_out"
    )
    to_employee = models.ForeignKey(
        Employee, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="handovers_in"
    )
    resources = models.ManyToManyField(
        Resource, verbose_name=_("资源"), blank=True, related_name="handovers"
    )
    count = models.PositiveIntegerField(_("数量"))
    planned_on = models.DateField(_("计划日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=HandoverStatus, default=HandoverStatus.PLANNED
    )
    approved_by_from = models.ForeignKey(
        User,
        verbose_name=_("交出方主管同意"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by_to = models.ForeignKey(
        User,
        verbose_name=_("接收方主管同意"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("交出时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        User,
        verbose_name=_("确认人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    arrangement = models.TextField(_("接收后的工作安排"), blank=True)
    arrangement_result = models.TextField(_("安排的结果"), blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("登记人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = HandoverQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-planned_on", "-pk"]
        verbose_name = _("资源流转")
        verbose_name_plural = _("资源流转")
        indexes = [models.Index(fields=["status", "planned_on"], name="handover_status_day")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_employee=models.F("to_employee")),
                name="handover_to_someone_else",
                violation_error_message=_("交出人和接收人不能是同一人"),
            ),
            models.CheckConstraint(
                condition=~Q(status=HandoverStatus.RECEIVED) | Q(received_at__isnull=False),
                name="handover_received_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_employee} → {self.to_employee} · {self.count}"

    def get_absolute_url(self) -> str:
        return detail_url("resources:handover_detail", self.pk)


class Settings(models.Model):
    """The resource settings of the company: one row."""

    min_days_cover = models.PositiveSmallIntegerField(
        _("最少可用天数"),
        default=3,
        help_text=_("团队手上可打的资源够打的工作日少于这个数时报警（S-RES-7）"),
    )
    projection_days = models.PositiveSmallIntegerField(
        _("预判天数"),
        default=5,
        help_text=_("按现有资源和已计划的流转，预判这么多个工作日后是否够用"),
    )
    worked_within_days = models.PositiveSmallIntegerField(
        _("跟进时限（工作日）"),
        default=3,
        help_text=_("资源领取后这么多个工作日内应当跟进，否则算作领取未跟进（S-RES-4）"),
    )
    default_capacity = models.PositiveIntegerField(
        _("默认日呼叫量"),
        default=60,
        help_text=_("团队里没有人填日呼叫量时，每位在岗员工按这个数测算可用天数"),
    )

    class Meta:
        verbose_name = _("资源设置")
        verbose_name_plural = _("资源设置")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "Settings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings


class CoverDay(models.Model):
    """A team's workable stock and calling capacity as they stood on a working day: the
    trend of days of cover (S-RES-7) is read from these, recorded each day by ``duban tick``."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    workable = models.PositiveIntegerField(_("可打资源"))
    capacity = models.PositiveIntegerField(_("日呼叫能力"))

    class Meta:
        ordering = ["team", "day"]
        verbose_name = _("资源可用天数记录")
        verbose_name_plural = _("资源可用天数记录")
        constraints = [models.UniqueConstraint(fields=["team", "day"], name="coverday_once")]

    def __str__(self) -> str:
        return f"{self.team} {self.day}"

    @property
    def days(self) -> float | None:
        return round(self.workable / self.capacity, 1) if self.capacity else None
