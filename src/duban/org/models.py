from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from duban.core.models import VersionedModel
from duban.org.choices import EmployeeStatus, Post, Role, TeamKind
from duban.org.scoping import SEES_ALL, scope

EDITORS = {Role.ADMIN, Role.SUPERVISOR, Role.LEAD}


class DubanUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. ``role`` decides what they may see and do."""

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role, default=Role.MEMBER)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    objects = DubanUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username

    @property
    def sees_all(self) -> bool:
        return self.role in SEES_ALL


class BusinessLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.role == Role.SUPERVISOR:
            return self.filter(supervisors=user)
        return scope(self, user, team_path="teams").distinct()


class BusinessLine(VersionedModel):
    """A business line (条线): work is followed "by time and by line" (S-GEN-1)."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    head = models.ForeignKey(
        User,
        verbose_name=_("条线负责人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_lines",
    )
    supervisors = models.ManyToManyField(
        User,
        verbose_name=pgettext_lazy("role", "督办"),
        blank=True,
        related_name="supervised_lines",
    )
    note = models.TextField(_("备注"), blank=True)

    objects = BusinessLineQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[supervisors])

    class Meta:
        ordering = ["name"]
        verbose_name = _("业务条线")
        verbose_name_plural = _("业务条线")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:line_detail", args=[self.pk])


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope(self, user, team_path="")


class Team(VersionedModel):
    """A team of a business line: a front-end telesales team or a back-end cooperation team."""

    name = models.CharField(_("名称"), max_length=50)
    line = models.ForeignKey(
        BusinessLine, verbose_name=_("业务条线"), on_delete=models.PROTECT, related_name="teams"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=TeamKind, default=TeamKind.FRONT)
    leads = models.ManyToManyField(
        User, verbose_name=_("主管"), blank=True, related_name="led_teams"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.TextField(_("备注"), blank=True)

    objects = TeamQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[leads])

    class Meta:
        ordering = ["line__name", "kind", "name"]
        verbose_name = _("团队")
        verbose_name_plural = _("团队")
        constraints = [
            models.UniqueConstraint(fields=["line", "name"], name="team_name_unique_in_line"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:team_detail", args=[self.pk])


class EmployeeQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.role == Role.MEMBER:
            return self.filter(user=user)
        return scope(self, user)

    def current(self):
        return self.exclude(status=EmployeeStatus.LEFT)


class Employee(VersionedModel):
    """A member of a team (员工 / 内勤), whether or not they sign in to Duban."""

    name = models.CharField(_("姓名"), max_length=50)
    number = models.CharField(_("工号"), max_length=30, blank=True)
    user = models.OneToOneField(
        User,
        verbose_name=_("登录账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.PROTECT, related_name="employees"
    )
    position = models.CharField(_("岗位"), max_length=50, blank=True)
    post = models.CharField(
        _("岗位类别"),
        max_length=10,
        choices=Post,
        default=Post.JUNIOR,
        help_text=_("编制按岗位类别统计：主管、资深、普通、内勤、实习/新人"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=EmployeeStatus, default=EmployeeStatus.ACTIVE
    )
    hire_date = models.DateField(_("入职日期"))
    leave_date = models.DateField(_("离职日期"), null=True, blank=True)
    daily_capacity = models.PositiveIntegerField(
        _("日呼叫量"), default=0, help_text=_("每个工作日可拨打的电话数，用于测算资源是否够用")
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    objects = EmployeeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["team__name", "name"]
        verbose_name = _("员工")
        verbose_name_plural = _("员工")
        indexes = [models.Index(fields=["team", "status"], name="employee_team_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=~Q(number=""),
                name="employee_number_unique",
                violation_error_message=_("已有员工使用这个工号"),
            ),
            models.CheckConstraint(
                condition=Q(leave_date__isnull=True) | Q(leave_date__gte=models.F("hire_date")),
                name="employee_leaves_after_hire",
                violation_error_message=_("离职日期不能早于入职日期"),
            ),
            models.CheckConstraint(
                condition=~Q(status=EmployeeStatus.LEFT) | Q(leave_date__isnull=False),
                name="employee_left_has_leave_date",
                violation_error_message=_("状态为离职时必须填写离职日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:employee_detail", args=[self.pk])

    def can_be_edited_by(self, user) -> bool:
        return user.role in EDITORS
